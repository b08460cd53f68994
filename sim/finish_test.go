// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type finishLeader struct{}
type finishWorker struct{}

// TestFinish explores every execution of a finite flow that spreads words
// over two workers and gathers their lengths: each ends, by Finish, with
// every length at the leader and nothing left to do.
func TestFinish(t *testing.T) {
	n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		leader := hydro.NewProcess[finishLeader](f)
		workers := hydro.NewCluster[finishWorker](f)
		spread := hydro.RoundRobin(hydro.SourceIter(leader, []string{"a", "bb", "ccc"}), workers, hydro.NonDet("any worker"))
		out := hydro.NewOutput(hydro.Gather(hydro.Map(spread, func(w string) int { return len(w) }), leader).Values())
		f.Finite()
		r := s.Local(f, hydro.SizeOf[finishWorker](2))
		s.Finish(r)
		s.Assert(r.Done(), "Finish returned before the flow was done")
		got := out.Drain(r)
		slices.Sort(got)
		s.Assert(slices.Equal(got, []int{1, 2, 3}), "the leader got %v; want [1 2 3]", got)
		s.Assert(!r.Step(), "a step is possible after Finish")
	})
	if n < 2 {
		t.Errorf("Exhaustive explored %d executions; want several (delivery orders)", n)
	}
}

// TestFinishNotFinite checks that Finish fails the execution of a flow that
// is not finite, saying so.
func TestFinishNotFinite(t *testing.T) {
	_, fail, _ := sim.Enumerate(10, func(s *sim.Sim) {
		f := hydro.NewFlow()
		hydro.NewOutput(hydro.SourceIter(hydro.NewProcess[finishLeader](f), []int{1}))
		s.Finish(s.Local(f))
	})
	if fail == nil || !strings.Contains(fail.Message, "not finite") {
		t.Errorf("Enumerate() failure = %+v; want one saying the flow is not finite", fail)
	}
}
