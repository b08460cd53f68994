// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
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

// sendThrice carries each of in's items to every member of to, whether
// seen as left or not (as a send to one named member does), three times
// in its batch: a frame of three messages per item.
func sendThrice(f *flow, in *ir.Node, to *ir.Location, size int) *ir.Node {
	n := op[msg[int]](f, to, "send", []*ir.Node{in}, nil)
	n.Net = &ir.Net{Channel: uint32(n.ID)}
	n.Impl = thriceNet{to: to, size: size}
	return n
}

type thriceNet struct {
	to   *ir.Location
	size int
}

func (s thriceNet) Send(c *compile.Ctx, n *ir.Node, p any) compile.Outbox {
	out := dfir.SinkOutput(p.(dfir.Port[int]))
	var items []int
	return compile.Outbox{Channel: uint32(n.ID), Flush: func(send func(compile.Dest, []byte) error) error {
		for _, v := range out.Drain(items[:0]) {
			buf, err := transport.AppendBatch(c.Codec, nil, []int{v, v, v})
			if err != nil {
				return err
			}
			for m := range s.size {
				if err := send(compile.Dest{Loc: s.to, Member: uint32(m)}, buf); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

func (thriceNet) Recv(c *compile.Ctx, n *ir.Node) (compile.Inbox, any) {
	return sendNet[int]{}.Recv(c, n)
}

// TestRunDroppedCountsMessages: View.Dropped counts the messages sent to
// a member seen as left, not the frames that carry them.
func TestRunDroppedCountsMessages(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	workers := f.location(ir.Cluster, "Worker")
	ch := make(chan int)
	got := newCollector[msg[int]]()
	sink(f, sendThrice(f, chanSource(f, leader, ch), workers, 2), got.add)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.failAfter = 300 * time.Millisecond
	fl.views = map[string]*node.View{}
	fl.start("Worker/0")
	fl.start("Leader")
	view := fl.views["Leader"]
	deadline := time.Now().Add(3 * time.Second)
	for !slices.Equal(view.Members(workers), []uint32{0}) {
		if time.Now().After(deadline) {
			t.Fatalf("the leader's members = %v 3 s after its start; want [0]", view.Members(workers))
		}
		time.Sleep(5 * time.Millisecond)
	}
	const n = 5
	for i := range n {
		ch <- i
	}
	got.wait(t, 3*n, 5*time.Second) // Worker/0 got them: the tick that sent them is over
	if d := view.Dropped(); d != 3*n {
		t.Errorf("Dropped() = %d after %d frames of 3 messages for the member left; want %d", d, n, 3*n)
	}
	fl.stopAll()
}
