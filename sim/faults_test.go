// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type faultSender struct{}
type faultReceiver struct{}

// TestFaultsWithoutNonDet: a flow with no NonDet operator has one schedule,
// but a crash may still strike anywhere in it: the receiver crashing after
// it took the items loses them, the sender crashing after they left sends
// its bounded source again when it restarts.
func TestFaultsWithoutNonDet(t *testing.T) {
	seen := map[string]bool{}
	n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		a := hydro.NewProcess[faultSender](f)
		b := hydro.NewProcess[faultReceiver](f)
		out := hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []int{1, 2, 3}), b))
		r := s.Local(f, sim.Crashes(1))
		s.RunAvailable(r)
		seen[fmt.Sprint(out.Drain(r))] = true
	})
	if n < 3 {
		t.Errorf("%d executions; want one per point the crash may strike, and more than 2", n)
	}
	for _, want := range []string{"[]", "[1 2 3]", "[1 2 3 1 2 3]"} {
		if !seen[want] {
			t.Errorf("no execution yielded %s; saw %v", want, slices.Sorted(maps.Keys(seen)))
		}
	}
	// Without faults there is nothing to choose: exactly one execution.
	if n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		a := hydro.NewProcess[faultSender](f)
		b := hydro.NewProcess[faultReceiver](f)
		hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []int{1, 2, 3}), b))
		s.RunAvailable(s.Local(f))
	}); n != 1 {
		t.Errorf("without faults: %d executions; want 1", n)
	}
}
