// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type orderNode struct{}

// mergedFirst: two inputs merged and assumed ordered; the check says the
// first input's item always comes first, which the merge does not promise.
// Deployed, it comes first whenever its producer runs first: the bug shows
// only under another timing, and only the order AssumeOrdered is given
// exposes it.
func mergedFirst(check func(s *sim.Sim, got []string)) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[orderNode](f)
		aIn, a := hydro.NewInput[string](p)
		bIn, b := hydro.NewInput[string](p)
		out := hydro.NewOutput(hydro.AssumeOrdered(hydro.Merge(a, b), hydro.NonDet("requests are served as they come")))
		r := s.Local(f)
		aIn.Push(r, "a")
		bIn.Push(r, "b")
		s.RunAvailable(r)
		check(s, out.Drain(r))
	}
}

// TestAssumeOrderedChoosesOrder: the Sim chooses the order in which
// AssumeOrdered sees each tick's items, so a program that relies on the
// order of a merge is caught, and the trace names the choice.
func TestAssumeOrderedChoosesOrder(t *testing.T) {
	seen := map[string]bool{}
	n, fail, complete := sim.Enumerate(1000, mergedFirst(func(s *sim.Sim, got []string) { seen[strings.Join(got, "")] = true }))
	if fail != nil || !complete {
		t.Fatalf("failure %v, complete %v", fail, complete)
	}
	if !seen["ab"] || !seen["ba"] || len(seen) != 2 {
		t.Errorf("orders seen %v in %d executions; want ab and ba", seen, n)
	}
	_, fail, _ = sim.Enumerate(1000, mergedFirst(func(s *sim.Sim, got []string) {
		s.Assert(slices.Equal(got, []string{"a", "b"}), "got %v", got)
	}))
	if fail == nil {
		t.Fatal("no execution in which b comes before a")
	}
	if !strings.Contains(fail.Report, "order at sim/order_test.go:") || !strings.Contains(fail.Report, "NonDet: requests are served as they come") {
		t.Errorf("the report does not name the order chosen and its NonDet reason:\n%s", fail.Report)
	}
}

// TestAssumeOrderedScript: a script chooses the order with "choose K": the
// K-th of the items left comes next.
func TestAssumeOrderedScript(t *testing.T) {
	sim.Script(t, func(s *sim.Sim) {
		s.Do("choose 1") // of a and b, b comes first
		mergedFirst(func(s *sim.Sim, got []string) {
			s.Assert(slices.Equal(got, []string{"b", "a"}), "got %v; want [b a]", got)
		})(s)
	})
}
