// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type arrivals struct{}

// countsSeen pushes 1, 2, 3 together into an input, or sends them on a Go
// channel source before the run starts, and expects every tick's snapshot
// of their count to see none or all of them: wrong, since a deployed node
// may read part of them before a tick and the rest after it.
func countsSeen(viaChan bool, opts ...hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[arrivals](f)
		var xs hydro.Stream[int, *hydro.Process[arrivals]]
		var in *hydro.Input[int]
		if viaChan {
			ch := make(chan int, 3)
			ch <- 1
			ch <- 2
			ch <- 3
			close(ch)
			xs = hydro.SourceChan(p, (<-chan int)(ch))
		} else {
			in, xs = hydro.NewInput[int](p)
		}
		tick := hydro.NewTick(p)
		now := hydro.Snapshot(hydro.Count(xs), tick, hydro.NonDet("a tick sees the count so far"))
		out := hydro.NewOutput(hydro.AllTicks(now.IntoStream()))
		r := s.Local(f, opts...)
		if in != nil {
			in.Push(r, 1, 2, 3)
		}
		s.RunAvailable(r)
		for _, c := range out.Drain(r) {
			s.Assert(c == 0 || c == 3, "a tick saw %d of the 3 items sent together", c)
		}
	}
}

// Items pushed together, or waiting together on a Go channel, may arrive
// over several ticks; WholeArrivals keeps them together.
func TestArrivalsSplitOverTicks(t *testing.T) {
	for _, viaChan := range []bool{false, true} {
		t.Run(fmt.Sprintf("chan=%v", viaChan), func(t *testing.T) {
			n, fail, _ := sim.Enumerate(1000, countsSeen(viaChan))
			if fail == nil {
				t.Fatalf("exhaustive search over %d executions never split the arrivals; want a tick that sees part of them", n)
			}
			if !strings.Contains(fail.Report, "of the 3 items sent together") || !strings.Contains(fail.Report, "1 of 3 arrive") {
				t.Errorf("report lacks the partial count or the split arrival:\n%s", fail.Report)
			}
			sim.Exhaustive(t, sim.Config{}, countsSeen(viaChan, sim.WholeArrivals()))
		})
	}
}
