// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/pki"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// Node is one running copy of a location in a deployment: its name in the
// fleet, where it listens, and where its peers listen.
type Node struct {
	// Name identifies the node in the fleet, "Leader" or "Worker/3"; peers
	// see it as the sender of every frame.
	Name string
	// Addr is the host:port the node listens on.
	Addr string
	// Peers maps every node's name to its address.
	Peers map[string]string
	// Limits bound what the node accepts from the network.
	Limits transport.Limits
	// Logger receives the node's logs; nil discards.
	Logger *slog.Logger
	// Ports maps the names of the external ports the node serves to the
	// addresses to listen on; a port without one listens on 127.0.0.1 and
	// a free port, and logs it.
	Ports map[string]string
	// FailAfter is how long a member of a cluster may stay unreachable
	// from the node's start, never having connected, before the node sees
	// it as left; DefaultFailAfter if zero. See the package's Failure
	// detection section.
	FailAfter time.Duration
	// View, if set, is kept up to date with the members the node sees as
	// left, and counts what it drops for them. The graph must have been
	// lowered with compile.Env.Members set to View.Members, so that
	// RoundRobin and Broadcast skip left members. With a View the node
	// watches every cluster member among its Peers, not only those of
	// the clusters whose membership the graph reads.
	View *View
	// MaxHeldBytes bounds the payload bytes the node holds for one peer
	// whose Conn refuses them (its queue is full); DefaultMaxHeldBytes if
	// zero. Past it the node takes no input until there is room (see the
	// package's Bounds). A tick's messages are held whole, so the bound
	// can be passed by what one tick sends the peer.
	MaxHeldBytes int
	// QueueBytes is each Conn's queue bound (tcp.WithQueueBytes);
	// tcp.DefaultQueueBytes if zero.
	QueueBytes int
	// AddrOf, if set, gives the address of a peer that Peers does not
	// list: a member a cluster grew by (View.Resize).
	AddrOf func(name string) (addr string, ok bool)
	// PortLimits bound the external ports (see PortLimits).
	PortLimits PortLimits
	// PortStats, if set, counts what the external ports do at their
	// bounds.
	PortStats *PortStats
	// PortSecurity is what the external ports ask of their clients: TLS,
	// client certificates, a token (see PortSecurity). Zero: nothing.
	PortSecurity PortSecurity
	// LinkStats, if set, is given the node's Listener once it listens,
	// for its counters (see LinkStats).
	LinkStats *LinkStats
	// IdleTimeout closes a peer's connection silent that long after its
	// hello; the node's own connections write keepalives at a third of it
	// (tcp.WithIdleTimeout). FrameTimeout closes one whose frame does not
	// arrive whole that long after its first byte (tcp.WithFrameTimeout).
	// Zero means tcp.DefaultIdleTimeout, tcp.DefaultFrameTimeout.
	IdleTimeout, FrameTimeout time.Duration
	// TLS, if set, is the node's certificate and its deployment's CA: the
	// node then speaks mutual TLS 1.3 with its peers, and accepts only the
	// peers of Peers whose certificates name them (see the package's
	// Security section). Its certificate must name Name. Nil: plaintext.
	TLS *pki.Credentials
	// Idle, if set, is called, with the lock held, each time the node
	// becomes idle after sending or receiving (and once after its first
	// tick): see Idle and Finished.
	Idle func(Idle)
	// Host, if set, is the nodes that run in this OS process with this
	// one (see Host), Name among them: the node sends to those over
	// memory, and takes what they send from its local queue, and uses
	// TCP for every other peer.
	Host *Host
	// Listening, if set, is called once the node listens for its peers and
	// on every external port (before its first tick): from then on a
	// client's dial succeeds, its connection waiting in the kernel's
	// accept queue until the node takes it in.
	Listening func()
}

// DefaultMaxHeldBytes is Node.MaxHeldBytes's default.
const DefaultMaxHeldBytes = 4 << 20

// DefaultFailAfter is Node.FailAfter's default.
const DefaultFailAfter = 3 * time.Second

