// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
)

// External ports: a node serves each port of its location (compile.Graph's
// Ports) on a TCP listener of its own. Only the goroutine holding the
// node's lock touches the graph and the bindings ("the loop" below: Run's
// loop, or a peer connection's reader or a channel's pump running a tick;
// see the package's Concurrency section).
//
// The loop accepts the clients itself, without waiting (acceptNow), when a
// watcher goroutine tells it that connections wait, and before every
// output of a PortOut: a client whose dial returned is in the room before
// the flow's next broadcast. Per client, a reader goroutine turns the byte
// stream into messages for the loop, and a writer goroutine (on ports that
// send) writes what the loop queued, so that a slow client never stalls
// the loop. Readers reach the loop through one channel of events, which
// keeps each client's messages and end in order.
//
// A client's end is reported to the flow after the ticks that take its
// last messages have run. A client of a PortOut that closes its side has
// left. A client of a PortBidi that half-closes after its requests (as
// `nc -N` does) is kept open for answers until none was queued for
// PortLimits.Linger: answers that cross other nodes still reach it. Then
// the writer writes what is left and closes the connection.

// ports serves a node's external ports.
type ports struct {
	servers  []*portServer
	events   chan portEvent // nil without ports: the loop's case is disabled
	closing  chan struct{}
	wg       sync.WaitGroup // watchers, readers, writers
	log      *slog.Logger
	lim      PortLimits
	security PortSecurity
	budget   budget             // bytes of messages in events
	ctx      context.Context    // ends when the ports close
	cancel   context.CancelFunc // ends ctx

	mu struct {
		sync.Mutex
		closed  bool
		clients map[*client]struct{} // whose reader or writer runs
		gating  map[net.Conn]*gated  // in the port's handshake (gate), or on their way to the loop
	}

	// Owned by the loop.
	ended   []*client // ended; Disconnect waits for settle
	touched []*client // queued to since the last wake
}

// portServer is one port.
type portServer struct {
	b     *compile.PortBinding
	ln    net.Listener
	raw   syscall.RawConn // ln's descriptor (Unix)
	wf    *os.File        // a second descriptor of it, for watch (Unix)
	log   *slog.Logger
	lim   PortLimits
	stats *PortCounts

	live   atomic.Int64 // clients whose goroutines run
	total  atomic.Int64 // bytes queued for all clients
	held   atomic.Int64 // bytes held for connections in their handshake (gated)
	paused atomic.Int32 // readers waiting for room
	asked  atomic.Bool  // an evAccept is on its way to the loop
	room   struct {
		sync.Mutex
		ch chan struct{} // closed when a writer made room
	}
	rate acceptRate
	pend struct { // connections accepted by watch (not Unix)
		sync.Mutex
		conns []net.Conn
	}

	next uint64             // the last connection id given; loop only
	full bool               // at MaxClients when last looked; loop only
	open map[uint64]*client // connected and not yet ended; loop only
}

// errNoneWaiting is what acceptNow returns when no connection waits.
var errNoneWaiting = errors.New("deploy: no connection waiting")

type eventKind uint8

const (
	evMessage eventKind = iota
	evEnd
	evAccept // connections wait in srv's accept queue
	evAdmit  // a connection passed srv's security (gate)
)

type portEvent struct {
	c    *client
	srv  *portServer // evAccept, evAdmit
	kind eventKind
	msg  []byte
	err  error    // evEnd: why, if the client broke or was closed
	nc   net.Conn // evAdmit: the connection to serve the client on
	raw  net.Conn // evAdmit: the TCP connection under it
	who  string   // evAdmit: the client's certificate's name, if any
}

