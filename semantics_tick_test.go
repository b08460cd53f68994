// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Ticks and cycles. Batch and Snapshot lead into a tick, AllTicks and Latest
// lead back out. DeferTick and TickCycle carry data to the next tick;
// ForwardRef closes a cycle, within the tick at a tick (a fixpoint) and
// asynchronously at a location's top level. Singleton and optional
// operators work on the value of each tick.

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

func TestBatchAllTicks(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3)}
	got := inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] { return s }, in...)
	want(t, "AllTicks(Batch)", in, got, in)
}

func TestDeferTick(t *testing.T) {
	in := [][]int{ints(1, 2), ints(3), ints(), ints()}
	got := inTick(t, hydro.DeferTick[int, proc], in...)
	want(t, "DeferTick", in, got, [][]int{nil, ints(1, 2), ints(3), nil})

	// The batch and the one before it, side by side.
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Chain(hydro.DeferTick(s), hydro.Map(s, times(10)))
	}, in...)
	want(t, "Chain(DeferTick(batch), batch*10)", in, got, [][]int{ints(10, 20), ints(1, 2, 30), ints(3), nil})
}

// TestDeferTickWaits: deferred items wait for the next tick without asking
// for one (Hydro lowers defer_tick to DFIR's defer_tick_lazy), so
// RunAvailable stops with them held, and the next tick, whatever causes it,
// emits them.
func TestDeferTickWaits(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	in, s := hydro.NewInput[int](p)
	tk := hydro.NewTick(p)
	out := hydro.NewOutput(hydro.AllTicks(hydro.DeferTick(hydro.Batch(s, tk, nd))))
	r := local(t, f)

	in.Push(r, 1, 2)
	if n := r.RunAvailable(); n != 1 {
		t.Errorf("RunAvailable() with DeferTick holding items ran %d ticks; want 1", n)
	}
	if g := out.Drain(r); len(g) != 0 {
		t.Errorf("DeferTick emitted %v in the tick of its input; want nothing", g)
	}
	r.RunTick()
	if g, w := out.Drain(r), ints(1, 2); !slices.Equal(g, w) {
		t.Errorf("DeferTick in the next tick = %v; want %v", g, w)
	}
}

// TestSnapshot: every tick sees the value of a top-level singleton as of that
// tick, including the tick's own input, and sees it even when nothing new
// arrived.
func TestSnapshot(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3)}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return watch(hydro.Fold(s, zero, sum))
	}, in...)
	want(t, "Snapshot(Fold(+))", in, got, [][]int{ints(3), ints(3), ints(6)})

	// A SingletonOf is the same in every tick, at the top level and in a
	// tick alike.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return watch(hydro.SingletonOf(s.Location(), 7))
	}, in...)
	want(t, "Snapshot(SingletonOf(7))", in, got, [][]int{ints(7), ints(7), ints(7)})
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.SingletonOf(s.Location(), 7).IntoStream()
	}, in...)
	want(t, "SingletonOf(tick, 7)", in, got, [][]int{ints(7), ints(7), ints(7)})
}

// TestSingletonFanOut reads one singleton through two operators, one of
// which rewrites its value: the other, and later ticks, still see the
// original.
func TestSingletonFanOut(t *testing.T) {
	in := [][]int{ints(), ints(), ints()}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[hydro.Pair[int, int], proc] {
		seven := hydro.SingletonOf(s.Location(), 7)
		return watch(hydro.Zip(hydro.MapSingleton(seven, times(10)), seven))
	}, in...)
	want(t, "Zip(MapSingleton(x, x*10), x) of SingletonOf(7)", in, got, [][]hydro.Pair[int, int]{
		{pair(70, 7)}, {pair(70, 7)}, {pair(70, 7)},
	})
}

// TestLatest takes a tick's count of its batch out of the tick and reads it
// back through a second tick of the same process.
func TestLatest(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3)}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		tk := hydro.NewTick(s.Location())
		perTick := hydro.Count(hydro.Batch(s, tk, nd))
		return watch(hydro.Latest(perTick))
	}, in...)
	want(t, "Latest(Count(batch))", in, got, [][]int{ints(2), ints(0), ints(1)})
}

