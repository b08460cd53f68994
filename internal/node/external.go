// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/transport/tcp"
)

// External ports: a node serves each port of its location (compile.Graph's
// Ports) on a TCP listener of its own. Only the goroutine holding the
// node's lock touches the graph and the bindings ("the loop" below: Run's
// loop, or a peer connection's reader or a channel's pump running a tick;
// see the package's Concurrency section); per client, a reader
// goroutine turns the byte stream into messages and a writer goroutine (on
// ports that send) writes what the loop queued, so that a slow client
// never stalls the loop. They meet through one channel of events, which
// keeps each client's connect, messages and end in order.
//
// A client's end (it closed, or its connection broke) is reported to the
// flow after the ticks that take its last messages have run and their
// answers were queued: a client that half-closes after its requests (as
// `nc -N` does) still gets the answers the flow gives at once. The writer
// writes those, then closes the connection.

// Limits of the port shell.
const (
	// portEvents is the capacity of the channel from the clients' readers
	// to the loop. Beyond it, readers wait, and TCP slows the clients down.
	portEvents = 256
	// clientQueue bounds the bytes queued for one client. A client that
	// falls further behind is closed rather than let the node grow.
	clientQueue = 8 << 20
)

// ports serves a node's external ports.
type ports struct {
	servers []*portServer
	events  chan portEvent // nil without ports: the loop's case is disabled
	closing chan struct{}
	wg      sync.WaitGroup // accept loops, readers, writers
	log     *slog.Logger

	mu struct {
		sync.Mutex
		closed  bool
		clients map[*client]struct{} // whose reader or writer runs
	}

	// Owned by the loop.
	ended   []*client // ended; Disconnect waits for settle
	touched []*client // queued to since the last wake
}

// portServer is one port.
type portServer struct {
	b    *compile.PortBinding
	ln   net.Listener
	log  *slog.Logger
	next uint64             // the last connection id given; accept loop only
	open map[uint64]*client // connected and not yet ended; loop only
}

type eventKind uint8

const (
	evConnect eventKind = iota
	evMessage
	evEnd
)

type portEvent struct {
	c    *client
	kind eventKind
	msg  []byte
}

// client is one connection to a port.
type client struct {
	id     uint64
	srv    *portServer
	nc     net.Conn
	log    *slog.Logger
	writes bool         // a writer goroutine serves it
	live   atomic.Int32 // its goroutines still running
	open   bool         // Connect delivered, Disconnect not yet; loop only
	queued bool         // in ports.touched; loop only

	wake chan struct{} // capacity 1
	mu   struct {
		sync.Mutex
		out    []byte // framed messages to write
		finish bool   // write out, then close
		kill   bool   // close without writing
	}
}