// NameOf returns the fleet name of a copy of a location: the location's name
// for a process, the name and the member index for a cluster member.
func NameOf(d compile.Dest) string {
	if d.Loc.Kind == ir.Cluster {
		return fmt.Sprintf("%s/%d", d.Loc.Name, d.Member)
	}
	return d.Loc.Name
}

// Run drives one compiled graph until ctx ends: it listens for its peers'
// frames, runs a tick whenever frames arrive, a timer fires or a value
// arrives on a channel the graph reads (compile.Wake: hydro.SourceChan), and the
// first tick at once; after every tick it sends each peer, in one write, what
// the tick addressed to it. A frame that cannot be decoded is logged with
// its peer and dropped; the node keeps serving. Run returns nil when ctx is
// cancelled, after closing every connection.
//
// A frame's tick runs on the goroutine of the connection that read it, as
// soon as it arrives (with the frames that arrived together with it), and
// its answers are written from there: a request and its answer never wait
// for a hand-over between goroutines. One lock keeps the graph to one tick
// at a time; the package's Concurrency section gives the rules.
//
// Run also serves the graph's external ports, each on its own listener at
// the address self.Ports gives it: clients' messages join the next tick,
// and what a tick sends them is written after it, one write per client. A
// client that sends a message too large or undecodable is closed and
// logged; the others are served on.
func Run(ctx context.Context, g *compile.Graph, self Node, members func(*ir.Location) []uint32) (err error) {
	log := self.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &node{g: g, self: self, log: log, conns: map[string]peerLink{}, out: map[string][]transport.Frame{}, wake: make(chan struct{}, 1), start: time.Now()}
	n.failAfter = self.FailAfter
	if n.failAfter <= 0 {
		n.failAfter = DefaultFailAfter
	}
	n.watching = len(g.Membership) > 0 || self.View != nil
	n.held, n.owned = map[string]int{}, map[string]int{}
	n.maxHeld = self.MaxHeldBytes
	if n.maxHeld <= 0 {
		n.maxHeld = DefaultMaxHeldBytes
	}
	// Until the first tick has run, frames wait for the lock.
	n.mu.Lock()
	locked := true
	if self.Host != nil {
		s, q, err := self.Host.serve(self.Name)
		if err != nil {
			n.mu.Unlock()
			return fmt.Errorf("deploy: %s: %w", self.Name, err)
		}
		if self.LinkStats != nil {
			self.LinkStats.local.Store(q)
		}
		// Last: the co-located peers see the node down once it stopped.
		rctx, stopLocal := context.WithCancel(ctx)
		var local sync.WaitGroup
		local.Go(func() { n.readLocal(rctx, q) })
		defer func() {
			s.leave(q)
			stopLocal()
			local.Wait()
		}()
	}
	secure, err := tlsOptions(self)
	if err != nil {
		n.mu.Unlock()
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	opts := append(secure, tcp.WithIdleTimeout(self.IdleTimeout), tcp.WithFrameTimeout(self.FrameTimeout))
	ln, err := tcp.ListenFunc(ctx, self.Addr, self.Limits, log, func(in transport.Inbound, more bool) {
		n.receive(ctx, in, more)
	}, opts...)
	if err != nil {
		n.mu.Unlock()
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	n.ln = ln
	if self.LinkStats != nil {
		self.LinkStats.ln.Store(ln)
	}
	defer func() {
		// From now on frames are dropped, and no tick uses a connection.
		if !locked {
			n.mu.Lock()
		}
		n.stopped = true
		n.mu.Unlock()
		// Give each connection a moment to deliver the last tick's
		// messages; a peer already gone loses them, which is the fail-stop
		// prefix every channel allows, not an error of this node.
		// All at once: a peer that is down must not use up the others'.
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var closing sync.WaitGroup
		gone, cancelGone := context.WithCancel(context.Background())
		cancelGone()
		for name, c := range n.conns {
			// A peer whose connection went down has stopped, or is
			// stopping: waiting for it would only delay this stop.
			if st := c.Stats(); !st.Connected && st.Connects > 0 {
				closing.Go(func() {
					if cerr := c.Close(gone); cerr != nil {
						log.Debug("messages not delivered to a peer gone before this node stopped", "peer", name, "err", cerr)
					}
				})
				continue
			}
			closing.Go(func() {
				if cerr := c.Close(cctx); cerr != nil {
					log.Warn("messages not delivered before stopping", "peer", name, "err", cerr)
				}
			})
		}
		closing.Wait()
		lctx, lcancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer lcancel()
		err = errors.Join(err, ln.Close(lctx))
	}()
	if n.ports, err = servePorts(ctx, g.Ports, self.Ports, self.PortLimits, self.PortStats, self.PortSecurity, log); err != nil {
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = errors.Join(err, n.ports.close(cctx))
	}()
	if self.Listening != nil {
		self.Listening()
	}

	// Timers: one goroutine per timer, owned here, each reporting its
	// index on fires.
	fires := make(chan int)
	tctx, stopTimers := context.WithCancel(ctx)
	var timers sync.WaitGroup
	for i, t := range g.Timers {
		timers.Go(func() { every(tctx, time.Duration(t.Period), i, fires) })
	}
	defer func() {
		stopTimers()
		timers.Wait()
	}()

	for _, m := range g.Membership {
		for _, id := range members(m.Cluster) {
			m.Push(id, true)
		}
	}
	n.watchMembers(ctx, members)
	start := n.start
	// Members that never connect are seen as left failAfter from now.
	var detect <-chan time.Time
	if len(n.watched) > 0 {
		detect = time.After(n.failAfter)
	}
	// Each Go channel the graph reads gets a goroutine that is its only
	// receiver, so that its values keep their order whichever goroutine
	// runs the ticks (pump).
	var pumps sync.WaitGroup
	defer pumps.Wait() // they stop with ctx; before the connections close
	for _, w := range g.Wakes {
		w.Owned = true
		pumps.Go(func() { n.pump(ctx, w) })
	}
	n.runTicks(ctx)
	locked = false
	n.unlock(ctx)
	var retry <-chan time.Time  // set while messages are held
	var resized <-chan struct{} // a cluster's size changed (View.Resize)
	if self.View != nil {
		resized = self.View.resized
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case i := <-fires:
			n.lock()
			n.g.Timers[i].Push(int64(time.Since(start)))
		case ev := <-n.ports.events:
			n.lock()
			n.ports.handle(ev)
		case <-n.wake:
			n.lock()
			if len(n.retry) > 0 && retry == nil {
				retry = time.After(retryWait)
			}
			if !n.membersMoved.Swap(false) || !n.checkMembers() {
				n.unlock(ctx)
				continue
			}
		case <-resized:
			n.lock()
			if !n.resize(ctx) {
				n.unlock(ctx)
				continue
			}
		case <-detect:
			detect = nil
			n.lock()
			if !n.checkMembers() {
				n.unlock(ctx)
				continue
			}
		case <-retry:
			retry = nil
			n.lock()
			n.flush(ctx) // sends what is held; holds it again if refused
			n.unlock(ctx)
			continue
		}
		n.ports.takeReady()
		n.tick(ctx)
		n.unlock(ctx)
	}
}

// pump receives the values of one Go channel the graph reads, as its only
// receiver, and runs a tick for them as receive does for a frame: each
// value it waited for, and those already behind it.
func (n *node) pump(ctx context.Context, w *compile.Wake) {
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())},
		{Dir: reflect.SelectRecv, Chan: w.Chan},
	}
	for {
		i, v, ok := reflect.Select(cases)
		if i == 0 || !ok {
			return // stopping, or the channel is closed
		}
		if !n.acquire(func() bool { return n.in.putValue(w, v) }) {
			n.settle(ctx)
			continue
		}
		if !n.stopped {
			w.Push(v)
			for range maxQueued {
				if v, ok = w.Chan.TryRecv(); !ok {
					break // none ready, or closed: the next Select tells
				}
				w.Push(v)
			}
			n.tick(ctx)
		}
		n.unlock(ctx)
	}
}