// servePorts listens on every port of bs, at the address addrs gives its
// name (127.0.0.1 and a free port if none), and starts watching for
// clients. stats, if not nil, receives each port's counters; sec is what
// the ports ask of a client before taking it in.
func servePorts(ctx context.Context, bs []*compile.PortBinding, addrs map[string]string, lim PortLimits, stats *PortStats, sec PortSecurity, log *slog.Logger) (*ports, error) {
	ps := &ports{closing: make(chan struct{}), log: log, lim: lim.withDefaults()}
	ps.mu.clients = make(map[*client]struct{})
	ps.mu.gating = make(map[net.Conn]*gated)
	if len(bs) == 0 {
		return ps, nil
	}
	if sec.TLS != nil && len(sec.TLS.Certificates) == 0 && sec.TLS.GetCertificate == nil && sec.TLS.GetConfigForClient == nil {
		return nil, errors.New("external ports: TLS without a certificate")
	}
	sec.TLS = withMinVersion(sec.TLS)
	ps.security = sec
	ps.ctx, ps.cancel = context.WithCancel(context.Background())
	if stats == nil {
		stats = &PortStats{}
	}
	ps.events = make(chan portEvent, portEvents)
	var lc net.ListenConfig
	for _, b := range bs {
		addr := addrs[b.Name]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err == nil {
			var raw syscall.RawConn
			if raw, err = ln.(*net.TCPListener).SyscallConn(); err == nil {
				s := &portServer{b: b, ln: ln, raw: raw, log: log.With("port", b.Name), lim: ps.lim, stats: stats.Port(b.Name), open: make(map[uint64]*client)}
				if err = s.openWatch(); err == nil {
					ps.servers = append(ps.servers, s)
					s.log.Info("external port listening", "addr", ln.Addr().String(), "kind", b.Kind.String())
					continue
				}
			}
			ln.Close()
		}
		for _, s := range ps.servers {
			s.closeListener()
		}
		ps.cancel()
		return nil, fmt.Errorf("listening for external port %s on %s: %w", b.Name, addr, err)
	}
	for _, s := range ps.servers {
		ps.wg.Go(func() { ps.watch(s) })
	}
	return ps, nil
}

// close stops accepting, closes every client and waits for every
// goroutine, or until ctx ends. Messages not yet written are lost.
func (ps *ports) close(ctx context.Context) error {
	if len(ps.servers) == 0 {
		return nil
	}
	ps.mu.Lock()
	if !ps.mu.closed {
		ps.mu.closed = true
		close(ps.closing)
		ps.cancel()
		for nc := range ps.mu.gating {
			nc.Close()
		}
		for _, s := range ps.servers {
			s.closeListener()
			s.stopRate()
			s.pend.Lock()
			for _, nc := range s.pend.conns {
				nc.Close()
			}
			s.pend.conns = nil
			s.pend.Unlock()
		}
		for c := range ps.mu.clients {
			c.raw.Close()
		}
	}
	ps.mu.Unlock()
	done := make(chan struct{})
	go func() { ps.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("deploy: closing external ports: %w", context.Cause(ctx))
	}
}

func (s *portServer) closeListener() {
	s.ln.Close()
	if s.wf != nil {
		s.wf.Close()
	}
}

// wantAccept has the loop accept what waits on s, unless it is asked
// already. It waits for room in the events channel.
func (ps *ports) wantAccept(s *portServer) {
	if !s.asked.CompareAndSwap(false, true) {
		return
	}
	select {
	case ps.events <- portEvent{srv: s, kind: evAccept}:
	case <-ps.closing:
	}
}

func (ps *ports) send(ev portEvent) bool {
	select {
	case ps.events <- ev:
		return true
	case <-ps.closing:
		return false
	}
}

// The loop's side.

// acceptPending takes in every client waiting on s, up to MaxClients. The
// lock is held.
func (ps *ports) acceptPending(s *portServer) {
	for {
		if int(s.live.Load()) >= s.lim.MaxClients {
			if !s.full {
				s.full = true
				s.stats.Full.Add(1)
				s.log.Debug("port full: new clients wait", "clients", s.live.Load())
			}
			return
		}
		if !ps.allow(s) {
			return
		}
		nc, err := s.acceptNow()
		if err != nil {
			if err != errNoneWaiting && !errors.Is(err, net.ErrClosed) {
				s.log.Error("accepting a client failed", "err", err)
			}
			return
		}
		s.full = false
		s.took()
		if ps.security.on() {
			ps.gate(s, nc)
			continue
		}
		s.live.Add(1)
		ps.start(s, nc, nc, "")
	}
}

