// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
)

// TestHostRoundTrip: the leader and both workers on one Host exchange
// every frame over memory: the answers come back right, each node's
// LinkStats counts the frames it took, and no TCP connection is made.
func TestHostRoundTrip(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	names := []string{"Worker/0", "Worker/1", "Leader"}
	fl.host = node.NewHost(names...)
	fl.links = map[string]*node.LinkStats{}
	for _, n := range names {
		fl.start(n)
	}
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.stopAll()
	for _, n := range names {
		st := fl.links[n].Stats()
		if st.Accepted != 0 || st.Open != 0 {
			t.Errorf("%s accepted %d TCP connections (%d open); want none: its peers are on its Host", n, st.Accepted, st.Open)
		}
		if want := uint64(1); n == "Leader" {
			if st.Frames < 2 {
				t.Errorf("Leader took %d frames; want at least 2, one from each worker", st.Frames)
			}
		} else if st.Frames < want {
			t.Errorf("%s took %d frames; want at least %d", n, st.Frames, want)
		}
	}
}

// relay is a leader that sends 1, 2, 3 to every worker; each worker sends
// what it got, plus 100·(member+1), to every worker, and each worker
// answers the leader with 10·what it got + its member index.
func relay(got *collector[msg[int]]) (*flow, *ir.Location) {
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	toWorkers := send[int](f, source(f, leader, 1, 2, 3), workers)
	mixed := mapSelf(f, toWorkers, func(self uint32, m msg[int]) int { return 100*int(self+1) + m.V })
	among := send[int](f, mixed, workers)
	answers := mapSelf(f, among, func(self uint32, m msg[int]) int { return 10*m.V + int(self) })
	sink(f, send[int](f, answers, leader), got.add)
	return f, workers
}

// TestHostMixed: the workers share a Host and the leader runs apart, as
// a deployment with co-located members does: the frames between the
// workers cross memory, those to and from the leader TCP, and every
// answer arrives.
func TestHostMixed(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := relay(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.host = node.NewHost("Worker/0", "Worker/1")
	for _, n := range []string{"Worker/0", "Worker/1", "Leader"} {
		fl.start(n)
	}
	var want []msg[int]
	for from := range 2 { // the worker that answers
		for via := range 2 { // the worker that relayed
			for v := 1; v <= 3; v++ {
				want = append(want, msg[int]{From: uint32(from), V: 10*(100*(via+1)+v) + from})
			}
		}
	}
	res := got.wait(t, len(want), 10*time.Second)
	cmp := func(a, b msg[int]) int {
		if a.From != b.From {
			return int(a.From) - int(b.From)
		}
		return a.V - b.V
	}
	slices.SortFunc(res, cmp)
	slices.SortFunc(want, cmp)
	if !slices.Equal(res, want) {
		t.Errorf("the leader got %v; want %v", res, want)
	}
	fl.stopAll()
}

// TestHostMembership: a leader on the workers' Host sees a worker that
// stops as left at once, and the worker started again as joined.
func TestHostMembership(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	events := make(chan memberEvent, 16)
	sink(f, membership(f, leader, workers), func(ev memberEvent) { events <- ev })
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.host = node.NewHost("Worker/0", "Worker/1", "Leader")
	for _, n := range []string{"Worker/0", "Worker/1", "Leader"} {
		fl.start(n)
	}
	expect := func(want memberEvent, within time.Duration) {
		t.Helper()
		deadline := time.After(within)
		for {
			select {
			case ev := <-events:
				if ev == want {
					return
				}
				if ev.Member == want.Member && ev.Joined != want.Joined && !ev.Joined {
					t.Fatalf("member %d: left reported; want joined=%v", ev.Member, want.Joined)
				}
			case <-deadline:
				t.Fatalf("member %d: joined=%v not reported within %v", want.Member, want.Joined, within)
			}
		}
	}
	expect(memberEvent{1, true}, 10*time.Second) // everyone starts joined
	if err := fl.stop("Worker/1"); err != nil {
		t.Errorf("Run(Worker/1) = %v after cancel; want nil", err)
	}
	expect(memberEvent{1, false}, 5*time.Second)
	fl.start("Worker/1")
	expect(memberEvent{1, true}, 10*time.Second)
	fl.stopAll()
}

// TestHostIdle: the round trip on one Host reports idle as over TCP: the
// reports show the fleet finished once the leader has every answer, with
// each pair's counts matching.
func TestHostIdle(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	names := []string{"Worker/0", "Worker/1", "Leader"}
	fl.host = node.NewHost(names...)
	var mu sync.Mutex
	latest := map[string]node.Idle{}
	finished := make(chan int, 1)
	fl.onIdle = func(name string, r node.Idle) {
		mu.Lock()
		defer mu.Unlock()
		latest[name] = r
		if node.Finished(names, latest) {
			select {
			case finished <- answers(got):
			default:
			}
		}
	}
	fl.start("Leader")
	fl.start("Worker/0")
	fl.start("Worker/1")
	select {
	case n := <-finished:
		if n != 6 {
			t.Errorf("finished with %d answers at the leader; want 6", n)
		}
	case <-time.After(20 * time.Second):
		mu.Lock()
		t.Fatalf("the fleet never finished; latest reports %v", latest)
	}
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.stopAll()
}

// TestHostUnnamed: a node whose Host does not name it refuses to start.
func TestHostUnnamed(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	d := fl.dests()[slices.IndexFunc(fl.dests(), func(d compile.Dest) bool { return node.NameOf(d) == "Leader" })]
	g, err := compile.LowerOne(fl.f, d, compile.Env{Size: fl.size, Members: fl.members})
	if err != nil {
		t.Fatal(err)
	}
	self := node.Node{Name: "Leader", Addr: fl.peers["Leader"], Peers: fl.peers, Limits: transport.DefaultLimits, Host: node.NewHost("Worker/0")}
	err = node.Run(t.Context(), g, self, fl.members)
	if err == nil || !strings.Contains(err.Error(), "does not name Leader") {
		t.Errorf("Run(Leader) on a Host naming only Worker/0 = %v; want an error that the Host does not name Leader", err)
	}
}
