// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"maps"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
)

// TestRunIdle runs the round trip with every node reporting when it is
// idle: the reports show the fleet finished only once the leader has every
// answer, and then each pair's counts match.
func TestRunIdle(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	names := []string{"Worker/0", "Worker/1", "Leader"}
	var mu sync.Mutex
	latest := map[string]node.Idle{}
	finished := make(chan int, 1) // the answers the leader had then
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
	// The leader first: its frames wait for the workers, which have not
	// reported, so the fleet is not finished while they start.
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
	mu.Lock()
	for _, w := range []string{"Worker/0", "Worker/1"} {
		if s := latest["Leader"].Sent[w]; s == 0 || s != latest[w].Received["Leader"] {
			t.Errorf("Leader sent %s %d frames, which reports %d received", w, s, latest[w].Received["Leader"])
		}
	}
	mu.Unlock()
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.stopAll()
}

// TestRunNoIdleWithTimer checks that a node with a timer never reports
// idle: its input comes by itself.
func TestRunNoIdleWithTimer(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f := &flow{}
	p := f.location(ir.Process, "P")
	got := newCollector[int64]()
	sink(f, ticker(f, p, 5*time.Millisecond), got.add)
	fl := newNodes(t, f, nil)
	reports := make(chan node.Idle, 10)
	fl.onIdle = func(_ string, r node.Idle) { reports <- r }
	fl.start("P")
	got.wait(t, 3, 10*time.Second)
	select {
	case r := <-reports:
		t.Errorf("a node with a timer reported idle: %v", r)
	default:
	}
	fl.stopAll()
}

func TestFinished(t *testing.T) {
	names := []string{"A", "B"}
	idle := func(sent, received map[string]uint64) node.Idle { return node.Idle{Sent: sent, Received: received} }
	for _, tc := range []struct {
		name   string
		latest map[string]node.Idle
		want   bool
	}{
		{"no reports", map[string]node.Idle{}, false},
		{"one missing", map[string]node.Idle{"A": idle(nil, nil)}, false},
		{"nothing sent", map[string]node.Idle{"A": idle(nil, nil), "B": idle(nil, nil)}, true},
		{"matching", map[string]node.Idle{"A": idle(map[string]uint64{"B": 2}, map[string]uint64{"B": 1}), "B": idle(map[string]uint64{"A": 1}, map[string]uint64{"A": 2})}, true},
		{"in flight", map[string]node.Idle{"A": idle(map[string]uint64{"B": 3}, nil), "B": idle(nil, map[string]uint64{"A": 2})}, false},
		{"a stale sender", map[string]node.Idle{"A": idle(nil, map[string]uint64{"B": 1}), "B": idle(nil, nil)}, false},
	} {
		if got := node.Finished(names, tc.latest); got != tc.want {
			t.Errorf("%s: Finished(%v) = %v; want %v", tc.name, tc.latest, got, tc.want)
		}
	}
}

func TestIdleString(t *testing.T) {
	for _, r := range []node.Idle{
		{Sent: map[string]uint64{}, Received: map[string]uint64{}},
		{Sent: map[string]uint64{"Worker/1": 3, "Leader": 12}, Received: map[string]uint64{"Worker/0": 1}},
	} {
		s := r.String()
		back, ok := node.ParseIdle(s)
		if !ok || !maps.Equal(back.Sent, r.Sent) || !maps.Equal(back.Received, r.Received) {
			t.Errorf("ParseIdle(%q) = %v, %v; want %v", s, back, ok, r)
		}
	}
	if got := (node.Idle{Sent: map[string]uint64{"B": 1, "A": 2}}).String(); got != "sent A=2,B=1 received -" {
		t.Errorf("String() = %q; want peers in order", got)
	}
	for _, bad := range []string{"", "sent - received", "sent A received -", "sent A=x received -", "sent =1 received -", "recv - sent -"} {
		if r, ok := node.ParseIdle(bad); ok {
			t.Errorf("ParseIdle(%q) = %v, true; want false", bad, r)
		}
	}
}

// answers is how many items c has collected.
func answers[T any](c *collector[T]) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}