// start registers a new client on nc, tells the flow, and starts its
// goroutines; raw is the TCP connection under nc, and who the name of its
// certificate. The client counts in s.live already. The lock is held.
func (ps *ports) start(s *portServer, nc, raw net.Conn, who string) {
	s.next++
	log := s.log.With("conn", s.next, "remote", raw.RemoteAddr().String())
	if who != "" {
		log = log.With("client", who)
	}
	c := &client{id: s.next, srv: s, nc: nc, raw: raw, wake: make(chan struct{}, 1), dead: make(chan struct{}),
		writes: s.b.Kind != compile.PortIn, log: log}
	ps.mu.Lock()
	held := ps.ungateLocked(raw)
	if ps.mu.closed {
		ps.mu.Unlock()
		raw.Close()
		ps.unlive(s)
		return
	}
	ps.mu.clients[c] = struct{}{}
	ps.mu.Unlock()
	s.stats.Accepted.Add(1)
	s.stats.Clients.Add(1)
	c.open = true
	s.open[c.id] = c
	c.log.Info("client connected")
	if s.b.Connect != nil {
		s.b.Connect(c.id)
	}
	// A client that sent a token is told it is in once it is: from then
	// on the flow's output reaches it.
	c.greet = ps.security.Token != ""
	c.live.Store(1)
	if c.writes {
		c.live.Store(2)
		if c.greet {
			c.greet = false
			c.mu.out = append(c.mu.out, authOK...)
			c.holdLocked(len(authOK))
			c.kick()
		}
		if len(held) > 0 {
			// What the port sent during the client's handshake, after OK.
			c.mu.out = append(c.mu.out, held...)
			c.holdLocked(len(held))
			c.lastQueued.Store(time.Now().UnixNano())
			c.kick()
		}
		ps.wg.Go(func() { ps.write(c) })
	}
	ps.wg.Go(func() { ps.read(c) })
}

// handle applies one event from a client or a watcher. The lock is held.
func (ps *ports) handle(ev portEvent) {
	switch ev.kind {
	case evAccept:
		ev.srv.asked.Store(false)
		ps.acceptPending(ev.srv)
		return
	case evAdmit:
		ps.start(ev.srv, ev.nc, ev.raw, ev.who)
		return
	}
	c, b := ev.c, ev.c.srv.b
	switch ev.kind {
	case evMessage:
		ps.budget.release(len(ev.msg))
		if !c.open || b.Receive == nil {
			return
		}
		if err := b.Receive(c.id, ev.msg); err != nil {
			ps.kill(c, "bad input", err)
		}
	case evEnd:
		if c.open {
			if ev.err != nil {
				c.log.Info("client connection lost", "err", ev.err)
			}
			ps.ended = append(ps.ended, c)
		}
	}
}

// takeReady handles the events already waiting, up to a bound, without
// blocking: they join the coming tick.
func (ps *ports) takeReady() {
	for range 1024 {
		select {
		case ev := <-ps.events:
			ps.handle(ev)
		default:
			return
		}
	}
}

// settle reports the clients that ended to the flow, once the ticks that
// took their last messages have run, and lets their writers finish. It
// reports whether it pushed events, which need a tick.
func (ps *ports) settle() bool {
	if len(ps.ended) == 0 {
		return false
	}
	pushed := false
	for _, c := range ps.ended {
		if !c.open {
			continue
		}
		pushed = ps.disconnect(c) || pushed
		c.log.Info("client disconnected")
		if c.writes {
			c.mu.Lock()
			c.mu.finish = true
			c.mu.Unlock()
			c.kick()
		}
	}
	clear(ps.ended)
	ps.ended = ps.ended[:0]
	return pushed
}

// disconnect forgets c and tells the flow; it reports whether it pushed an
// event.
func (ps *ports) disconnect(c *client) bool {
	c.open = false
	delete(c.srv.open, c.id)
	if d := c.srv.b.Disconnect; d != nil {
		d(c.id)
		return true
	}
	return false
}

