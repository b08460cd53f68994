// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type claimer struct{}

// nextLine is the line after the caller's, where a test makes the
// operator whose position a failure must name.
func nextLine() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("sim/%s:%d", file[strings.LastIndex(file, "/")+1:], line+1)
}

// A last-writer-wins ReduceKeyed claimed Commutative is the claim the
// issue's hint invited: the Sim applies the function in the other order to
// the values it saw and fails the run, naming the operator's line, both
// values and both results. Before, every execution passed.
func TestFalseCommutativeClaimFound(t *testing.T) {
	var pos string
	n, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[hydro.KV[string, int]](p)
		pos = nextLine()
		last := hydro.ReduceKeyed(hydro.IntoKeyed(hydro.WeakenOrder(xs)), func(acc *int, v int) { *acc = v }, hydro.Commutative)
		tick := hydro.NewTick(p)
		out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotKeyed(last, tick, hydro.NonDet("the test reads the end")).Entries()))
		r := s.Local(f, sim.WholeArrivals())
		in.Push(r, hydro.KV[string, int]{Key: "k", Val: 1}, hydro.KV[string, int]{Key: "k", Val: 2})
		s.RunAvailable(r)
		out.Drain(r)
	})
	if fail == nil {
		t.Fatalf("%d executions of a last-writer-wins ReduceKeyed claimed Commutative passed; want a ClaimError", n)
	}
	c := fail.Claim
	if c == nil {
		t.Fatalf("failure without a Claim: %s", fail.Report)
	}
	if c.Op != "ReduceKeyed" || c.Pos != pos || c.Claim != "Commutative" {
		t.Errorf("Claim = %s at %s (%s); want ReduceKeyed at %s (Commutative)", c.Op, c.Pos, c.Claim, pos)
	}
	if !slices.Equal(c.Items, []string{"1", "2"}) || c.Got != [2]string{"2", "1"} {
		t.Errorf("Claim items %v gave %v; want [1 2] giving [2 1]", c.Items, c.Got)
	}
	for _, want := range []string{pos, "claimed Commutative", "1 then 2 gives 2; 2 then 1 gives 1"} {
		if !strings.Contains(fail.Message, want) {
			t.Errorf("message %q lacks %q", fail.Message, want)
		}
	}
}

// A count claimed Idempotent on an at-least-once stream is false: applying
// an item twice counts it twice.
func TestFalseIdempotentClaimFound(t *testing.T) {
	var pos string
	_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[int](p)
		pos = nextLine()
		n := hydro.Fold(hydro.WeakenRetries(xs), func() int { return 0 }, func(acc *int, _ int) { *acc++ }, hydro.Idempotent)
		tick := hydro.NewTick(p)
		hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(n, tick, hydro.NonDet("the test reads the end")).IntoStream()))
		r := s.Local(f)
		in.Push(r, 7)
		s.RunAvailable(r)
	})
	if fail == nil || fail.Claim == nil {
		t.Fatalf("a count claimed Idempotent passed (failure %v); want a ClaimError", fail)
	}
	c := fail.Claim
	if c.Op != "Fold" || c.Pos != pos || c.Claim != "Idempotent" || !slices.Equal(c.Items, []string{"7"}) || c.Got != [2]string{"1", "2"} {
		t.Errorf("Claim = %+v; want Fold at %s, Idempotent, item 7 giving 1 once and 2 twice", c, pos)
	}
	if !strings.Contains(fail.Message, "applying 7 twice gives 2 where once gives 1") {
		t.Errorf("message %q does not say what applying twice did", fail.Message)
	}
}

// True claims pass: a sum (Commutative), a maximum (both), a union of sets
// held in maps (both, on values that share memory with the state: the
// checks work on copies and leave the results alone), and a fold of a
// struct with an unexported field.
func TestTrueClaimsPass(t *testing.T) {
	type tally struct {
		Sum   int
		count int
	}
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[int](p)
		un := hydro.WeakenRetries(hydro.WeakenOrder(xs))
		sum := hydro.Fold(hydro.WeakenOrder(xs), func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Commutative)
		top := hydro.Reduce(un, func(acc *int, x int) { *acc = max(*acc, x) }, hydro.Commutative, hydro.Idempotent)
		sets := hydro.Map(un, func(x int) map[int]bool { return map[int]bool{x % 3: true} })
		union := hydro.Reduce(sets, func(acc *map[int]bool, m map[int]bool) { maps.Copy(*acc, m) }, hydro.Commutative, hydro.Idempotent)
		tl := hydro.Fold(hydro.WeakenOrder(xs), func() tally { return tally{} }, func(acc *tally, x int) {
			acc.Sum += x
			acc.count++
		}, hydro.Commutative)
		tick := hydro.NewTick(p)
		nd := hydro.NonDet("the test reads the end")
		outSum := hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(sum, tick, nd).IntoStream()))
		outTop := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(top, tick, nd).IntoStream()))
		outUnion := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(union, tick, nd).IntoStream()))
		outTally := hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(tl, tick, nd).IntoStream()))
		r := s.Local(f)
		in.Push(r, 4, 9, 5)
		s.RunAvailable(r)
		lastOf := func(name string, got []string, want string) {
			s.Assert(len(got) > 0 && got[len(got)-1] == want, "%s = %v; want %s at the end", name, got, want)
		}
		lastOf("sum", strs(outSum.Drain(r)), "18")
		lastOf("max", strs(outTop.Drain(r)), "9")
		lastOf("union", strs(outUnion.Drain(r)), "map[0:true 1:true 2:true]")
		lastOf("tally", strs(outTally.Drain(r)), "{Sum:18 count:3}")
	})
}

