// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

func sprint[T any](v T) string { return fmt.Sprint(v) }

func TestOptionalOperators(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	seven := hydro.SingletonOf(p, 7)
	none := hydro.None[string](p)
	outs := []*hydro.Output[string]{
		hydro.NewOutput(none.IntoStream()),
		hydro.NewOutput(hydro.Map(hydro.ZipSingletonOptional(seven, hydro.IntoOptional(hydro.SingletonOf(p, "x"))).IntoStream(), sprint)),
		hydro.NewOutput(hydro.Map(hydro.ZipSingletonOptional(seven, none).IntoStream(), sprint)),
		hydro.NewOutput(hydro.Map(hydro.IntoSingleton(hydro.IntoOptional(seven)).IntoStream(), sprint)),
		hydro.NewOutput(hydro.Map(hydro.IntoSingleton(none).IntoStream(), sprint)),
	}
	want := [][]string{nil, {"(7, x)"}, nil, {"{7 true}"}, {"{ false}"}}
	r := hydro.MustLocal(f)
	r.RunTick()
	for i, o := range outs {
		if got := o.Drain(r); !slices.Equal(got, want[i]) {
			t.Errorf("output %d = %v; want %v", i, got, want[i])
		}
	}
}

// tickRun builds a flow with a tick whose ticks an input drives, and
// returns what build's tick stream holds in each of n ticks.
func tickRun[T any](t *testing.T, n int, build func(tick *hydro.Tick[kvProc], batch hydro.Stream[int, *hydro.Tick[kvProc]]) hydro.Stream[T, *hydro.Tick[kvProc]]) [][]T {
	t.Helper()
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[int](p)
	tick := hydro.NewTick(p)
	out := hydro.NewOutput(hydro.AllTicks(build(tick, hydro.Batch(s, tick, "test"))))
	r := hydro.MustLocal(f)
	got := make([][]T, n)
	for i := range n {
		in.Push(r, i+1)
		r.RunTick()
		got[i] = out.Drain(r)
	}
	return got
}

func TestTickOptionalOperators(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  [][]int
		want string
	}{
		{"OptionalFirstTick", tickRun(t, 3, func(tick *hydro.Tick[kvProc], _ hydro.Stream[int, *hydro.Tick[kvProc]]) hydro.Stream[int, *hydro.Tick[kvProc]] {
			return hydro.OptionalFirstTick(tick, 5).UnwrapOr(123).IntoStream()
		}), "[[5] [123] [123]]"},
		{"DeferTickSingleton", tickRun(t, 3, func(_ *hydro.Tick[kvProc], b hydro.Stream[int, *hydro.Tick[kvProc]]) hydro.Stream[int, *hydro.Tick[kvProc]] {
			return hydro.DeferTickSingleton(hydro.Count(b)).IntoStream()
		}), "[[] [1] [1]]"},
		{"DeferTickOptional", tickRun(t, 3, func(_ *hydro.Tick[kvProc], b hydro.Stream[int, *hydro.Tick[kvProc]]) hydro.Stream[int, *hydro.Tick[kvProc]] {
			return hydro.DeferTickOptional(hydro.Max(b.Filter(func(x int) bool { return x != 2 }))).IntoStream()
		}), "[[] [1] []]"},
		{"Persist", tickRun(t, 3, func(_ *hydro.Tick[kvProc], b hydro.Stream[int, *hydro.Tick[kvProc]]) hydro.Stream[int, *hydro.Tick[kvProc]] {
			return hydro.Persist(b)
		}), "[[1] [1 2] [1 2 3]]"},
	} {
		if got := fmt.Sprint(tc.got); got != tc.want {
			t.Errorf("%s per tick = %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestLatestOptional(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[int](p)
	tick := hydro.NewTick(p)
	evens := hydro.Max(hydro.Batch(s, tick, "test").Filter(func(x int) bool { return x%2 == 0 }))
	latest := hydro.LatestOptional(evens)
	out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(latest, tick, "test").IntoStream()))
	r := hydro.MustLocal(f)
	var got [][]int
	for _, x := range []int{1, 2, 3, 4} {
		in.Push(r, x)
		r.RunTick()
		got = append(got, out.Drain(r))
	}
	// The tick with no even number keeps the value of the tick before.
	if want := "[[] [2] [2] [4]]"; fmt.Sprint(got) != want {
		t.Errorf("LatestOptional snapshots per tick = %v; want %s", got, want)
	}
}

func TestMergeOrdered(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	a := hydro.SourceIter(p, []int{1, 2, 3})
	b := hydro.SourceIter(p, []int{10, 20})
	merged := hydro.MergeOrdered(a, b, "test")
	// The result is ordered: an order-sensitive operator accepts it.
	out := hydro.NewOutput(hydro.Enumerate(merged))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	var fromA, fromB []int
	for i, e := range out.Drain(r) {
		if e.Key != i {
			t.Errorf("item %d has index %d", i, e.Key)
		}
		if e.Val < 10 {
			fromA = append(fromA, e.Val)
		} else {
			fromB = append(fromB, e.Val)
		}
	}
	if !slices.Equal(fromA, []int{1, 2, 3}) || !slices.Equal(fromB, []int{10, 20}) {
		t.Errorf("MergeOrdered kept %v and %v; want [1 2 3] and [10 20] in order", fromA, fromB)
	}
}