// kill closes c at once, dropping what is queued for it.
func (ps *ports) kill(c *client, why string, err error) {
	if !c.open {
		return
	}
	c.log.Warn("closing client: "+why, "err", err)
	ps.disconnect(c)
	c.gone.Store(true)
	c.mu.Lock()
	c.mu.kill = true
	c.releaseLocked(len(c.mu.out))
	c.mu.out = nil
	c.mu.Unlock()
	c.raw.Close()
	c.kick()
}

// flush queues what the last tick sent to each client, and wakes each
// client's writer once: one write per client per tick. Before a PortOut's
// first message it takes in the clients waiting to connect. A port whose
// clients together hold more than PortQueueBytes then closes those with
// the longest queues until it is under.
func (ps *ports) flush() {
	for _, s := range ps.servers {
		if s.b.Drain == nil {
			continue
		}
		accepted := false
		var gated []*gated
		err := s.b.Drain(func(conn uint64, msg []byte) {
			if s.b.Kind == compile.PortOut {
				if !accepted {
					accepted = true
					ps.acceptPending(s)
					gated = ps.gatedOf(s, gated)
				}
				for _, c := range s.open {
					ps.queue(c, msg)
				}
				for _, g := range gated {
					ps.hold(g, msg)
				}
				return
			}
			if c, ok := s.open[conn]; ok {
				ps.queue(c, msg)
			} else {
				s.stats.Dropped.Add(1)
			}
		})
		if err != nil {
			s.log.Error("message to a client dropped", "err", err)
		}
		s.stats.notePeak(s.total.Load())
		if s.total.Load() > int64(s.lim.PortQueueBytes) {
			ps.waitPort(s)
		}
	}
	for _, c := range ps.touched {
		c.queued = false
		c.kick()
	}
	clear(ps.touched)
	ps.touched = ps.touched[:0]
}

// waitPort is the port's backpressure: while its clients together hold
// more than PortQueueBytes, the loop keeps the node's lock and waits for
// their writers, so that no tick runs and no input is taken (as waitRoom
// does for peers). Past portWait it closes the clients with the longest
// queues instead (shed): they are too slow for the rest. The lock is held.
func (ps *ports) waitPort(s *portServer) {
	s.paused.Add(1) // writers signal room
	defer s.paused.Add(-1)
	t := time.NewTimer(portWait)
	defer t.Stop()
	for s.total.Load() > int64(s.lim.PortQueueBytes) {
		ch := s.roomChan()
		if s.total.Load() <= int64(s.lim.PortQueueBytes) {
			return
		}
		select {
		case <-ch:
		case <-ps.closing:
			return
		case <-t.C:
			ps.shed(s)
			return
		}
	}
}

// shed closes the clients of s with the longest queues until those left
// hold no more than PortQueueBytes together. What the clients closed
// already hold goes as their writers stop.
func (ps *ports) shed(s *portServer) {
	var sum int64
	for _, c := range s.open {
		sum += c.bytes.Load()
	}
	for sum > int64(s.lim.PortQueueBytes) {
		var worst *client
		for _, c := range s.open {
			if worst == nil || c.bytes.Load() > worst.bytes.Load() {
				worst = c
			}
		}
		if worst == nil {
			return
		}
		sum -= worst.bytes.Load()
		s.stats.Slow.Add(1)
		ps.kill(worst, "too slow", fmt.Errorf("the port's clients hold more than %d bytes", s.lim.PortQueueBytes))
	}
}

func (ps *ports) queue(c *client, msg []byte) {
	if c.gone.Load() {
		c.srv.stats.Dropped.Add(1)
		return
	}
	c.mu.Lock()
	if n := len(c.mu.out) + len(msg) + 4; n > c.srv.lim.ClientQueueBytes {
		c.mu.Unlock()
		c.srv.stats.Slow.Add(1)
		ps.kill(c, "too slow", fmt.Errorf("%d bytes queued, more than %d", n, c.srv.lim.ClientQueueBytes))
		return
	}
	before := len(c.mu.out)
	c.mu.out = AppendMessage(c.mu.out, c.srv.b.Out, msg)
	c.holdLocked(len(c.mu.out) - before)
	c.mu.Unlock()
	c.lastQueued.Store(time.Now().UnixNano())
	if !c.queued {
		c.queued = true
		ps.touched = append(ps.touched, c)
	}
}
