// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// The node tests run a few nodes in this process over loopback TCP. Their
// flows are built as IR by hand: a hydro.Flow keeps its IR to itself, and
// these tests need only a source, a map, a timer, channels and a sink.

// flow is an ir.Flow under construction.
type flow struct{ ir.Flow }

func (f *flow) location(k ir.LocKind, name string) *ir.Location {
	l := &ir.Location{ID: len(f.Locations), Kind: k, Name: name}
	f.Locations = append(f.Locations, l)
	return l
}

// op appends an operator at l producing a dfir.Port[T] (nil lower: a
// networking node or a sink, whose Impl is set by the caller).
func op[T any](f *flow, l *ir.Location, op string, ins []*ir.Node, lower func(c *compile.Ctx, ins []any) dfir.Port[T]) *ir.Node {
	n := &ir.Node{ID: len(f.Nodes), Op: op, Loc: l, Props: ir.Props{Kind: ir.Stream}, Inputs: ins, File: "node_test.go", Elem: compile.Type[T]{}}
	if lower != nil {
		n.Impl = lowerFunc[T](lower)
	}
	f.Nodes = append(f.Nodes, n)
	return n
}

// lowerFunc is a compile.Impl made of a function.
type lowerFunc[T any] func(c *compile.Ctx, ins []any) dfir.Port[T]

func (f lowerFunc[T]) Lower(c *compile.Ctx, _ *ir.Node, ins []any) any { return f(c, ins) }

func source[T any](f *flow, l *ir.Location, items ...T) *ir.Node {
	return op(f, l, "source", nil, func(c *compile.Ctx, _ []any) dfir.Port[T] { return dfir.SourceIter(c.Graph, items) })
}

// ticker is a stream of the times a timer of the given period fires.
func ticker(f *flow, l *ir.Location, period time.Duration) *ir.Node {
	return op(f, l, "ticker", nil, func(c *compile.Ctx, _ []any) dfir.Port[int64] {
		h, p := dfir.SourceInput[int64](c.Graph)
		c.Timers = append(c.Timers, compile.Timer{Period: int64(period), Push: h.Push})
		return p
	})
}

// mapSelf applies fn to every item and the member index of the copy.
func mapSelf[T, U any](f *flow, in *ir.Node, fn func(self uint32, v T) U) *ir.Node {
	return op(f, in.Loc, "map", []*ir.Node{in}, func(c *compile.Ctx, ins []any) dfir.Port[U] {
		self := c.Self
		return dfir.Map(ins[0].(dfir.Port[T]), func(v T) U { return fn(self, v) })
	})
}

// msg is what a receiving half yields: the value and its sender's member
// index.
type msg[T any] struct {
	From uint32
	V    T
}

// send carries in's items to every member of to (index 0 of a process),
// as the language's networking operators do: one batch per destination per
// tick.
func send[T any](f *flow, in *ir.Node, to *ir.Location) *ir.Node {
	n := op[msg[T]](f, to, "send", []*ir.Node{in}, nil)
	n.Net = &ir.Net{Channel: uint32(n.ID)}
	n.Impl = sendNet[T]{to: to}
	return n
}

// sendNet is send's compile.Net.
type sendNet[T any] struct{ to *ir.Location }

func (s sendNet[T]) Send(c *compile.Ctx, n *ir.Node, p any) compile.Outbox {
	to := s.to
	out := dfir.SinkOutput(p.(dfir.Port[T]))
	var items []T
	return compile.Outbox{Channel: uint32(n.ID), Flush: func(send func(compile.Dest, []byte) error) error {
		if items = out.Drain(items[:0]); len(items) == 0 {
			return nil
		}
		buf, err := transport.AppendBatch(c.Codec, nil, items)
		if err != nil {
			return err
		}
		members := []uint32{0}
		if to.Kind == ir.Cluster {
			members = c.Members(to)
		}
		for _, m := range members {
			if err := send(compile.Dest{Loc: to, Member: m}, buf); err != nil {
				return err
			}
		}
		return nil
	}}
}

