// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"testing"

	"github.com/hydro-go/hydro"
)

// work is what every node of r has done so far: the items pushed into
// all their subgraphs, and the items their cross-tick handoffs hold now.
func work(r *hydro.Local) (items uint64, held int) {
	for _, g := range r.Graphs() {
		st := g.Stats()
		for _, sg := range st.Subgraphs {
			items += sg.Items
		}
		for _, h := range st.Handoffs {
			held += h.Buffered
		}
	}
	return items, held
}

// TestDeadAcceptorBounded: with one acceptor of three dead (the cluster
// runs two: the third never answers), each slot still commits on the two
// that live, and the work a slot costs and the state held between ticks
// do not grow with the number of slots committed. A phase 2 request that
// reached its quorum but never heard from all 2F+1 acceptors used to stay
// tracked, and be counted again, every tick (quorum.Collect carried its
// tally through a tick cycle): the second thousand slots cost 2.7 times
// the first, and the tallies held grew by one a slot.
func TestDeadAcceptorBounded(t *testing.T) {
	w := build(testConfig)
	r := hydro.MustLocal(w.f, hydro.Size(w.proposers, 2), hydro.Size(w.acceptors, 2))
	for range testConfig.Timeout + 1 {
		r.Advance(testConfig.Period)
	}
	next := 0
	// commit pushes n payloads, one a tick, and waits for their slots.
	commit := func(n int) {
		t.Helper()
		got := 0
		for i := range n {
			w.in.PushTo(r, 0, next+i)
			r.RunTicks(1)
			got += len(w.log.Drain(r))
		}
		for range 20 {
			if got >= n {
				break
			}
			r.RunTicks(1)
			got += len(w.log.Drain(r))
		}
		if got != n {
			t.Fatalf("payloads %d to %d: %d slots committed; want %d", next, next+n, got, n)
		}
		next += n
	}
	commit(100) // warm up: the leader is elected and the pipeline full
	items0, held0 := work(r)
	const n = 1000
	commit(n)
	items1, held1 := work(r)
	commit(n)
	items2, held2 := work(r)
	first, second := items1-items0, items2-items1
	t.Logf("items per slot: first %d slots %.1f, next %d %.1f; held between ticks %d, %d, %d",
		n, float64(first)/n, n, float64(second)/n, held0, held1, held2)
	if float64(second) > 1.2*float64(first) {
		t.Errorf("the second %d slots cost %d items, the first %d: work per slot grows with the slots committed", n, second, first)
	}
	if held2 > held0+10 {
		t.Errorf("held between ticks: %d after 100 slots, %d after %d, %d after %d; want it bounded", held0, held1, 100+n, held2, 100+2*n)
	}
}
