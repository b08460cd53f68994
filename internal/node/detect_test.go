// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
)

// roundRobin is hydro.RoundRobin: in's items spread over the members of
// to, skipping those the sender sees as left.
func roundRobin(f *flow, in *ir.Node, to *ir.Location) *ir.Node {
	n := op[int](f, to, "round_robin", []*ir.Node{in}, nil)
	n.Net = &ir.Net{Channel: uint32(n.ID), Route: ir.RoundRobin}
	n.Impl = compile.Type[int]{}
	return n
}

// TestRunNeverConnected: a member that never starts is reported left
// within the node's FailAfter of its start; the one that runs is not.
func TestRunNeverConnected(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	events := make(chan memberEvent, 16)
	sink(f, membership(f, leader, workers), func(ev memberEvent) { events <- ev })
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.failAfter = 300 * time.Millisecond
	fl.start("Worker/0")
	start := time.Now()
	fl.start("Leader")
	deadline := time.After(2 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Joined {
				continue // everyone starts joined
			}
			if ev.Member != 1 {
				t.Fatalf("member %d reported left; want only member 1", ev.Member)
			}
			if d := time.Since(start); d < fl.failAfter || d > fl.failAfter+500*time.Millisecond {
				t.Errorf("member 1 reported left %v after the start; want about %v", d, fl.failAfter)
			}
			fl.stopAll()
			return
		case <-deadline:
			t.Fatal("member 1, never started, not reported left within 2 s")
		}
	}
}

// TestRunRoundRobinSkipsDead: once a member that never started is seen as
// left, RoundRobin sends everything to the live ones, each item once.
func TestRunRoundRobinSkipsDead(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	ch := make(chan int)
	got := newCollector[int]()
	sink(f, roundRobin(f, chanSource(f, leader, ch), workers), got.add)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 3})
	fl.failAfter = 300 * time.Millisecond
	fl.views = map[string]*node.View{}
	fl.start("Worker/0")
	fl.start("Worker/2")
	fl.start("Leader")
	view := fl.views["Leader"]
	deadline := time.Now().Add(3 * time.Second)
	for !slices.Equal(view.Members(workers), []uint32{0, 2}) {
		if time.Now().After(deadline) {
			t.Fatalf("the leader's members = %v 3 s after its start; want [0 2]", view.Members(workers))
		}
		time.Sleep(5 * time.Millisecond)
	}
	const n = 100
	for i := range n {
		ch <- i
	}
	vs := got.wait(t, n, 5*time.Second)
	slices.Sort(vs)
	for i, v := range vs {
		if v != i {
			t.Fatalf("the live members got %v; want 0..%d once each", vs, n-1)
		}
	}
	fl.stopAll()
}