// receive is the Listener's Handler: it delivers a frame, on the goroutine
// that read it, and runs the tick unless the next frame has arrived too;
// or, while another goroutine runs a tick, it queues a copy of the frame
// for that one's next tick (see acquire).
func (n *node) receive(ctx context.Context, in transport.Inbound, more bool) {
	if in.From == "" { // no frame: the connection stopped after one with more
		n.lock()
		if !n.stopped {
			n.tick(ctx)
		}
		n.unlock(ctx)
		return
	}
	if !n.acquire(func() bool { return n.in.putFrame(in) }) {
		n.settle(ctx)
		return
	}
	if !n.stopped {
		n.deliver(in)
		if !more { // else the next frame joins this tick
			n.tick(ctx)
		}
	}
	n.unlock(ctx)
}

// acquire takes the lock, and delivers what the inbox holds, if no other
// goroutine holds it, and reports true; else it queues its caller's input
// (put) for the holder's next tick, and reports false. If the inbox is
// full (put reports false), it waits for the lock: the caller, a reader,
// reads nothing more meanwhile.
//
// NB: a goroutine's input is either queued or delivered after everything
// queued before it, so the frames of a peer (read by one goroutine at a
// time) and the values of a channel (one pump) keep their order.
func (n *node) acquire(put func() bool) bool {
	if !n.mu.TryLock() {
		if put() {
			return false
		}
		n.mu.Lock()
	}
	n.drain()
	return true
}

