// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/semantics"
	"github.com/hydro-go/hydro/sim"
)

// semanticsRuns is how many seeds each case of the corpus runs with.
const semanticsRuns = 40

// TestSemantics runs the semantics corpus under the simulator: after each
// case tick's input it lets the flow wait for more input, take one step or
// run until idle, and it picks where every Batch cuts. A case tick's
// items arrive together, as a deployment's runner sends them in one
// message. Every execution must
// satisfy each output's check.
func TestSemantics(t *testing.T) {
	for _, c := range semantics.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			if why := c.Skip(semantics.Sim); why != "" {
				t.Skip(why)
			}
			if c.Refused != "" {
				if _, fail := sim.Search([]uint64{1}, semanticsScenario(c)); fail == nil {
					t.Fatalf("%s ran under the simulator; want a compile error: %s", c.Name, c.Refused)
				}
				return
			}
			sim.Random(t, sim.Config{Runs: semanticsRuns}, semanticsScenario(c))
		})
	}
}

func semanticsScenario(c semantics.Case) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		e := semantics.NewEnv(hydro.NewProcess[semantics.Server](f))
		outs := c.Build(e)
		hs := make([]*hydro.Output[string], len(outs))
		for i, o := range outs {
			hs[i] = hydro.NewOutput(o.S)
		}
		// The corpus's inputs arrive a case tick at a time, all at once.
		r := s.Local(f, sim.WholeArrivals())
		got := make([][]string, len(outs))
		drain := func() {
			for j, h := range hs {
				got[j] = h.DrainInto(r, got[j])
			}
		}
		for i := range e.Ticks() {
			e.Push(r, i)
			switch s.Choose(3, fmt.Sprintf("after case tick %d: wait for more input | one step | run until idle", i)) {
			case 1:
				r.Step()
			case 2:
				s.RunAvailable(r)
			}
			drain()
		}
		s.RunAvailable(r)
		drain()
		for j, o := range outs {
			if err := o.Check().OK(got[j]); err != nil {
				s.Fatalf("%s %s(%s): %s: %v", c.Name, o.Name, e.Inputs(), o.Check().What, err)
			}
		}
		if err := e.Effects(); err != nil {
			s.Fatalf("%s(%s): %v", c.Name, e.Inputs(), err)
		}
	}
}
