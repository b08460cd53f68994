// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
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
}

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
// at a time.
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
	n := &node{g: g, self: self, log: log, conns: map[string]*tcp.Conn{}, out: map[string][]transport.Frame{}, held: make(chan struct{}, 1)}
	// Until the first tick has run, frames wait for the lock.
	n.mu.Lock()
	locked := true
	ln, err := tcp.ListenFunc(ctx, self.Addr, self.Limits, log, func(in transport.Inbound, more bool) {
		n.receive(ctx, in, more)
	})
	if err != nil {
		n.mu.Unlock()
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	n.ln = ln
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
		for name, c := range n.conns {
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
	if n.ports, err = servePorts(ctx, g.Ports, self.Ports, log); err != nil {
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = errors.Join(err, n.ports.close(cctx))
	}()

	// Timers: one goroutine per timer, owned here, each reporting its
	// index on fires; the membership poll reports pollMembers.
	fires := make(chan int)
	tctx, stopTimers := context.WithCancel(ctx)
	done := make(chan struct{})
	running := 0
	every := func(period time.Duration, index int) {
		running++
		go func() {
			defer func() { done <- struct{}{} }()
			tk := time.NewTicker(period)
			defer tk.Stop()
			for {
				select {
				case <-tctx.Done():
					return
				case <-tk.C:
					select {
					case fires <- index:
					case <-tctx.Done():
						return
					}
				}
			}
		}()
	}
	for i, t := range g.Timers {
		every(time.Duration(t.Period), i)
	}
	if len(g.Membership) > 0 {
		// Watch the connections to the members of the clusters this node
		// observes, polling their state.
		every(membershipPoll, pollMembers)
	}
	defer func() {
		stopTimers()
		for range running {
			<-done
		}
	}()

	for _, m := range g.Membership {
		for _, id := range members(m.Cluster) {
			m.Push(id, true)
		}
	}
	n.watchMembers(ctx, members)
	start := time.Now()
	// Each Go channel the graph reads gets a goroutine that is its only
	// receiver, so that its values keep their order whichever goroutine
	// runs the ticks.
	var pumps sync.WaitGroup
	defer pumps.Wait() // they stop with ctx; before the connections close
	for _, w := range g.Wakes {
		w.Owned = true
		pumps.Go(func() { n.pump(ctx, w) })
	}
	n.runTicks(ctx)
	locked = false
	n.unlock(ctx)
	var retry <-chan time.Time // set while messages are held
	for {
		select {
		case <-ctx.Done():
			return nil
		case i := <-fires:
			n.lock()
			n.fire(i, start)
		case ev := <-n.ports.events:
			n.lock()
			n.ports.handle(ev)
		case <-n.held:
			if retry == nil {
				retry = time.After(retryWait)
			}
			continue
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
// receiver, and runs a tick for them: each value it waited for, and those
// already behind it.
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
		n.lock()
		if !n.stopped {
			w.Push(v)
			for range maxParkedFrames {
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
// that read it, and runs the tick unless the next frame has arrived too.
// While another goroutine holds the lock, it leaves a copy of the frame for
// that one's next tick rather than wait, up to a bound.
func (n *node) receive(ctx context.Context, in transport.Inbound, more bool) {
	if in.From == "" { // no frame: the connection stopped after one with more
		n.lock()
		if !n.stopped {
			n.tick(ctx)
		}
		n.unlock(ctx)
		return
	}
	if !n.mu.TryLock() {
		if n.park(in) {
			n.settle(ctx) // the holder may have let go meanwhile
			return
		}
		n.mu.Lock() // too much is waiting: wait too
	}
	n.drain()
	if !n.stopped {
		n.deliver(in)
		if !more { // else the next frame joins this tick
			n.tick(ctx)
		}
	}
	n.unlock(ctx)
}

// Frames left while the lock was held wait in n.parked, up to these.
const (
	maxParkedFrames = 1024
	maxParkedBytes  = 4 << 20
)

// park keeps a copy of in for the goroutine holding the lock, and reports
// whether there was room.
func (n *node) park(in transport.Inbound) bool {
	n.parked.Lock()
	defer n.parked.Unlock()
	if len(n.parked.frames) >= maxParkedFrames || n.parked.bytes+len(in.Frame.Payload) > maxParkedBytes {
		return false
	}
	in.Frame.Payload = bytes.Clone(in.Frame.Payload) // lent only during the Handler
	n.parked.frames = append(n.parked.frames, in)
	n.parked.bytes += len(in.Frame.Payload)
	return true
}

// lock takes the lock and delivers the frames parked meanwhile.
func (n *node) lock() {
	n.mu.Lock()
	n.drain()
}

// drain delivers the parked frames, in the order they were parked: a
// peer's frames stay in order, since a reader delivers its own only after
// the parked ones. The lock is held.
func (n *node) drain() {
	n.parked.Lock()
	frames := n.parked.frames
	if len(frames) == 0 {
		n.parked.Unlock()
		return
	}
	n.parked.frames, n.parked.bytes = n.spare[:0], 0
	n.parked.Unlock()
	for i, in := range frames {
		if !n.stopped {
			n.deliver(in)
		}
		frames[i] = transport.Inbound{}
	}
	n.spare = frames
}

// unlock lets go of the lock, then settles.
func (n *node) unlock(ctx context.Context) {
	n.mu.Unlock()
	n.settle(ctx)
}

// settle runs a tick for the frames parked while the lock was held, unless
// another goroutine holds it now, which will. Called without the lock.
func (n *node) settle(ctx context.Context) {
	for n.hasParked() && n.mu.TryLock() {
		n.drain()
		if !n.stopped {
			n.tick(ctx)
		}
		n.mu.Unlock()
	}
}

func (n *node) hasParked() bool {
	n.parked.Lock()
	defer n.parked.Unlock()
	return len(n.parked.frames) > 0
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
// frame, Run's loop with a timer or a port's event, or the pump of a Go
// channel the graph reads.
type node struct {
	mu      sync.Mutex
	stopped bool          // Run is returning: frames are dropped
	held    chan struct{} // capacity 1: flush holds messages to retry
	// parked are copies of the frames that arrived while another goroutine
	// held mu, for its next tick (see receive); spare is the slice they
	// were last delivered from, for reuse. parked has a lock of its own.
	parked struct {
		sync.Mutex
		frames []transport.Inbound
		bytes  int
	}
	spare []transport.Inbound
	g     *compile.Graph
	ln    *tcp.Listener
	self  Node
	log   *slog.Logger
	conns map[string]*tcp.Conn
	out   map[string][]transport.Frame
	order []string
	retry []string    // peers whose frames were refused, sent first next time
	arena []byte      // this tick's payloads (see flush)
	spans []arenaSpan // where each of them is
	ports *ports
	// watched are the members of observed clusters, with the connection
	// to each and whether it was up when last polled.
	watched []watch
}

func (n *node) deliver(in transport.Inbound) {
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
	for _, o := range n.g.Outboxes {
		err := o.Flush(func(to compile.Dest, payload []byte) error {
			name := NameOf(to)
			if len(n.out[name]) == 0 {
				n.order = append(n.order, name)
			}
			n.spans = append(n.spans, arenaSpan{name: name, frame: len(n.out[name]), start: len(n.arena), end: len(n.arena) + len(payload)})
			n.arena = append(n.arena, payload...)
			n.out[name] = append(n.out[name], transport.Frame{Channel: o.Channel, Sender: n.g.Dest.Member})
			return nil
		})
		if err != nil {
			n.log.Error("cannot encode a message", "err", err)
		}
	}
	for _, sp := range n.spans {
		n.out[sp.name][sp.frame].Payload = n.arena[sp.start:sp.end:sp.end]
	}
	for _, name := range n.order {
		frames := n.out[name]
		c, err := n.conn(ctx, name)
		if err != nil {
			n.log.Error("message to an unknown node dropped", "peer", name, "err", err)
			clear(frames)
			n.out[name] = frames[:0]
			continue
		}
		err = c.Send(frames...)
		if errors.Is(err, tcp.ErrBackpressure) {
			n.log.Warn("messages held until the peer catches up", "peer", name, "frames", len(frames), "err", err)
			// Off the arena. Frames held since an earlier tick are copied
			// again: this is the rare path.
			for i := range frames {
				frames[i].Payload = bytes.Clone(frames[i].Payload)
			}
			n.retry = append(n.retry, name)
			continue
		}
		if err != nil {
			// Too large for any peer, or the connection is closed: no
			// later Send would take them, and holding them would hold
			// back every later message to the peer.
			n.log.Error("messages dropped", "peer", name, "frames", len(frames), "err", err)
		}
		clear(frames)
		n.out[name] = frames[:0]
	}
	if len(n.retry) > 0 {
		select {
		case n.held <- struct{}{}: // Run's loop sends them again soon
		default:
		}
	}
	n.ports.flush()
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

func (n *node) conn(ctx context.Context, name string) (*tcp.Conn, error) {
	if c, ok := n.conns[name]; ok {
		return c, nil
	}
	addr, ok := n.self.Peers[name]
	if !ok {
		return nil, fmt.Errorf("deploy: no address for %s", name)
	}
	// The connection outlives ctx by the moment Run's shutdown gives it to
	// deliver the last messages.
	c := n.ln.Dial(context.WithoutCancel(ctx), name, addr, n.self.Name, n.log)
	n.conns[name] = c
	return c, nil
}

// membershipPoll is how often a node checks the members it watches.
const membershipPoll = 200 * time.Millisecond

// pollMembers is the fires index that means "check membership", beside the
// timers' own indexes.
const pollMembers = -1

type watch struct {
	in     compile.MembershipInput
	member uint32
	conn   *tcp.Conn
	up     bool
}

// fire handles what the timer goroutines report: a timer of the graph, or
// the membership poll.
func (n *node) fire(i int, start time.Time) {
	if i == pollMembers {
		n.pollMembers()
		return
	}
	n.g.Timers[i].Push(int64(time.Since(start)))
}

// watchMembers connects to every member of every cluster the graph watches,
// so that their connections tell who is up. All start as joined.
func (n *node) watchMembers(ctx context.Context, members func(*ir.Location) []uint32) {
	for _, m := range n.g.Membership {
		for _, id := range members(m.Cluster) {
			d := compile.Dest{Loc: m.Cluster, Member: id}
			if d == n.g.Dest {
				continue
			}
			c, err := n.conn(ctx, NameOf(d))
			if err != nil {
				n.log.Warn("cannot watch a member", "member", NameOf(d), "err", err)
				continue
			}
			n.watched = append(n.watched, watch{in: m, member: id, conn: c, up: true})
		}
	}
}

// pollMembers reports the members whose connection went down as left, and
// those whose connection came back as joined. A member counts as up until
// its connection has been seen down, so one that is slow to start is not
// reported.
func (n *node) pollMembers() {
	for i := range n.watched {
		w := &n.watched[i]
		st := w.conn.Stats()
		up := st.Connected || st.Connects == 0
		if up != w.up {
			w.up = up
			w.in.Push(w.member, up)
			n.log.Info("membership changed", "cluster", w.in.Cluster.Name, "member", w.member, "up", up)
		}
	}
}
