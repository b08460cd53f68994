// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type (
	voter  struct{}
	leader struct{}
)

// Threshold needs no NonDet: the count of votes only grows, so the leader
// is elected exactly once, with the bound, in every execution, however the
// votes are batched and delivered. Reading the same count through a
// Snapshot answers differently from run to run.
func TestThresholdFiresOnceInEveryExecution(t *testing.T) {
	build := func() (*hydro.Flow, *hydro.Input[int], *hydro.Output[int], *hydro.Output[int]) {
		f := hydro.NewFlow()
		voters := hydro.NewCluster[voter](f)
		lead := hydro.NewProcess[leader](f)
		in, ballots := hydro.NewInput[int](voters)
		tick := hydro.NewTick(voters)
		sent := hydro.AllTicks(hydro.Batch(ballots, tick, hydro.NonDet("a voter votes whenever")))
		votes := hydro.Count(hydro.Gather(sent, lead).Entries())
		elected := hydro.NewOutput(hydro.Threshold(votes, 2))
		at := hydro.NewTick(lead)
		seen := hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(votes, at, hydro.NonDet("the leader looks now and then")).IntoStream()))
		return f, in, elected, seen
	}
	counts := map[string]bool{}
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f, in, elected, seen := build()
		r := s.Local(f, hydro.SizeOf[voter](3))
		for m := range 3 {
			in.PushTo(r, m, m)
		}
		s.RunAvailable(r)
		sim.ExpectInOrder(s, "Threshold", elected.Drain(r), []int{2})
		var b strings.Builder
		for _, v := range seen.Drain(r) {
			b.WriteByte(byte('0' + v))
		}
		counts[b.String()] = true
	})
	if len(counts) < 2 {
		t.Errorf("the snapshots of the count read the same in every execution (%v); want them to differ, as Threshold's output does not", counts)
	}
}

// Threshold of a value not known to only grow does not compile: the error
// names the Threshold's line, and the operator that may make the value
// shrink with its line and why.
func TestThresholdRefusesValuesThatMayShrink(t *testing.T) {
	type proc struct{}
	for _, tc := range []struct {
		name string
		make func(p *hydro.Process[proc], xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]]
		why  string
	}{
		{"Fold without Monotone", func(p *hydro.Process[proc], xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]] {
			return hydro.Fold(xs, func() int { return 0 }, func(acc *int, x int) { *acc += x })
		}, "fold (sim/threshold_test.go:"},
		{"MapSingleton without OrderPreserving", func(p *hydro.Process[proc], xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]] {
			return hydro.MapSingleton(hydro.Count(xs), func(n int) int { return 10 - n })
		}, "its function is not claimed hydro.OrderPreserving"},
		{"a count at a tick", func(p *hydro.Process[proc], xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]] {
			tick := hydro.NewTick(p)
			return hydro.Latest(hydro.Count(hydro.Batch(xs, tick, hydro.NonDet("any batch"))))
		}, "latest (sim/threshold_test.go:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := hydro.NewFlow()
			p := hydro.NewProcess[proc](f)
			x := tc.make(p, hydro.SourceIter(p, []int{1, 2, 3}))
			line := nextLine()
			hydro.Threshold(x, 3)
			err := f.Compile()
			if !errors.Is(err, hydro.ErrInvalid) {
				t.Fatalf("Compile() = %v; want an error", err)
			}
			for _, want := range []string{line, "Threshold needs a value that only grows", tc.why, "hydro.Monotone"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Compile() = %v; want it to name %q", err, want)
				}
			}
		})
	}
	// The values it accepts: a count, a Fold claimed Monotone, and an
	// order-preserving map of either.
	f := hydro.NewFlow()
	p := hydro.NewProcess[proc](f)
	xs := hydro.SourceIter(p, []int{1, 2, 3})
	hydro.Threshold(hydro.Count(xs), 2)
	hydro.Threshold(hydro.Fold(xs, func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Monotone), 5)
	hydro.Threshold(hydro.MapSingleton(hydro.Count(xs), func(n int) int { return 2 * n }, hydro.OrderPreserving), 4)
	if err := f.Compile(); err != nil {
		t.Errorf("Compile() of thresholds on growing values = %v; want nil", err)
	}
}

// The simulator tests the growth claims: a sum claimed Monotone that meets
// a negative number, and a map claimed OrderPreserving that negates, each
// fail the run naming the operator whose claim is false.
func TestFalseGrowthClaimsFound(t *testing.T) {
	type proc struct{}
	for _, tc := range []struct {
		name, claim, op, says string
		build                 func(xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]]
	}{
		{"sum", "Monotone", "Fold", "-5 took its value from 5 down to 0", func(xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]] {
			return hydro.Fold(xs, func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Monotone)
		}},
		{"negate", "OrderPreserving", "MapSingleton", "while its result fell from", func(xs hydro.Stream[int, *hydro.Process[proc]]) hydro.Singleton[int, *hydro.Process[proc]] {
			return hydro.MapSingleton(hydro.Count(xs), func(n int) int { return -n }, hydro.OrderPreserving)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
				f := hydro.NewFlow()
				p := hydro.NewProcess[proc](f)
				in, xs := hydro.NewInput[int](p)
				tick := hydro.NewTick(p)
				ys := hydro.AllTicks(hydro.Batch(xs, tick, hydro.NonDet("one item a tick or more")))
				v := tc.build(ys)
				hydro.NewOutput(hydro.Threshold(v, -100))
				r := s.Local(f)
				in.Push(r, 2)
				s.RunAvailable(r)
				in.Push(r, 3)
				s.RunAvailable(r)
				in.Push(r, -5)
				s.RunAvailable(r)
			})
			if fail == nil || fail.Claim == nil {
				t.Fatalf("a false %s claim passed (failure %v); want a ClaimError", tc.claim, fail)
			}
			if c := fail.Claim; c.Claim != tc.claim || c.Op != tc.op || !strings.HasPrefix(c.Pos, "sim/threshold_test.go:") {
				t.Errorf("Claim = %+v; want %s claimed %s in sim/threshold_test.go", c, tc.op, tc.claim)
			}
			if !strings.Contains(fail.Message, tc.says) {
				t.Errorf("message %q lacks %q", fail.Message, tc.says)
			}
		})
	}
}