func strs[T any](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%+v", x)
	}
	return out
}

// Outside the simulator nothing is checked: a Local runs the function as
// the flow says, once per item.
func TestClaimsNotCheckedByLocal(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[claimer](f)
	calls := 0
	xs := hydro.SourceIter(p, []int{1, 2, 3})
	last := hydro.Reduce(hydro.WeakenOrder(xs), func(acc *int, v int) { calls++; *acc = v }, hydro.Commutative)
	tick := hydro.NewTick(p)
	out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(last, tick, hydro.NonDet("the test reads the end")).IntoStream()))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := out.Drain(r); len(got) == 0 || got[len(got)-1] != 3 || calls != 2 {
		t.Errorf("Local ran a last-writer-wins Reduce to %v with %d calls; want 3 with 2 calls", got, calls)
	}
}

// A tick's aggregation is checked on the items of one tick: a
// last-writer-wins ReduceKeyed at a tick that sees one value per key per
// tick is never asked to put the values of two ticks in order. (The check
// once remembered the last value of each key across ticks, and refused
// std/twopc's merge of carried entries, of which a tick holds one per key.)
func TestTickClaimsCheckedWithinATick(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[hydro.KV[string, int]](p)
		tick := hydro.NewTick(p)
		batch := hydro.Batch(hydro.WeakenOrder(xs), tick, hydro.NonDet("one value per key per tick, whatever the tick"))
		last := hydro.ReduceKeyed(hydro.IntoKeyed(batch), func(acc *int, v int) { *acc = v }, hydro.Commutative)
		out := hydro.NewOutput(hydro.AllTicks(last.Entries()))
		r := s.Local(f)
		in.Push(r, hydro.KV[string, int]{Key: "k", Val: 1})
		s.RunAvailable(r)
		in.Push(r, hydro.KV[string, int]{Key: "k", Val: 2})
		s.RunAvailable(r)
		sim.ExpectInOrder(s, "ReduceKeyed", out.Drain(r), []hydro.KV[string, int]{{Key: "k", Val: 1}, {Key: "k", Val: 2}})
	})
}

// firstTwo sums its first two items and keeps the last of the others: any
// two items commute from a fresh accumulator, so the check that only swapped
// an item with the one before it, from a fresh accumulator, passed it; with
// three items the order shows. The Sim puts each window of items in every
// order from the state before it, and finds it.
type firstTwo struct{ N, Sum, Last int }

func addFirstTwo(acc *firstTwo, x int) {
	if acc.N < 2 {
		acc.Sum += x
	} else {
		acc.Last = x
	}
	acc.N++
}

func TestCommutativeCheckedBeyondPairs(t *testing.T) {
	var pos string
	_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[int](p)
		pos = nextLine()
		acc := hydro.Fold(hydro.WeakenOrder(xs), func() firstTwo { return firstTwo{} }, addFirstTwo, hydro.Commutative)
		tick := hydro.NewTick(p)
		hydro.NewOutput(hydro.AllTicks(hydro.Snapshot(acc, tick, hydro.NonDet("the test reads the end")).IntoStream()))
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		s.RunAvailable(r)
	})
	if fail == nil || fail.Claim == nil {
		t.Fatalf("a fold commutative for two items only passed (failure %v); want a ClaimError", fail)
	}
	c := fail.Claim
	if c.Op != "Fold" || c.Pos != pos || c.Claim != "Commutative" || c.From != "" {
		t.Errorf("Claim = %+v; want Fold at %s, Commutative, from a fresh accumulator", c, pos)
	}
	if !slices.Equal(c.Items, []string{"1", "2", "3"}) || slices.Equal(c.Other, c.Items) || len(c.Other) != 3 || c.Got[0] == c.Got[1] {
		t.Errorf("Claim items %v, other order %v, gave %v; want 1 2 3 and another order giving another result", c.Items, c.Other, c.Got)
	}
	if !strings.Contains(fail.Message, "1 then 2 then 3 gives {N:3 Sum:3 Last:3}") {
		t.Errorf("message %q does not show the order seen and its result", fail.Message)
	}
}

// laterOnly commutes from a fresh accumulator, whatever the number of
// items, but not from the state a fifth item meets: from then on it keeps
// the last item. The windows overlap and start from the state reached, so
// the check meets that state.
func TestCommutativeCheckedFromStatesReached(t *testing.T) {
	_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[claimer](f)
		in, xs := hydro.NewInput[hydro.KV[string, int]](p)
		acc := hydro.FoldKeyed(hydro.IntoKeyed(hydro.WeakenOrder(xs)), func() firstTwo { return firstTwo{} }, func(acc *firstTwo, x int) {
			if acc.N < 4 {
				acc.Sum += x
			} else {
				acc.Last = x
			}
			acc.N++
		}, hydro.Commutative)
		tick := hydro.NewTick(p)
		hydro.NewOutput(hydro.AllTicks(hydro.SnapshotKeyed(acc, tick, hydro.NonDet("the test reads the end")).Entries()))
		r := s.Local(f)
		for i := range 6 {
			in.Push(r, hydro.KV[string, int]{Key: "k", Val: i})
		}
		s.RunAvailable(r)
	})
	if fail == nil || fail.Claim == nil {
		t.Fatalf("a keyed fold that stops commuting after four items passed (failure %v); want a ClaimError", fail)
	}
	if c := fail.Claim; c.Op != "FoldKeyed" || c.Claim != "Commutative" || c.From == "" {
		t.Errorf("Claim = %+v; want FoldKeyed, Commutative, from an accumulator reached", c)
	}
	if !strings.Contains(fail.Message, "from {N:") {
		t.Errorf("message %q does not name the accumulator the items met", fail.Message)
	}
}