func (sendNet[T]) Recv(c *compile.Ctx, n *ir.Node) (compile.Inbox, any) {
	h, p := dfir.SourceInput[msg[T]](c.Graph)
	return compile.Inbox{Channel: uint32(n.ID), Deliver: func(from uint32, payload []byte) error {
		vs, err := transport.DecodeBatch[T](c.Codec, payload, nil)
		if err != nil {
			return err
		}
		for _, v := range vs {
			h.Push(msg[T]{From: from, V: v})
		}
		return nil
	}}, p
}

// sink hands every item to fn, on the goroutine running the node.
func sink[T any](f *flow, in *ir.Node, fn func(T)) {
	n := op[T](f, in.Loc, "sink", []*ir.Node{in}, nil)
	n.Props.Kind = ir.Sink
	n.Impl, n.Fn = compile.ForEach[T]{}, fn
}

// collector gathers what sinks report, from any node's goroutine.
type collector[T any] struct {
	mu   sync.Mutex
	got  []T
	more chan struct{}
}

func newCollector[T any]() *collector[T] { return &collector[T]{more: make(chan struct{}, 1)} }

func (c *collector[T]) add(v T) {
	c.mu.Lock()
	c.got = append(c.got, v)
	c.mu.Unlock()
	select {
	case c.more <- struct{}{}:
	default:
	}
}

// wait returns what was collected once there are n items, or fails the
// test after timeout.
func (c *collector[T]) wait(t *testing.T, n int, timeout time.Duration) []T {
	t.Helper()
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		got := slices.Clone(c.got)
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-c.more:
		case <-deadline:
			t.Fatalf("collected %d items within %v; want %d: %v", len(got), timeout, n, got)
		}
	}
}

