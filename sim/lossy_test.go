// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type lossySender struct{}

type lossyReceiver struct{}

// distinct sends 1, 2, 3 over a lossy channel and counts the distinct items
// the receiver got.
func distinct(opts ...hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		a := hydro.NewProcess[lossySender](f)
		b := hydro.NewProcess[lossyReceiver](f)
		got := hydro.SendLossy(hydro.SourceIter(a, []int{1, 2, 3}), b, hydro.NonDet("the receiver deduplicates"))
		tick := hydro.NewTick(b)
		count := hydro.Count(hydro.Unique(got))
		out := hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(count, tick, hydro.NonDet("the last count is checked")).IntoStream()))
		r := s.Local(f, opts...)
		s.RunAvailable(r)
		last := out.Drain(r)
		s.Assert(len(last) > 0 && last[len(last)-1] == 3, "distinct items received = %v; want 3 at the end", last)
	}
}

// Duplicates on a lossy channel are harmless to a receiver that
// deduplicates; losses are not, and the search finds one. Messages on a
// channel typed exactly-once are never lost or repeated, whatever the
// options.
func TestLossyChannel(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, distinct(sim.Duplicates(2)))
	seeds := make([]uint64, 100)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if _, fail := sim.Search(seeds, distinct(sim.Loss(1))); fail == nil {
		t.Errorf("no execution lost a message on a lossy channel with WithLoss(1)")
	}
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		a := hydro.NewProcess[lossySender](f)
		b := hydro.NewProcess[lossyReceiver](f)
		out := hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []int{1, 2, 3}), b))
		r := s.Local(f, sim.Loss(5), sim.Duplicates(5))
		s.RunAvailable(r)
		sim.ExpectInOrder(s, "Send", out.Drain(r), []int{1, 2, 3})
	})
}

// What a lossy channel delivers is typed unordered and at-least-once, so
// operators that need order or exactly-once are refused on it.
func TestLossyChannelTyped(t *testing.T) {
	f := hydro.NewFlow()
	a := hydro.NewProcess[lossySender](f)
	b := hydro.NewProcess[lossyReceiver](f)
	hydro.ForEach(hydro.SendLossy(hydro.SourceIter(a, []int{1}), b, "fine"), func(int) {})
	if err := f.Compile(); err == nil {
		t.Errorf("ForEach on a lossy channel's stream compiled; want it refused")
	}
}
