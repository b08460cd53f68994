// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

type reportServer struct{}

// TestBrokenFlowIsNotAFailedExecution: a flow that does not compile is
// reported as the flow's error, with no seed or choices to replay.
func TestBrokenFlowIsNotAFailedExecution(t *testing.T) {
	scenario := func(s *Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[reportServer](f)
		_, items := hydro.NewInput[int](p)
		hydro.Scan(hydro.FlatMapUnordered(items, func(v int) []int { return []int{v} }), func() int { return 0 }, func(a *int, v int) int { return *a })
		s.Local(f)
		s.Fatalf("unreachable: the flow does not compile")
	}
	for name, f := range map[string]*Failure{
		"Search":    second(Search([]uint64{1, 2}, scenario)),
		"Replay":    Replay(nil, scenario),
		"Enumerate": func() *Failure { _, f, _ := Enumerate(10, scenario); return f }(),
	} {
		if f == nil || f.Flow == nil {
			t.Errorf("%s: %+v; want a Failure with Flow set", name, f)
			continue
		}
		if !strings.Contains(f.Flow.Error(), "Scan needs a totally ordered stream") || f.Seed != 0 || f.Choices != nil {
			t.Errorf("%s: Flow %v, seed %d, choices %v; want the compile error alone", name, f.Flow, f.Seed, f.Choices)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }

// TestBoundNamesTheBranchingPoints: when a search is cut short, the choice
// points that made it large are named, the most branching first.
func TestBoundNamesTheBranchingPoints(t *testing.T) {
	st, f, complete := enumerate(50, func(s *Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[reportServer](f)
		in, items := hydro.NewInput[int](p)
		tick := hydro.NewTick(p)
		out := hydro.NewOutput(hydro.AllTicks(hydro.Batch(items, tick, hydro.NonDet("any split will do"))))
		r := s.Local(f)
		in.Push(r, 1, 2, 3, 4, 5, 6)
		s.RunAvailable(r)
		out.Drain(r)
	})
	if f != nil || complete {
		t.Fatalf("enumerate = %v, complete %v; want cut short", f, complete)
	}
	top := st.top(3)
	if !strings.Contains(top, "batch at sim/report_test.go:") || !strings.Contains(top, "(NonDet: any split will do)") || !strings.Contains(top, "branched") {
		t.Errorf("top = %q; want the batch named with its NonDet reason", top)
	}
}

// TestAssumeDiscards: executions that break a precondition neither pass
// nor fail, and are counted.
func TestAssumeDiscards(t *testing.T) {
	st, f, complete := enumerate(1000, func(s *Sim) {
		a := s.Choose(4, "first")
		s.Assume(a != 2)
		s.Assert(a != 2, "unreachable")
	})
	if f != nil || !complete || st.ran != 4 || st.discarded != 1 {
		t.Errorf("enumerate: %d ran, %d discarded, failure %v, complete %v; want 4, 1, nil, true", st.ran, st.discarded, f, complete)
	}
}