// TestForwardRefTopLevel: at a location's top level a forward reference is
// asynchronous; what completes it in one tick arrives in a later one.
func TestForwardRefTopLevel(t *testing.T) {
	in := [][]int{ints(1), ints(), ints(2), ints()}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		fw, echo := hydro.ForwardRef[int](s.Location())
		fw.Complete(hydro.Map(s, times(10)))
		return echo
	}, in...)
	want(t, "ForwardRef completed with input*10", in, got, [][]int{nil, ints(10), nil, ints(20)})

	// A countdown: every item comes back one less, one tick later, until 0.
	ins := [][]int{ints(3), ints(), ints(), ints(), ints()}
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		fw, back := hydro.ForwardRef[int](s.Location(), hydro.Unordered)
		all := hydro.Merge(s, back)
		fw.Complete(hydro.FilterMap(all, func(x int) (int, bool) { return x - 1, x > 0 }))
		return all
	}, ins...)
	wantUnordered(t, "countdown through a top-level ForwardRef", ins, got, [][]int{ints(3), ints(2), ints(1), ints(0), nil})

	// Items on their way through a top-level ForwardRef ask for the ticks
	// that deliver them: RunAvailable runs the countdown to its end.
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	in3, s := hydro.NewInput[int](p)
	fw, back := hydro.ForwardRef[int](p, hydro.Unordered)
	all := hydro.Merge(s, back)
	fw.Complete(hydro.FilterMap(all, func(x int) (int, bool) { return x - 1, x > 0 }))
	out := hydro.NewOutput(all)
	r := local(t, f)
	in3.Push(r, 3)
	if n := r.RunAvailable(); n != 4 {
		t.Errorf("RunAvailable() on a countdown from 3 ran %d ticks; want 4", n)
	}
	if g, w := out.Drain(r), ints(3, 2, 1, 0); !slices.Equal(g, w) {
		t.Errorf("countdown through a top-level ForwardRef with RunAvailable = %v; want %v", g, w)
	}
}

// TestForwardRefInTick computes reachability within each tick: the cycle
// through ForwardRef runs to a fixpoint before the tick ends, and the tick's
// state is gone in the next tick.
func TestForwardRefInTick(t *testing.T) {
	type edge = hydro.KV[int, int]
	in := []two[int, edge]{
		{a: ints(1), b: []edge{kv(1, 2), kv(2, 3), kv(3, 1), kv(4, 5)}},
		{a: ints(4)}, // no edges this tick: last tick's are forgotten
		{a: ints(4), b: []edge{kv(4, 5), kv(5, 6)}},
	}
	got := inTick2(t, reachable, in...)
	wantUnordered(t, "reachable", in, got, [][]int{ints(1, 2, 3), ints(4), ints(4, 5, 6)})
}

// reachable is the vertices reachable from roots over edges, in one tick.
func reachable[L hydro.Location](roots hydro.Stream[int, *hydro.Tick[L]], edges hydro.Stream[hydro.KV[int, int], *hydro.Tick[L]]) hydro.Stream[int, *hydro.Tick[L]] {
	fw, reached := hydro.ForwardRef[int](roots.Location(), hydro.Unordered)
	visit := hydro.Map(reached, func(v int) hydro.KV[int, struct{}] { return hydro.KV[int, struct{}]{Key: v} })
	next := hydro.Join(hydro.IntoKeyed(visit), hydro.IntoKeyed(edges)).Values()
	all := hydro.Unique(hydro.Merge(roots, hydro.Map(next, func(p hydro.Pair[struct{}, int]) int { return p.Right })))
	fw.Complete(all)
	return all
}

// TestTickCycleCounter carries a running total from tick to tick.
func TestTickCycleCounter(t *testing.T) {
	in := [][]int{ints(1, 1), ints(), ints(1), ints(1, 1, 1)}
	got := inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		fw, prev := hydro.TickCycle[int](s.Location())
		total := hydro.Fold(hydro.Merge(prev, s), zero, sum, hydro.Commutative)
		fw.Complete(total.IntoStream())
		return total.IntoStream()
	}, in...)
	want(t, "TickCycle counter", in, got, [][]int{ints(2), ints(2), ints(3), ints(6)})
}

// TestTickCycleWithInitial keeps the counter as a tick singleton: the
// initial value in the first tick, then the previous tick's total. A
// singleton has no order or duplicates to lose, so completing the cycle with
// any singleton (here one made by Zip) must be accepted.
func TestTickCycleWithInitial(t *testing.T) {
	in := [][]int{ints(1, 1), ints(), ints(1), ints(1, 1, 1)}
	w := [][]int{ints(102), ints(102), ints(103), ints(106)}
	got := inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		cycle, prev := hydro.TickCycleWithInitial(s.Location(), 100)
		total := hydro.Fold(hydro.Merge(prev.IntoStream(), s), zero, sum, hydro.Commutative)
		cycle.Complete(total)
		return total.IntoStream()
	}, in...)
	want(t, "TickCycleWithInitial(100) completed with Fold", in, got, w)

	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		cycle, prev := hydro.TickCycleWithInitial(s.Location(), 100)
		total := hydro.MapSingleton(hydro.Zip(prev, hydro.Count(s)), func(p hydro.Pair[int, int]) int { return p.Left + p.Right })
		cycle.Complete(total)
		return total.IntoStream()
	}, in...)
	want(t, "TickCycleWithInitial(100) completed with MapSingleton(Zip)", in, got, w)
}