// lock takes the lock, waiting for it, and delivers what the inbox holds.
func (n *node) lock() {
	n.mu.Lock()
	n.drain()
}

// drain delivers what the inbox holds, in order; after Run's end it drops
// it. The lock is held.
func (n *node) drain() {
	items, buf := n.in.take(n.items, n.buf)
	for i, it := range items {
		switch {
		case n.stopped:
		case it.wake != nil:
			it.wake.Push(it.v)
		default:
			n.deliver(transport.Inbound{From: it.from, Frame: transport.Frame{Channel: it.channel, Sender: it.sender, Payload: buf[it.start:it.end:it.end]}})
		}
		items[i] = item{}
	}
	n.items, n.buf = items, buf
}

// unlock lets go of the lock, then settles.
func (n *node) unlock(ctx context.Context) {
	n.reportIdle()
	n.mu.Unlock()
	n.settle(ctx)
}

// settle runs a tick for what was queued in the inbox while the lock was
// held, unless another goroutine holds it now, which will. Called without
// the lock, by every goroutine that let go of it or queued: the last one
// sees what is queued.
func (n *node) settle(ctx context.Context) {
	for !n.in.empty() && n.mu.TryLock() {
		n.drain()
		if !n.stopped {
			n.tick(ctx)
		}
		n.reportIdle()
		n.mu.Unlock()
	}
}

// tick runs the ticks the graph's inputs call for, then reports the clients
// of the ports that ended, and runs the ticks that calls for.
func (n *node) tick(ctx context.Context) {
	n.runTicks(ctx)
	if n.ports.settle() {
		n.runTicks(ctx)
	}
}

// node is the state of Run. Its graph, connections and ports are used by
// one goroutine at a time, whichever holds mu: a listener's reader with a
// frame, the pump of a Go channel the graph reads, or Run's loop with a
// timer, a port's event, a membership change or held messages.
type node struct {
	mu      sync.Mutex
	stopped bool // Run is returning: frames and values are dropped
	// wake (capacity 1) tells Run's loop that flush holds messages to
	// retry, or that membersMoved was set.
	wake chan struct{}
	// membersMoved is set when a connection to a peer came up or went
	// down (tcp.WithStateFunc): Run's loop looks at the watched members.
	membersMoved atomic.Bool
	// in holds the input that arrived while mu was held; items and buf
	// are the slices it was last taken in, for reuse.
	in    inbox
	items []item
	buf   []byte
	g     *compile.Graph
	ln    *tcp.Listener
	self  Node
	log   *slog.Logger
	conns map[string]peerLink
	out   map[string][]transport.Frame
	order []string
	retry []string    // peers whose frames were refused, sent first next time
	arena []byte      // this tick's payloads (see flush)
	spans []arenaSpan // where each of them is
	// collect are the functions flush gives each outbox, made once: a
	// closure made per flush would be an allocation per outbox and tick.
	collect []func(to compile.Dest, payload []byte) error
	names   map[compile.Dest]string // NameOf, cached
	ports   *ports
	// watched are the members of observed clusters, with the connection
	// to each and what was last reported.
	watched []watch
	// watching is set when connections report their state (connMoved).
	watching  bool
	start     time.Time
	failAfter time.Duration
	// left are the watched members seen as left, by name: what flush has
	// for them is dropped.
	left map[string]bool
	// held counts the payload bytes held for each peer (refused by its
	// Conn), the first owned[name] frames of out[name], which have
	// payloads of their own; maxHeld bounds it (Node.MaxHeldBytes).
	held    map[string]int
	owned   map[string]int
	maxHeld int
	idle    idleState
}

