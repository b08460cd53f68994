// SPDX-License-Identifier: Apache-2.0

package quorum_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/quorum"
)

type leader struct{}

type vote = hydro.KV[string, quorum.Response]

func yes(k string) vote           { return vote{Key: k} }
func no(k, why string) vote       { return vote{Key: k, Val: quorum.Response{Err: why}} }
func keysOf(vs []string) []string { slices.Sort(vs); return vs }

// build collects quorums of 2 out of 3 over the votes pushed into in.
func build() (*hydro.Flow, *hydro.Input[vote], *hydro.Output[string], *hydro.Output[hydro.KV[string, string]]) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[leader](f)
	in, votes := hydro.NewInput[vote](p)
	done, errs := quorum.Collect(hydro.IntoKeyed(votes), 2, 3, hydro.NonDet("votes are counted whatever their batches"))
	return f, in, hydro.NewOutput(done), hydro.NewOutput(errs.Entries())
}

// TestCollect: a key is emitted once, in the tick its second success
// arrives, whatever came before or after; errors pass through.
func TestCollect(t *testing.T) {
	f, in, done, errs := build()
	r := hydro.MustLocal(f)
	in.Push(r, yes("a"), no("b", "busy"))
	r.RunAvailable()
	if got := done.Drain(r); len(got) != 0 {
		t.Fatalf("after one success: done %v; want nothing", got)
	}
	in.Push(r, yes("a"), yes("b"), yes("c"), yes("c"))
	r.RunAvailable()
	if got := keysOf(done.Drain(r)); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("done %v; want [a c]", got)
	}
	in.Push(r, yes("a"), yes("b"), yes("c")) // stragglers of a and c; b's second success
	r.RunAvailable()
	if got := done.Drain(r); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after the stragglers: done %v; want [b]", got)
	}
	in.Push(r, yes("a"), yes("a")) // a was forgotten after 3 responses: a new round
	r.RunAvailable()
	if got := done.Drain(r); !slices.Equal(got, []string{"a"}) {
		t.Errorf("a's next round: done %v; want [a]", got)
	}
	if got := errs.Drain(r); len(got) != 1 || got[0].Key != "b" || got[0].Val != "busy" {
		t.Errorf("errs %v; want [b=busy]", got)
	}
}

// TestCollectAnyBatches: however the votes are cut into ticks, each key
// that reaches two successes is emitted exactly once.
func TestCollectAnyBatches(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f, in, done, _ := build()
		r := s.Local(f)
		in.Push(r, yes("a"), no("a", "down"), yes("b"), yes("a"), yes("b"))
		s.RunAvailable(r)
		got := keysOf(done.Drain(r))
		s.Assert(slices.Equal(got, []string{"a", "b"}), "done %v; want [a b], each once", got)
	})
}