// TestTickCycleIdle: state in a TickCycle waits for the next tick without
// asking for one, as Hydro's defer_tick_lazy does; otherwise a flow that
// carries a counter would never be idle and RunAvailable would not return.
func TestTickCycleIdle(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	in, s := hydro.NewInput[int](p)
	tk := hydro.NewTick(p)
	fw, prev := hydro.TickCycle[int](tk)
	total := hydro.Fold(hydro.Merge(prev, hydro.Batch(s, tk, nd)), zero, sum, hydro.Commutative)
	fw.Complete(total.IntoStream())
	out := hydro.NewOutput(hydro.AllTicks(total.IntoStream()))
	r := local(t, f)

	in.Push(r, 5)
	r.RunTick()
	for _, g := range r.Graphs() {
		if g.Pending() {
			t.Fatalf("after a tick that completed a TickCycle, Pending() = true; want false (the carried state must not ask for a tick)")
		}
	}
	in.Push(r, 1)
	if n := r.RunAvailable(); n != 1 {
		t.Errorf("RunAvailable() after one push ran %d ticks; want 1", n)
	}
	if g, w := out.Drain(r), ints(5, 6); !slices.Equal(g, w) {
		t.Errorf("TickCycle counter = %v; want %v", g, w)
	}
}

// TestSingletonOps applies the singleton and optional operators to values
// computed from each tick's batch: c is the batch's count, m and lo its
// maximum and minimum (empty for an empty batch).
func TestSingletonOps(t *testing.T) {
	in := [][]int{ints(3, 1), ints(), ints(5, 4)}
	type ops = func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick]
	tests := []struct {
		op    string
		build ops
		want  [][]string
	}{
		{"MapSingleton(c, x*10)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(hydro.MapSingleton(c, times(10)).IntoStream())
		}, [][]string{strs("20"), strs("0"), strs("20")}},
		{"MapOptional(m, x+100)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(hydro.MapOptional(m, func(x int) int { return x + 100 }).IntoStream())
		}, [][]string{strs("103"), nil, strs("105")}},
		{"c.Filter(> 0)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(c.Filter(func(x int) bool { return x > 0 }).IntoStream())
		}, [][]string{strs("2"), nil, strs("2")}},
		{"m.Filter(> 4)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(m.Filter(func(x int) bool { return x > 4 }).IntoStream())
		}, [][]string{nil, nil, strs("5")}},
		{"Zip(c, c*10)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(hydro.Zip(c, hydro.MapSingleton(c, times(10))).IntoStream())
		}, [][]string{strs("(2, 20)"), strs("(0, 0)"), strs("(2, 20)")}},
		{"ZipOptional(m, lo)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(hydro.ZipOptional(m, lo).IntoStream())
		}, [][]string{strs("(3, 1)"), nil, strs("(5, 4)")}},
		{"ZipOptional(m.Filter(> 4), lo)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			// A value without a partner in its tick is dropped, not kept
			// for a later tick.
			return show(hydro.ZipOptional(m.Filter(func(x int) bool { return x > 4 }), lo).IntoStream())
		}, [][]string{nil, nil, strs("(5, 4)")}},
		{"m.UnwrapOr(-1)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(m.UnwrapOr(-1).IntoStream())
		}, [][]string{strs("3"), strs("-1"), strs("5")}},
		{"Or(m.Filter(> 4), lo)", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(hydro.Or(m.Filter(func(x int) bool { return x > 4 }), lo).IntoStream())
		}, [][]string{strs("1"), nil, strs("5")}},
		{"m.IsSome", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(m.IsSome().IntoStream())
		}, [][]string{strs("true"), strs("false"), strs("true")}},
		{"m.IsNone", func(c hydro.Singleton[int, tick], m, lo hydro.Optional[int, tick]) hydro.Stream[string, tick] {
			return show(m.IsNone().IntoStream())
		}, [][]string{strs("false"), strs("true"), strs("false")}},
	}
	for _, tt := range tests {
		got := inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] {
			return tt.build(hydro.Count(s), hydro.Max(s), hydro.Min(s))
		}, in...)
		want(t, tt.op, in, got, tt.want)
	}
}

// TestSingletonOpsTopLevel: at the top level the same operators follow the
// accumulated value, tick by tick.
func TestSingletonOpsTopLevel(t *testing.T) {
	in := [][]int{ints(), ints(3, 1), ints(), ints(5)}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
		return show(watch(hydro.Zip(hydro.MapSingleton(hydro.Count(s), times(10)), hydro.Max(s).UnwrapOr(-1))))
	}, in...)
	want(t, "Zip(MapSingleton(Count, x*10), Max.UnwrapOr(-1))", in, got, [][]string{strs("(0, -1)"), strs("(20, 3)"), strs("(20, 3)"), strs("(30, 5)")})

	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
		return show(watch(hydro.Max(s).IsNone()))
	}, in...)
	want(t, "Max.IsNone", in, got, [][]string{strs("true"), strs("false"), strs("false"), strs("false")})
}