func (n *node) deliver(in transport.Inbound) {
	if n.self.Idle != nil {
		n.idle.countReceived(in.From)
	}
	box, ok := n.g.Inboxes[in.Frame.Channel]
	if !ok {
		n.log.Error("frame for an unknown channel dropped", "peer", in.From, "channel", in.Frame.Channel)
		return
	}
	if box.From != nil {
		if want := NameOf(compile.Dest{Loc: box.From, Member: in.Frame.Sender}); in.From != want {
			n.log.Error("frame from the wrong peer dropped", "peer", in.From, "claims", want, "channel", in.Frame.Channel)
			return
		}
	}
	if err := box.Deliver(in.Frame.Sender, in.Frame.Payload); err != nil {
		n.log.Error("undecodable frame dropped", "peer", in.From, "channel", in.Frame.Channel, "err", err)
	}
}

// runTicks runs ticks while the graph has work, sending after each.
func (n *node) runTicks(ctx context.Context) {
	for {
		for _, f := range n.g.Feeders {
			f()
		}
		n.g.Graph.RunTick()
		n.flush(ctx)
		if !n.g.Graph.Pending() || ctx.Err() != nil {
			return
		}
	}
}

// flush sends every peer what the tick addressed to it, in one write. What a
// peer's connection refuses (its queue is full) is kept and sent first next
// time, so that a channel never skips messages and then delivers later ones.
//
// An outbox may reuse its payload buffer once send returns, so flush copies
// every payload into n.arena, one buffer for the tick that Conn.Send copies
// from in turn; the frames point into it only once every outbox is done
// (appending moves it). Frames a connection refuses get payloads of their
// own, since the next flush reuses the arena.
func (n *node) flush(ctx context.Context) {
	n.order = append(n.order[:0], n.retry...)
	n.retry = n.retry[:0]
	n.arena = n.arena[:0]
	n.spans = n.spans[:0]
	if len(n.collect) != len(n.g.Outboxes) {
		n.collect = make([]func(compile.Dest, []byte) error, len(n.g.Outboxes))
		for i, o := range n.g.Outboxes {
			n.collect[i] = func(to compile.Dest, payload []byte) error {
				n.collectFrame(o.Channel, to, payload)
				return nil
			}
		}
	}
	for i, o := range n.g.Outboxes {
		if err := o.Flush(n.collect[i]); err != nil {
			n.log.Error("cannot encode a message", "err", err)
		}
	}
	for _, sp := range n.spans {
		n.out[sp.name][sp.frame].Payload = n.arena[sp.start:sp.end:sp.end]
	}
	n.send(ctx)
	n.ports.flush()
	n.waitRoom(ctx)
}

// collectFrame adds one payload an outbox flushes on channel ch for to.
func (n *node) collectFrame(ch uint32, to compile.Dest, payload []byte) {
	name, ok := n.names[to]
	if !ok {
		name = NameOf(to)
		if n.names == nil {
			n.names = map[compile.Dest]string{}
		}
		n.names[to] = name
	}
	if len(n.out[name]) == 0 {
		n.order = append(n.order, name)
	}
	n.spans = append(n.spans, arenaSpan{name: name, frame: len(n.out[name]), start: len(n.arena), end: len(n.arena) + len(payload)})
	n.arena = append(n.arena, payload...)
	n.out[name] = append(n.out[name], transport.Frame{Channel: ch, Sender: n.g.Dest.Member})
	if n.self.Idle != nil {
		n.idle.countSent(name)
	}
}

