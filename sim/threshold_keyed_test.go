// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type candidate struct{}

// ThresholdKeyed needs no NonDet: each key's count only grows, so every
// candidate that reaches the bound is elected exactly once, with the
// bound, in every execution, however the ballots are batched and
// delivered.
func TestThresholdKeyedFiresOncePerKeyInEveryExecution(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		voters := hydro.NewCluster[voter](f)
		lead := hydro.NewProcess[leader](f)
		in, ballots := hydro.NewInput[string](voters)
		tick := hydro.NewTick(voters)
		sent := hydro.AllTicks(hydro.Batch(ballots, tick, hydro.NonDet("a voter votes whenever")))
		byCandidate := hydro.IntoKeyed(hydro.Map(hydro.Gather(sent, lead).Entries(), func(kv hydro.KV[hydro.MemberID[voter], string]) hydro.KV[string, int] {
			return hydro.KV[string, int]{Key: kv.Val, Val: int(kv.Key)}
		}))
		votes := hydro.ValueCounts(byCandidate)
		elected := hydro.NewOutput(hydro.ThresholdKeyed(votes, 2).Entries())
		r := s.Local(f, hydro.SizeOf[voter](3))
		in.PushTo(r, 0, "ann")
		in.PushTo(r, 1, "ann")
		in.PushTo(r, 2, "bob")
		s.RunAvailable(r)
		sim.ExpectInOrder(s, "ThresholdKeyed", elected.Drain(r), []hydro.KV[string, int]{{Key: "ann", Val: 2}})
	})
}

// ThresholdKeyed of values not known to only grow does not compile, naming
// its line, the operator and why; ValueCounts, a FoldKeyed claimed
// Monotone and a count in an atomic region released from it are accepted.
func TestThresholdKeyedRefusesValuesThatMayShrink(t *testing.T) {
	type proc struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[proc](f)
	xs := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
	sum := hydro.FoldKeyed(xs, func() int { return 0 }, func(acc *int, x int) { *acc += x })
	line := nextLine()
	hydro.ThresholdKeyed(sum, 3)
	err := f.Compile()
	if !errors.Is(err, hydro.ErrInvalid) {
		t.Fatalf("Compile() = %v; want an error", err)
	}
	for _, want := range []string{line, "ThresholdKeyed needs a value that only grows", "fold_keyed (sim/threshold_keyed_test.go:", "hydro.ValueCounts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compile() = %v; want it to name %q", err, want)
		}
	}

	f = hydro.NewFlow()
	p = hydro.NewProcess[proc](f)
	xs = hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
	hydro.ThresholdKeyed(hydro.ValueCounts(xs), 2)
	hydro.ThresholdKeyed(hydro.FoldKeyed(xs, func() int { return 0 }, func(acc *int, x int) { *acc = max(*acc, x) }, hydro.Monotone), 5)
	hydro.ThresholdKeyed(hydro.ReduceKeyed(xs, func(acc *int, x int) { *acc = max(*acc, x) }, hydro.Monotone), 5)
	region := hydro.BeginAtomic(hydro.SourceIter(p, []int{1}), hydro.NewTick(p))
	hydro.Threshold(hydro.EndAtomicSingleton(hydro.Count(region)), 1)
	if err := f.Compile(); err != nil {
		t.Errorf("Compile() of thresholds on growing values = %v; want nil", err)
	}
}

// The simulator tests a keyed Monotone claim per key: a keyed sum that
// meets a negative value fails the run, naming the FoldKeyed.
func TestFalseKeyedMonotoneClaimFound(t *testing.T) {
	var pos string
	_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[candidate](f)
		in, xs := hydro.NewInput[hydro.KV[string, int]](p)
		pos = nextLine()
		sum := hydro.FoldKeyed(hydro.IntoKeyed(xs), func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Monotone)
		hydro.NewOutput(hydro.ThresholdKeyed(sum, 100).Entries())
		r := s.Local(f)
		in.Push(r, hydro.KV[string, int]{Key: "a", Val: 5}, hydro.KV[string, int]{Key: "b", Val: 1}, hydro.KV[string, int]{Key: "a", Val: -5})
		s.RunAvailable(r)
	})
	if fail == nil || fail.Claim == nil {
		t.Fatalf("a keyed sum claimed Monotone that meets -5 passed (failure %v); want a ClaimError", fail)
	}
	if c := fail.Claim; c.Claim != "Monotone" || c.Op != "FoldKeyed" || c.Pos != pos {
		t.Errorf("Claim = %+v; want FoldKeyed at %s claimed Monotone", c, pos)
	}
	if !strings.Contains(fail.Message, "-5 took its value from 5 down to 0") {
		t.Errorf("message %q does not say which item made the value fall", fail.Message)
	}
}