// servePorts listens on every port of bs, at the address addrs gives its
// name (127.0.0.1 and a free port if none), and starts accepting clients.
func servePorts(ctx context.Context, bs []*compile.PortBinding, addrs map[string]string, log *slog.Logger) (*ports, error) {
	ps := &ports{closing: make(chan struct{}), log: log}
	ps.mu.clients = make(map[*client]struct{})
	if len(bs) == 0 {
		return ps, nil
	}
	ps.events = make(chan portEvent, portEvents)
	var lc net.ListenConfig
	for _, b := range bs {
		addr := addrs[b.Name]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			for _, s := range ps.servers {
				s.ln.Close()
			}
			return nil, fmt.Errorf("listening for external port %s on %s: %w", b.Name, addr, err)
		}
		s := &portServer{b: b, ln: ln, log: log.With("port", b.Name), open: make(map[uint64]*client)}
		ps.servers = append(ps.servers, s)
		s.log.Info("external port listening", "addr", ln.Addr().String(), "kind", b.Kind.String())
	}
	for _, s := range ps.servers {
		ps.wg.Go(func() { ps.accept(s) })
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
		for _, s := range ps.servers {
			s.ln.Close()
		}
		for c := range ps.mu.clients {
			c.nc.Close()
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

func (ps *ports) accept(s *portServer) {
	tcp.AcceptLoop(s.ln, ps.closing, s.log, func(nc net.Conn) {
		s.next++
		c := &client{id: s.next, srv: s, nc: nc, wake: make(chan struct{}, 1),
			writes: s.b.Kind != compile.PortIn,
			log:    s.log.With("conn", s.next, "remote", nc.RemoteAddr().String())}
		ps.mu.Lock()
		if ps.mu.closed {
			ps.mu.Unlock()
			nc.Close()
			return
		}
		ps.mu.clients[c] = struct{}{}
		ps.mu.Unlock()
		c.live.Store(1)
		if c.writes {
			c.live.Store(2)
			ps.wg.Go(func() { ps.write(c) })
		}
		ps.wg.Go(func() { ps.read(c) })
	})
}

// read reports c's connection, its messages and its end to the loop.
func (ps *ports) read(c *client) {
	defer ps.exit(c)
	if !ps.send(portEvent{c: c, kind: evConnect}) {
		return
	}
	defer ps.send(portEvent{c: c, kind: evEnd})
	if c.srv.b.Kind == compile.PortOut {
		// The port only sends; read to notice the client leaving.
		_, _ = io.Copy(io.Discard, c.nc)
		return
	}
	r := NewMessageReader(c.nc, c.srv.b.In, c.srv.b.MaxMessage).WithSplit(c.srv.b.Split)
	for {
		msg, err := r.Next()
		if err != nil {
			c.ended(ps, err)
			return
		}
		if !ps.send(portEvent{c: c, kind: evMessage, msg: bytes.Clone(msg)}) {
			return
		}
	}
}

// ended logs why c's reader stopped, closing the connection if c broke the
// framing.
func (c *client) ended(ps *ports, err error) {
	select {
	case <-ps.closing:
		return
	default:
	}
	switch {
	case err == io.EOF:
		c.log.Debug("client finished sending")
	case errors.Is(err, ErrMessageTooLarge):
		c.log.Warn("closing client: bad input", "err", err)
		c.nc.Close()
	case errors.Is(err, net.ErrClosed):
		// Closed by this side.
	default:
		c.log.Info("client connection lost", "err", err)
	}
}

// exit is called by each of c's goroutines as it returns; the last one
// closes the connection and forgets c.
func (ps *ports) exit(c *client) {
	if c.live.Add(-1) > 0 {
		return
	}
	c.nc.Close()
	ps.mu.Lock()
	delete(ps.mu.clients, c)
	ps.mu.Unlock()
}

func (ps *ports) send(ev portEvent) bool {
	select {
	case ps.events <- ev:
		return true
	case <-ps.closing:
		return false
	}
}

// write writes what the loop queued for c, one write per wake-up.
func (ps *ports) write(c *client) {
	defer ps.exit(c)
	defer c.nc.Close() // whatever the reader does: the connection is done
	var buf []byte
	for {
		select {
		case <-c.wake:
		case <-ps.closing:
			return
		}
		c.mu.Lock()
		buf, c.mu.out = c.mu.out, buf[:0]
		finish, kill := c.mu.finish, c.mu.kill
		c.mu.Unlock()
		if kill {
			return
		}
		if len(buf) > 0 {
			if _, err := c.nc.Write(buf); err != nil {
				c.log.Info("client connection lost", "err", err)
				return
			}
			clear(buf) // let the GC have big buffers' contents back
		}
		if finish {
			return
		}
	}
}

// The loop's side.

// handle applies one event from a client.
func (ps *ports) handle(ev portEvent) {
	c, b := ev.c, ev.c.srv.b
	switch ev.kind {
	case evConnect:
		c.open = true
		c.srv.open[c.id] = c
		c.log.Info("client connected")
		if b.Connect != nil {
			b.Connect(c.id)
		}
	case evMessage:
		if !c.open || b.Receive == nil {
			return
		}
		if err := b.Receive(c.id, ev.msg); err != nil {
			ps.kill(c, "bad input", err)
		}
	case evEnd:
		if c.open {
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
	c.mu.Lock()
	c.mu.kill = true
	c.mu.out = nil
	c.mu.Unlock()
	c.nc.Close()
	c.kick()
}

func (c *client) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// flush queues what the last tick sent to each client, and wakes each
// client's writer once: one write per client per tick.
func (ps *ports) flush() {
	for _, s := range ps.servers {
		if s.b.Drain == nil {
			continue
		}
		err := s.b.Drain(func(conn uint64, msg []byte) {
			if s.b.Kind == compile.PortOut {
				for _, c := range s.open {
					ps.queue(c, msg)
				}
				return
			}
			if c, ok := s.open[conn]; ok {
				ps.queue(c, msg)
			}
		})
		if err != nil {
			s.log.Error("message to a client dropped", "err", err)
		}
	}
	for _, c := range ps.touched {
		c.queued = false
		c.kick()
	}
	clear(ps.touched)
	ps.touched = ps.touched[:0]
}

func (ps *ports) queue(c *client, msg []byte) {
	c.mu.Lock()
	if len(c.mu.out)+len(msg)+4 > clientQueue {
		queued := len(c.mu.out)
		c.mu.Unlock()
		ps.kill(c, "too slow", fmt.Errorf("%d bytes queued", queued))
		return
	}
	c.mu.out = AppendMessage(c.mu.out, c.srv.b.Out, msg)
	c.mu.Unlock()
	if !c.queued {
		c.queued = true
		ps.touched = append(ps.touched, c)
	}
}