// send hands each peer in n.order what n.out holds for it. What a Conn
// refuses is held: the frames of this tick are copied off the arena, those
// held since an earlier tick are not copied again. The lock is held.
func (n *node) send(ctx context.Context) {
	for _, name := range n.order {
		frames := n.out[name]
		if n.left[name] {
			n.dropLocked(name)
			continue
		}
		c, err := n.conn(ctx, name)
		if err != nil {
			n.log.Error("message to an unknown node dropped", "peer", name, "err", err)
			n.releaseLocked(name)
			continue
		}
		err = c.Send(frames...)
		if errors.Is(err, tcp.ErrBackpressure) {
			if n.owned[name] == 0 {
				n.log.Debug("messages held until the peer catches up", "peer", name, "frames", len(frames))
			}
			// Off the arena: the next flush reuses it.
			for i := n.owned[name]; i < len(frames); i++ {
				frames[i].Payload = bytes.Clone(frames[i].Payload)
				n.held[name] += len(frames[i].Payload)
			}
			n.owned[name] = len(frames)
			n.retry = append(n.retry, name)
			if v := n.self.View; v != nil {
				v.noteHeld(n.held[name])
			}
			continue
		}
		if err != nil {
			// Too large for any peer, or the connection is closed: no
			// later Send would take them, and holding them would hold
			// back every later message to the peer.
			n.log.Error("messages dropped", "peer", name, "frames", len(frames), "err", err)
		}
		n.releaseLocked(name)
	}
	if len(n.retry) > 0 {
		select {
		case n.wake <- struct{}{}: // Run's loop sends them again soon
		default:
		}
	}
}

// releaseLocked forgets what n.out holds for peer name.
func (n *node) releaseLocked(name string) {
	frames := n.out[name]
	clear(frames)
	n.out[name] = frames[:0]
	delete(n.owned, name)
	delete(n.held, name)
}

// waitRoom is backpressure: while the node holds more than maxHeld bytes
// for a peer, the goroutine holding the lock keeps it and sends what is
// held again every retryWait, so that no tick runs and no input is taken
// (readers queue in the inbox until it is full, then wait: see Bounds);
// it looks at the watched members each time, so that what is held for a
// member seen left is dropped (Failure detection). It returns when every
// peer is under the bound or ctx ends. The lock is held.
func (n *node) waitRoom(ctx context.Context) {
	if !n.overLocked() {
		return
	}
	t := time.NewTimer(retryWait)
	defer t.Stop()
	for n.overLocked() {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n.membersMoved.Store(false)
		n.checkMembers() // its reports reach the graph in the next tick
		n.order = append(n.order[:0], n.retry...)
		n.retry = n.retry[:0]
		n.send(ctx)
		t.Reset(retryWait)
	}
}

// overLocked reports whether the node holds more than maxHeld bytes for a
// peer.
func (n *node) overLocked() bool {
	for _, name := range n.retry {
		if n.held[name] > n.maxHeld {
			return true
		}
	}
	return false
}

// retryWait is how long held messages wait before the next try when no
// tick comes first.
const retryWait = 10 * time.Millisecond

// arenaSpan is where in n.arena the payload of frame n.out[name][frame] is.
type arenaSpan struct {
	name       string
	frame      int
	start, end int
}

func (n *node) conn(ctx context.Context, name string) (peerLink, error) {
	if c, ok := n.conns[name]; ok {
		return c, nil
	}
	if h := n.self.Host; h.Has(name) {
		var moved func(bool)
		if n.watching {
			moved = n.connMoved
		}
		limits := n.self.Limits
		if limits.Validate() != nil {
			limits = transport.DefaultLimits
		}
		c := h.link(n.self.Name, name, limits, moved)
		n.conns[name] = c
		return c, nil
	}
	addr, ok := n.self.Peers[name]
	if !ok && n.self.AddrOf != nil {
		addr, ok = n.self.AddrOf(name)
	}
	if !ok {
		return nil, fmt.Errorf("deploy: no address for %s", name)
	}
	// The connection outlives ctx by the moment Run's shutdown gives it to
	// deliver the last messages.
	var opts []tcp.DialOption
	if n.self.QueueBytes > 0 {
		opts = append(opts, tcp.WithQueueBytes(n.self.QueueBytes))
	}
	if n.watching {
		opts = append(opts, tcp.WithStateFunc(n.connMoved))
	}
	c := n.ln.Dial(context.WithoutCancel(ctx), name, addr, n.self.Name, n.log, opts...)
	n.conns[name] = c
	return c, nil
}