// debugLogger logs everything to out.
func debugLogger(out *fleettest.Output) *slog.Logger {
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// nodes runs nodes of one flow in this process.
type nodes struct {
	t     *testing.T
	f     *ir.Flow
	sizes map[*ir.Location]int
	peers map[string]string
	logs  *fleettest.Output
	runs  map[string]*run
	// failAfter is each node's Node.FailAfter; with views set, each node
	// started gets a node.View there, and routes by it.
	failAfter time.Duration
	views     map[string]*node.View
	// maxHeld and queue are each node's Node.MaxHeldBytes and QueueBytes.
	maxHeld, queue int
	// links, if set, gets each node's Node.LinkStats.
	links map[string]*node.LinkStats
	// idle and frame are each node's Node.IdleTimeout and FrameTimeout.
	idle, frame time.Duration
	// onIdle, if set, is each node's Node.Idle, given the node's name.
	onIdle func(name string, r node.Idle)
	// host, if set, is the Node.Host of the nodes it names.
	host *node.Host
}

type run struct {
	cancel context.CancelFunc
	done   chan error
}

// newNodes picks a loopback address for every process and member.
func newNodes(t *testing.T, f *flow, sizes map[*ir.Location]int) *nodes {
	t.Helper()
	fl := &nodes{t: t, f: &f.Flow, sizes: sizes, peers: map[string]string{}, logs: &fleettest.Output{}, runs: map[string]*run{}}
	var names []string
	for _, d := range fl.dests() {
		names = append(names, node.NameOf(d))
	}
	addrs, err := launch.FreeAddrs(len(names), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		fl.peers[n] = addrs[i]
	}
	t.Cleanup(fl.stopAll)
	return fl
}

func (fl *nodes) size(l *ir.Location) int {
	if n, ok := fl.sizes[l]; ok {
		return n
	}
	return 1
}

func (fl *nodes) members(l *ir.Location) []uint32 {
	ms := make([]uint32, fl.size(l))
	for i := range ms {
		ms[i] = uint32(i)
	}
	return ms
}

func (fl *nodes) dests() []compile.Dest {
	var ds []compile.Dest
	for _, l := range fl.f.Locations {
		for _, m := range fl.members(l) {
			ds = append(ds, compile.Dest{Loc: l, Member: m})
		}
	}
	return ds
}

// start lowers and runs the copy of the flow named name.
func (fl *nodes) start(name string) {
	fl.t.Helper()
	i := slices.IndexFunc(fl.dests(), func(d compile.Dest) bool { return node.NameOf(d) == name })
	if i < 0 {
		fl.t.Fatalf("no node %q", name)
	}
	env := compile.Env{Size: fl.size, Members: fl.members}
	var view *node.View
	if fl.views != nil {
		view = node.NewView(fl.size)
		fl.views[name] = view
		env.Members = view.Members
	}
	g, err := compile.LowerOne(fl.f, fl.dests()[i], env)
	if err != nil {
		fl.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{cancel: cancel, done: make(chan error, 1)}
	fl.runs[name] = r
	self := node.Node{Name: name, Addr: fl.peers[name], Peers: fl.peers, Limits: transport.DefaultLimits, Logger: debugLogger(fl.logs).With("node", name), FailAfter: fl.failAfter, View: view, MaxHeldBytes: fl.maxHeld, QueueBytes: fl.queue}
	self.IdleTimeout, self.FrameTimeout = fl.idle, fl.frame
	if fl.links != nil {
		self.LinkStats = &node.LinkStats{}
		fl.links[name] = self.LinkStats
	}
	if fl.onIdle != nil {
		self.Idle = func(r node.Idle) { fl.onIdle(name, r) }
	}
	if fl.host.Has(name) {
		self.Host = fl.host
	}
	go func() { r.done <- node.Run(ctx, g, self, fl.members) }()
}

// stop cancels a node's context and returns what Run returned, failing the
// test if Run does not return promptly.
func (fl *nodes) stop(name string) error {
	fl.t.Helper()
	r := fl.runs[name]
	delete(fl.runs, name)
	r.cancel()
	select {
	case err := <-r.done:
		return err
	case <-time.After(5 * time.Second):
		fl.t.Fatalf("Run of %s did not return within 5 s of its context's end", name)
		return nil
	}
}

func (fl *nodes) stopAll() {
	for _, name := range slices.Sorted(maps.Keys(fl.runs)) {
		if err := fl.stop(name); err != nil {
			fl.t.Errorf("Run(%s) = %v after cancel; want nil", name, err)
		}
	}
}

// roundTrip is a leader that sends 1, 2, 3 to every worker, and workers
// that answer 100·(member+1) + v; the leader reports every answer.
func roundTrip(got *collector[msg[int]]) (*flow, *ir.Location) {
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	toWorkers := send[int](f, source(f, leader, 1, 2, 3), workers)
	answers := mapSelf(f, toWorkers, func(self uint32, m msg[int]) int { return 100*int(self+1) + m.V })
	sink(f, send[int](f, answers, leader), got.add)
	return f, workers
}

func checkAnswers(t *testing.T, got []msg[int], workers int) {
	t.Helper()
	var want []msg[int]
	for m := range workers {
		for v := 1; v <= 3; v++ {
			want = append(want, msg[int]{From: uint32(m), V: 100*(m+1) + v})
		}
	}
	cmp := func(a, b msg[int]) int { return a.V - b.V }
	slices.SortFunc(got, cmp)
	if !slices.Equal(got, want) {
		t.Errorf("the leader got %v; want %v", got, want)
	}
}

// TestRunRoundTrip: a leader and two workers, each its own Run over
// loopback TCP: the leader's items reach both workers, whose answers come
// back tagged with the member that sent them.
func TestRunRoundTrip(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	for _, n := range []string{"Worker/0", "Worker/1", "Leader"} {
		fl.start(n)
	}
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.stopAll()
}

// TestRunLateNode: the leader sends before a worker listens; the frames
// wait in the leader's connection, which redials until the worker is up.
func TestRunLateNode(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.start("Leader")
	fl.start("Worker/0")
	checkAnswers(t, got.wait(t, 3, 10*time.Second), 1)
	time.Sleep(200 * time.Millisecond) // the leader redials Worker/1 meanwhile
	fl.start("Worker/1")
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.logs.WaitFor(t, time.Second, "tcp: dial failed")
	fl.stopAll()
}

// TestRunHostileClient: a stranger that is not a hydro peer, a peer that
// sends an undecodable batch or a frame on no channel, and one that breaks
// the framing are each logged; the node goes on serving the others.
func TestRunHostileClient(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f := &flow{}
	src := f.location(ir.Process, "Source")
	dst := f.location(ir.Process, "Sink")
	ch := send[int](f, source[int](f, src), dst)
	sink(f, ch, got.add)
	fl := newNodes(t, f, nil)
	fl.start("Sink") // the Source node is played by the test
	addr := fl.peers["Sink"]
	codec, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	batch := func(vs ...int) []byte {
		b, err := transport.AppendBatch(codec, nil, vs)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// A stranger: an HTTP request instead of a hello.
	raw := dialRaw(t, addr)
	raw.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	fl.logs.WaitFor(t, 5*time.Second, "not a hydro peer")
	raw.Close()

	// A peer whose frames cannot be delivered, then can: the same
	// connection keeps working.
	c := tcp.Dial(t.Context(), addr, "Source", transport.DefaultLimits, nil)
	send := func(frames ...transport.Frame) {
		t.Helper()
		if err := c.Send(frames...); err != nil {
			t.Fatal(err)
		}
	}
	channel := uint32(ch.ID)
	send(transport.Frame{Channel: channel, Payload: []byte{0xff, 0x00}}) // not CBOR
	send(transport.Frame{Channel: channel, Payload: batch()[:0]})        // empty payload
	send(transport.Frame{Channel: channel, Payload: []byte{0x82, 0x01}}) // an array cut short
	send(transport.Frame{Channel: 9999, Payload: batch(1)})              // no such channel
	send(transport.Frame{Channel: channel, Payload: batch(1, 2)})
	if g := got.wait(t, 2, 5*time.Second); !slices.Equal(g, []msg[int]{{0, 1}, {0, 2}}) {
		t.Errorf("after the bad frames the node got %v; want [{0 1} {0 2}]", g)
	}
	fl.logs.WaitFor(t, time.Second, "undecodable frame dropped", "frame for an unknown channel dropped", "channel=9999")

	// A peer that breaks the framing: its connection is closed; a new one
	// is served.
	raw = dialRaw(t, addr)
	raw.Write(append([]byte("HYD\x01\x07Mallory"), 0xff, 0xff, 0xff, 0xff)) // a 4 GiB frame
	fl.logs.WaitFor(t, 5*time.Second, "bad frame")
	raw.Close()
	send(transport.Frame{Channel: channel, Sender: 7, Payload: batch(3)})
	if g := got.wait(t, 3, 5*time.Second); g[2] != (msg[int]{7, 3}) {
		t.Errorf("after the broken framing the node got %v; want {7 3} last", g)
	}
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Close(cctx); err != nil {
		t.Errorf("Close() = %v", err)
	}
	fl.stopAll()
}

// dialRaw connects to addr, waiting for it to listen.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		nc, err := net.Dial("tcp", addr)
		if err == nil {
			return nc
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunTimer: a timer makes the node tick, with nothing arriving.
func TestRunTimer(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[int64]()
	f := &flow{}
	p := f.location(ir.Process, "Clock")
	sink(f, ticker(f, p, 5*time.Millisecond), got.add)
	fl := newNodes(t, f, nil)
	fl.start("Clock")
	times := got.wait(t, 3, 5*time.Second)
	if !slices.IsSorted(times) || times[0] <= 0 {
		t.Errorf("timer fired at %v; want increasing positive times", times)
	}
	fl.stopAll()
}

// TestRunCancel: cancelling the context stops Run, which returns nil and
// leaves no goroutine behind, whether its peers are up or not and
// whether or not it still holds frames for them.
func TestRunCancel(t *testing.T) {
	for _, tc := range []struct {
		name string
		up   []string // the nodes started
	}{
		{name: "all up", up: []string{"Leader", "Worker/0"}},
		{name: "alone", up: []string{"Worker/0"}},
		// The leader's items for Worker/0 are still queued.
		{name: "peer down", up: []string{"Leader"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
			got := newCollector[msg[int]]()
			f, _ := roundTrip(got)
			fl := newNodes(t, f, nil)
			for _, n := range tc.up {
				fl.start(n)
			}
			if len(tc.up) == 2 {
				got.wait(t, 3, 10*time.Second)
			} else {
				time.Sleep(100 * time.Millisecond)
			}
			for _, n := range tc.up {
				if err := fl.stop(n); err != nil {
					t.Errorf("Run(%s) = %v after cancel; want nil", n, err)
				}
			}
		})
	}
}

// TestRunListenError: Run fails at once, naming the node, when it cannot
// listen.
func TestRunListenError(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := &flow{}
	p := f.location(ir.Process, "Busy")
	sink(f, source(f, p, 1), func(int) {})
	g, err := compile.LowerOne(&f.Flow, compile.Dest{Loc: p}, compile.Env{})
	if err != nil {
		t.Fatal(err)
	}
	self := node.Node{Name: "Busy", Addr: ln.Addr().String(), Limits: transport.DefaultLimits}
	err = node.Run(t.Context(), g, self, func(*ir.Location) []uint32 { return nil })
	if err == nil || !strings.Contains(err.Error(), "deploy: Busy:") {
		t.Errorf("Run on a taken port = %v; want an error naming the node", err)
	}
}

func TestNameOf(t *testing.T) {
	p := &ir.Location{Kind: ir.Process, Name: "Leader"}
	c := &ir.Location{Kind: ir.Cluster, Name: "Worker"}
	for _, tc := range []struct {
		d    compile.Dest
		want string
	}{
		{compile.Dest{Loc: p}, "Leader"},
		{compile.Dest{Loc: c}, "Worker/0"},
		{compile.Dest{Loc: c, Member: 12}, "Worker/12"},
	} {
		if got := node.NameOf(tc.d); got != tc.want {
			t.Errorf("NameOf(%v/%d) = %q; want %q", tc.d.Loc, tc.d.Member, got, tc.want)
		}
	}
}

// chanSource is hydro.SourceChan: a feeder that drains ch before each
// tick unless the shell owns the channel's Wake.
func chanSource(f *flow, l *ir.Location, ch chan int) *ir.Node {
	return op(f, l, "source_chan", nil, func(c *compile.Ctx, _ []any) dfir.Port[int] {
		h, p := dfir.SourceInput[int](c.Graph)
		w := &compile.Wake{Chan: reflect.ValueOf(ch), Push: func(v reflect.Value) { h.Push(v.Interface().(int)) }}
		c.Wakes = append(c.Wakes, w)
		c.Feeders = append(c.Feeders, func() bool {
			moved := false
			for !w.Owned {
				select {
				case v := <-ch:
					h.Push(v)
					moved = true
				default:
					return moved
				}
			}
			return moved
		})
		return p
	})
}

// TestRunChanOrderWithPeerTicks: a Go channel's values keep their order
// while ticks for a peer's frames run on other goroutines, slowly.
func TestRunChanOrderWithPeerTicks(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	worker := f.location(ir.Process, "Worker")
	ch := make(chan int, 1000)
	got := newCollector[int]()
	sink(f, chanSource(f, leader, ch), got.add)
	toLeader := send[int64](f, ticker(f, worker, 3*time.Millisecond), leader)
	slow := mapSelf(f, toLeader, func(uint32, msg[int64]) int { time.Sleep(time.Millisecond); return 0 })
	sink(f, slow, func(int) {})
	fl := newNodes(t, f, nil)
	fl.start("Worker")
	fl.start("Leader")
	const n = 3000
	for i := range n {
		ch <- i
		if i%7 == 0 {
			time.Sleep(50 * time.Microsecond)
		}
	}
	vs := got.wait(t, n, 20*time.Second)
	for i := 1; i < len(vs); i++ {
		if vs[i] < vs[i-1] {
			t.Fatalf("the channel's values out of order at %d: %d after %d", i, vs[i], vs[i-1])
		}
	}
	fl.stopAll()
}

// memberEvent is what a membership input reports.
type memberEvent struct {
	Member uint32
	Joined bool
}

// membership is the stream of c's membership as the shell at l sees it.
func membership(f *flow, l, c *ir.Location) *ir.Node {
	return op(f, l, "members", nil, func(x *compile.Ctx, _ []any) dfir.Port[memberEvent] {
		h, p := dfir.SourceInput[memberEvent](x.Graph)
		x.Membership = append(x.Membership, compile.MembershipInput{Cluster: c, Push: func(m uint32, joined bool) {
			h.Push(memberEvent{Member: m, Joined: joined})
		}})
		return p
	})
}

// TestRunMembershipEvents: a leader watching a cluster reports a member
// that stops as left as soon as its connection breaks, not at the next
// poll, and the member started again as joined.
func TestRunMembershipEvents(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	events := make(chan memberEvent, 16)
	sink(f, membership(f, leader, workers), func(ev memberEvent) { events <- ev })
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	for _, n := range []string{"Worker/0", "Worker/1", "Leader"} {
		fl.start(n)
	}
	expect := func(want memberEvent, within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		deadline := time.After(within)
		for {
			select {
			case ev := <-events:
				if ev == want {
					return time.Since(start)
				}
				if ev.Member == want.Member {
					t.Fatalf("member %d: joined=%v reported; want joined=%v", ev.Member, ev.Joined, want.Joined)
				}
			case <-deadline:
				t.Fatalf("member %d: joined=%v not reported within %v", want.Member, want.Joined, within)
			}
		}
	}
	expect(memberEvent{1, true}, 10*time.Second) // everyone starts joined
	// Once the leader is connected to both members, stop one.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(fl.logs.String(), `msg="tcp: peer connected"`) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the leader did not connect to both members within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	if err := fl.stop("Worker/1"); err != nil {
		t.Errorf("Run(Worker/1) = %v after cancel; want nil", err)
	}
	left := expect(memberEvent{1, false}, time.Second)
	t.Logf("left reported %v after the member stopped", left)
	fl.start("Worker/1")
	joined := expect(memberEvent{1, true}, 10*time.Second)
	t.Logf("joined reported %v after the member started again", joined)
	select {
	case ev := <-events:
		t.Errorf("%+v reported; want nothing more", ev)
	case <-time.After(100 * time.Millisecond):
	}
	fl.stopAll()
}

// TestRunCancelWhileFlooded: a peer sends while a timer's tick holds the
// node, until the node's inbox is full, its reader waits and the peer's
// queue refuses more; cancelling the node then still returns promptly,
// with nil, and leaves no goroutine behind.
func TestRunCancelWhileFlooded(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	src := f.location(ir.Process, "Source")
	dst := f.location(ir.Process, "Sink")
	ch := send[int](f, source[int](f, src), dst)
	var got atomic.Int64
	sink(f, ch, func(msg[int]) { got.Add(1) })
	blocked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	sink(f, ticker(f, dst, 5*time.Millisecond), func(int64) {
		once.Do(func() { close(blocked); <-release }) // the first timer's tick waits
	})
	var releaseOnce sync.Once
	releaseTick := func() { releaseOnce.Do(func() { close(release) }) }
	fl := newNodes(t, f, nil)
	t.Cleanup(releaseTick) // before the nodes stop, if the test fails
	fl.start("Sink")       // the Source node is played by the test
	<-blocked
	codec, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := transport.AppendBatch(codec, nil, make([]int, 100))
	if err != nil {
		t.Fatal(err)
	}
	c := tcp.Dial(t.Context(), fl.peers["Sink"], "Source", transport.DefaultLimits, nil, tcp.WithQueueBytes(64<<10))
	deadline := time.Now().Add(10 * time.Second)
	for !c.Stats().Connected { // flood the node, not the queue of a Conn yet to connect
		if time.Now().After(deadline) {
			t.Fatal("not connected within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	for sent := 0; ; {
		err := c.Send(transport.Frame{Channel: uint32(ch.ID), Payload: payload})
		if errors.Is(err, tcp.ErrBackpressure) {
			t.Logf("refused after %d frames sent", sent)
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sent++
		if time.Now().After(deadline) {
			t.Fatalf("the peer's queue never filled within 10 s: %d frames sent", sent)
		}
	}
	if n := got.Load(); n != 0 {
		t.Errorf("%d items taken while the tick waited; want 0", n)
	}
	start := time.Now()
	releaseTick()
	if err := fl.stop("Sink"); err != nil {
		t.Errorf("Run(Sink) = %v after cancel; want nil", err)
	}
	t.Logf("Run returned %v after cancel", time.Since(start))
	cctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c.Close(cctx) // the frames still queued are lost with the node
}
