// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"cmp"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type eqFront struct{}
type eqStage struct{}
type eqBack struct{}

// eqPipeline is a front that splits lines into words and sends them to a
// back, which numbers each word's occurrences as they come. Rewritten, the
// split runs on a stage process of its own (hydro.Decouple).
func eqPipeline(s *sim.Sim, rewritten bool) {
	f := hydro.NewFlow()
	front := hydro.NewProcess[eqFront](f)
	stage := hydro.NewProcess[eqStage](f)
	back := hydro.NewProcess[eqBack](f)
	in, lines := hydro.NewInput[string](front)
	words := hydro.FlatMap(lines, strings.Fields).Named("split")
	counted := hydro.Scan(hydro.Send(words, back), func() map[string]int { return map[string]int{} },
		func(m *map[string]int, w string) hydro.KV[string, int] {
			(*m)[w]++
			return hydro.KV[string, int]{Key: w, Val: (*m)[w]}
		})
	out := hydro.NewOutput(counted)
	if rewritten {
		err := hydro.Decouple(f, stage, "split")
		s.Assert(err == nil, "Decouple: %v", err)
	}
	r := s.Local(f)
	in.Push(r, "a b", "b a c")
	sim.Observe(s, r, "counts", out)
}

// TestEquivalentDecouple: a decoupled pipeline yields what the original
// does, in every execution and over many seeds.
func TestEquivalentDecouple(t *testing.T) {
	if n := sim.Equivalent(t, sim.Config{}, eqPipeline); n < 1 {
		t.Errorf("Equivalent ran %d executions of the rewrite; want at least 1", n)
	}
	sim.RandomEquivalent(t, sim.Config{Runs: 200}, eqPipeline)
}

// eqOrder yields 1, 2, 3 pushed together: in order in the original (or
// unordered, if weaken), and in the rewrite sorted in descending order in
// each tick, which changes the order whenever two items share a tick.
func eqOrder(weaken bool) func(s *sim.Sim, rewritten bool) {
	return func(s *sim.Sim, rewritten bool) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[eqBack](f)
		in, items := hydro.NewInput[int](p)
		if weaken {
			items = hydro.WeakenOrder(items)
		}
		if rewritten {
			tick := hydro.NewTick(p)
			batch := hydro.Batch(items, tick, hydro.NonDet("any split"))
			items = hydro.AllTicks(hydro.SortFunc(batch, func(a, b int) int { return cmp.Compare(b, a) }))
			if weaken {
				items = hydro.WeakenOrder(items)
			}
		}
		out := hydro.NewOutput(items)
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		sim.Observe(s, r, "items", out)
	}
}

// TestEquivalentCatches: a rewrite that changes what a flow yields is
// caught, with both outputs; order counts where the original's output is
// ordered only.
func TestEquivalentCatches(t *testing.T) {
	dropped := func(s *sim.Sim, rewritten bool) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[eqBack](f)
		in, items := hydro.NewInput[int](p)
		if rewritten {
			items = items.Filter(func(v int) bool { return v != 2 })
		}
		out := hydro.NewOutput(items)
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		sim.Observe(s, r, "items", out)
	}
	for _, c := range []struct {
		name     string
		scenario func(*sim.Sim, bool)
		want     []string // in the failure; none if the rewrite passes
	}{
		{"dropped", dropped, []string{"none of the original's (1 outcome)", "≠ rewritten: items (sequence) = [1 3]", "original:  items (sequence) = [1 2 3]"}},
		{"reordered", eqOrder(false), []string{"none of the original's", "items (sequence) = [1 2 3]"}},
		{"reordered, unordered", eqOrder(true), nil},
	} {
		f, original, complete := sim.CompareExhaustive(10000, c.scenario)
		switch {
		case original:
			t.Errorf("%s: the original failed (complete %v): %v", c.name, complete, f)
		case c.want == nil && f != nil:
			t.Errorf("%s: %s", c.name, f.Report)
		case c.want != nil && f == nil:
			t.Errorf("%s: the changed rewrite passed", c.name)
		case c.want != nil:
			for _, w := range c.want {
				if !strings.Contains(f.Message, w) {
					t.Errorf("%s: failure %q; want it to say %q", c.name, f.Message, w)
				}
			}
			if len(f.Choices) == 0 && c.name != "dropped" {
				t.Errorf("%s: the failure has no choices to replay", c.name)
			}
		}
	}
}