// connMoved is the tcp.WithStateFunc of the connections of a node that
// watches members: it has Run's loop look at them (checkMembers). It does
// not wait: it is called on the connection's goroutine.
func (n *node) connMoved(bool) {
	n.membersMoved.Store(true)
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

type watch struct {
	name   string
	ins    []compile.MembershipInput // the graph's inputs that watch it
	member uint32
	conn   peerLink
	up     bool   // as last reported
	downs  uint64 // connections to it that had gone down, when last looked at
}

// watchMembers connects to every member of every cluster the graph watches,
// and with a View to every cluster member among the peers, so that their
// connections tell who is up. All start as joined.
func (n *node) watchMembers(ctx context.Context, members func(*ir.Location) []uint32) {
	add := func(name string, member uint32, in *compile.MembershipInput) {
		if name == n.self.Name {
			return
		}
		for i := range n.watched {
			if w := &n.watched[i]; w.name == name {
				if in != nil {
					w.ins = append(w.ins, *in)
				}
				return
			}
		}
		c, err := n.conn(ctx, name)
		if err != nil {
			n.log.Warn("cannot watch a member", "member", name, "err", err)
			return
		}
		w := watch{name: name, member: member, conn: c, up: true, downs: downs(c.Stats())}
		if in != nil {
			w.ins = append(w.ins, *in)
		}
		n.watched = append(n.watched, w)
	}
	for _, m := range n.g.Membership {
		for _, id := range members(m.Cluster) {
			add(NameOf(compile.Dest{Loc: m.Cluster, Member: id}), id, &m)
		}
	}
	if n.self.View != nil {
		for _, name := range slices.Sorted(maps.Keys(n.self.Peers)) {
			if i := strings.LastIndexByte(name, '/'); i >= 0 {
				if id, err := strconv.ParseUint(name[i+1:], 10, 32); err == nil {
					add(name, uint32(id), nil)
				}
			}
		}
	}
}

// downs counts a connection's connections that went down.
func downs(st tcp.Stats) uint64 {
	if st.Connected {
		return st.Connects - 1
	}
	return st.Connects
}

// checkMembers reports a member whose connection went down since the last
// look as left, one to which no connection has come up within failAfter of
// the start as left, and one whose connection is up (again) as joined: a
// member that restarted between two looks is reported left, then joined. A
// member that is slow to start is not reported until failAfter; one that
// came up and went down again between two looks, while reported left, is
// not reported at all. It reports whether it reported anything, which
// needs a tick. The lock is held.
func (n *node) checkMembers() bool {
	moved := false
	late := time.Since(n.start) >= n.failAfter
	for i := range n.watched {
		w := &n.watched[i]
		st := w.conn.Stats()
		d := downs(st)
		if w.up && (d > w.downs || (late && st.Connects == 0)) {
			n.report(w, false)
			moved = true
		}
		w.downs = d
		if !w.up && st.Connected {
			n.report(w, true)
			moved = true
		}
	}
	return moved
}

// report tells the graph, the View and the log that w joined or left. What
// is held for a member that left is dropped: it would wait for it forever.
// The lock is held.
func (n *node) report(w *watch, up bool) {
	w.up = up
	for _, in := range w.ins {
		in.Push(w.member, up)
	}
	if n.left == nil {
		n.left = map[string]bool{}
	}
	if up {
		delete(n.left, w.name)
	} else {
		n.left[w.name] = true
		n.dropLocked(w.name)
		n.retry = slices.DeleteFunc(n.retry, func(s string) bool { return s == w.name })
	}
	if v := n.self.View; v != nil {
		v.set(w.name, !up)
	}
	n.log.Info("membership changed", "member", w.name, "up", up)
}

// dropLocked drops what is held for peer name, counting it in the View.
func (n *node) dropLocked(name string) {
	frames := n.out[name]
	if len(frames) == 0 {
		return
	}
	if v := n.self.View; v != nil {
		msgs := 0
		for _, f := range frames {
			msgs += transport.BatchLen(f.Payload)
		}
		v.dropped.Add(uint64(msgs))
	}
	n.releaseLocked(name)
}
