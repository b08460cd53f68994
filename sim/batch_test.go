// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type batcher struct{}

// batchInOrder batches 1, 2, 3 into ticks, through a stream whose order
// the flow forgets when unordered is set, and expects them back in arrival
// order: right for an ordered stream, whose batches take a prefix of what
// they hold, wrong for an unordered one, whose batches may take any items.
// batches, if not nil, gets what each step yielded.
func batchInOrder(unordered bool, batches *[][]int) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[batcher](f)
		in, xs := hydro.NewInput[int](p)
		if unordered {
			xs = hydro.WeakenOrder(xs)
		}
		tick := hydro.NewTick(p)
		b := hydro.Batch(xs, tick, hydro.NonDet("the items land in any tick"))
		out := hydro.NewOutput(hydro.AllTicks(b))
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		var got []int
		for r.Step() {
			if vs := out.Drain(r); len(vs) > 0 {
				got = append(got, vs...)
				if batches != nil {
					*batches = append(*batches, vs)
				}
			}
		}
		s.Assert(batches != nil || fmt.Sprint(got) == "[1 2 3]", "the batches gave %v; want [1 2 3]", got)
	}
}

// An unordered batch may take {1, 3} and leave 2 for later; an ordered
// one takes a prefix.
func TestUnorderedBatchTakesAnyItems(t *testing.T) {
	n, fail, _ := sim.Enumerate(10000, batchInOrder(true, nil))
	if fail == nil {
		t.Fatalf("exhaustive search over %d executions kept the arrival order of an unordered batch; want it broken", n)
	}
	if !strings.Contains(fail.Report, "the batches gave [1 3 2]") || !strings.Contains(fail.Report, "takes {2}") {
		t.Errorf("report lacks the reordered output or the batch that took its second item:\n%s", fail.Report)
	}
	sim.Exhaustive(t, sim.Config{}, batchInOrder(false, nil))
}

// A script names the positions an unordered batch takes.
func TestScriptBatchPositions(t *testing.T) {
	var batches [][]int
	sim.Script(t, func(s *sim.Sim) {
		s.Do("arrive 3", "batch 1,3", "batch {1}")
		batchInOrder(true, &batches)(s)
	})
	if want := [][]int{{1, 3}, {2}}; fmt.Sprint(batches) != fmt.Sprint(want) {
		t.Errorf("batches %v; want %v", batches, want)
	}
}
