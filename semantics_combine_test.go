// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Operators over two collections. At a location's top level, binary
// operators over streams remember what each side has carried: a join or
// cross product emits each match once, in the tick its second half arrives.
// In a tick they match within the tick's batches only. Operators with a
// bounded side (AntiJoin's keys, a singleton) read that side whole first.

import (
	"cmp"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro"
)

type (
	pairIS = hydro.Pair[int, string]
	kvIS   = hydro.KV[int, string]
)

// TestChain: Chain emits all of its first input, then its second, even when
// both arrive in the same tick and the second was pushed first.
func TestChain(t *testing.T) {
	in := []two[int, int]{{a: ints(1, 2), b: ints(10)}, {b: ints(20)}, {a: ints(3)}}
	got := inTick2(t, func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Chain(a, b)
	}, in...)
	want(t, "Chain in a tick", in, got, [][]int{ints(1, 2, 10), ints(20), ints(3)})

	got = inTick2(t, func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Chain(b, a)
	}, in...)
	want(t, "Chain (swapped) in a tick", in, got, [][]int{ints(10, 1, 2), ints(20), ints(3)})

	// The batch, then its count: a later stratum's item still comes second.
	ins := [][]int{ints(123, 456), ints(), ints(7)}
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Chain(s, hydro.Count(s).IntoStream())
	}, ins...)
	want(t, "Chain(batch, Count(batch))", ins, got, [][]int{ints(123, 456, 2), ints(0), ints(7, 1)})

	// And the other way round: the count, from a later stratum, comes first.
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Chain(hydro.Count(s).IntoStream(), s)
	}, ins...)
	want(t, "Chain(Count(batch), batch)", ins, got, [][]int{ints(2, 123, 456), ints(0), ints(1, 7)})

	// At the top level the first input must be bounded: a finite source
	// comes before everything the second input ever carries.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Chain(hydro.SourceIter(s.Location(), ints(-1, -2)), s)
	}, ins...)
	want(t, "Chain(SourceIter([-1 -2]), input) at the top level", ins, got, [][]int{ints(-1, -2, 123, 456), nil, ints(7)})

	// A bounded singleton as the first input is one item, once.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Chain(hydro.SingletonOf(s.Location(), 0).IntoStream(), s)
	}, ins...)
	want(t, "Chain(SingletonOf(0).IntoStream(), input) at the top level", ins, got, [][]int{ints(0, 123, 456), nil, ints(7)})
}

func TestMerge(t *testing.T) {
	in := []two[int, int]{{a: ints(1, 2), b: ints(10)}, {b: ints(20)}, {}}
	got := run2(t, func(a, b hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Merge(a, b)
	}, in...)
	wantUnordered(t, "Merge at the top level", in, got, [][]int{ints(1, 2, 10), ints(20), nil})

	got = inTick2(t, func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Merge(a, b, a)
	}, in...)
	wantUnordered(t, "Merge(a, b, a) in a tick", in, got, [][]int{ints(1, 1, 2, 2, 10), ints(20), nil})
}

func TestCrossProduct(t *testing.T) {
	in := []two[int, string]{{a: ints(1), b: strs("x")}, {a: ints(2)}, {b: strs("y")}, {}, {a: ints(3), b: strs("z")}}
	got := run2(t, hydro.CrossProduct[int, string, proc], in...)
	// Each pair once, in the tick its later half arrives; a tick where
	// both sides grow pairs the new items with each other once too.
	wantUnordered(t, "CrossProduct at the top level", in, got, [][]pairIS{
		{pair(1, "x")},
		{pair(2, "x")},
		{pair(1, "y"), pair(2, "y")},
		nil,
		{pair(3, "x"), pair(3, "y"), pair(1, "z"), pair(2, "z"), pair(3, "z")},
	})

	got = inTick2(t, hydro.CrossProduct[int, string, tick], in...)
	wantUnordered(t, "CrossProduct in a tick", in, got, [][]pairIS{{pair(1, "x")}, nil, nil, nil, {pair(3, "z")}})
}

func TestCrossSingleton(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3)}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[hydro.Pair[int, int], proc] {
		return hydro.CrossSingleton(s, hydro.SingletonOf(s.Location(), 10))
	}, in...)
	want(t, "CrossSingleton(input, SingletonOf(10)) at the top level", in, got, [][]hydro.Pair[int, int]{
		{{Left: 1, Right: 10}, {Left: 2, Right: 10}}, nil, {{Left: 3, Right: 10}},
	})

	// In a tick: every item of the batch with the batch's own sum.
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[hydro.Pair[int, int], tick] {
		return hydro.CrossSingleton(s, hydro.Fold(s, zero, sum))
	}, in...)
	want(t, "CrossSingleton(batch, Fold(batch, +))", in, got, [][]hydro.Pair[int, int]{
		{{Left: 1, Right: 3}, {Left: 2, Right: 3}}, nil, {{Left: 3, Right: 3}},
	})

	// With a snapshot of a top-level count: the count includes the tick's
	// own items.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[hydro.Pair[int, int], proc] {
		tk := hydro.NewTick(s.Location())
		return hydro.AllTicks(hydro.CrossSingleton(hydro.Batch(s, tk, nd), hydro.Snapshot(hydro.Count(s), tk, nd)))
	}, in...)
	want(t, "CrossSingleton(batch, Snapshot(Count(input)))", in, got, [][]hydro.Pair[int, int]{
		{{Left: 1, Right: 2}, {Left: 2, Right: 2}}, nil, {{Left: 3, Right: 3}},
	})
}

func TestJoin(t *testing.T) {
	in := []two[kvIS, kvIS]{
		{a: []kvIS{kv(1, "a1"), kv(3, "a3")}, b: []kvIS{kv(2, "b2"), kv(3, "b3")}},
		{a: []kvIS{kv(2, "a2")}},
		{b: []kvIS{kv(1, "b1")}},
		{b: []kvIS{kv(2, "b2'")}},
		{},
	}
	join := func(a, b hydro.Stream[kvIS, proc]) hydro.Stream[hydro.KV[int, hydro.Pair[string, string]], proc] {
		return hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
	}
	got := run2(t, join, in...)
	// Every match once, in the tick its later half arrives; nothing again
	// in later ticks.
	wantUnordered(t, "Join at the top level", in, got, [][]hydro.KV[int, hydro.Pair[string, string]]{
		{kv(3, pair("a3", "b3"))},
		{kv(2, pair("a2", "b2"))},
		{kv(1, pair("a1", "b1"))},
		{kv(2, pair("a2", "b2'"))},
		nil,
	})

	got = inTick2(t, func(a, b hydro.Stream[kvIS, tick]) hydro.Stream[hydro.KV[int, hydro.Pair[string, string]], tick] {
		return hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
	}, in...)
	// In a tick only the batches meet.
	wantUnordered(t, "Join in a tick", in, got, [][]hydro.KV[int, hydro.Pair[string, string]]{
		{kv(3, pair("a3", "b3"))}, nil, nil, nil, nil,
	})
}

// TestJoinTable joins a top-level stream with a finite table: each item
// finds its matches whenever it arrives, because the table is kept.
func TestJoinTable(t *testing.T) {
	in := [][]kvIS{{kv(1, "x")}, {}, {kv(2, "y"), kv(3, "z")}, {kv(1, "w")}}
	got := run(t, func(s hydro.Stream[kvIS, proc]) hydro.Stream[hydro.KV[int, hydro.Pair[string, string]], proc] {
		table := hydro.SourceIter(s.Location(), []kvIS{kv(1, "one"), kv(2, "two")})
		return hydro.Join(hydro.IntoKeyed(s), hydro.IntoKeyed(table)).Entries()
	}, in...)
	wantUnordered(t, "Join(input, SourceIter(table)) at the top level", in, got, [][]hydro.KV[int, hydro.Pair[string, string]]{
		{kv(1, pair("x", "one"))}, nil, {kv(2, pair("y", "two"))}, {kv(1, pair("w", "one"))},
	})
}

// TestJoinDuplicates: Join is a multiset join; duplicate entries on either
// side give duplicate matches, also when the duplicate arrives in a later
// tick at the top level.
func TestJoinDuplicates(t *testing.T) {
	ins := []two[kvIS, kvIS]{{a: []kvIS{kv(1, "x")}, b: []kvIS{kv(1, "y")}}, {a: []kvIS{kv(1, "x")}}, {}}
	gotTop := run2(t, func(a, b hydro.Stream[kvIS, proc]) hydro.Stream[hydro.KV[int, hydro.Pair[string, string]], proc] {
		return hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
	}, ins...)
	wantUnordered(t, "Join with a repeated entry at the top level", ins, gotTop, [][]hydro.KV[int, hydro.Pair[string, string]]{
		{kv(1, pair("x", "y"))}, {kv(1, pair("x", "y"))}, nil,
	})

	in := []two[kvIS, kvIS]{{a: []kvIS{kv(1, "x"), kv(1, "x")}, b: []kvIS{kv(1, "y"), kv(1, "z")}}}
	got := inTick2(t, func(a, b hydro.Stream[kvIS, tick]) hydro.Stream[hydro.KV[int, hydro.Pair[string, string]], tick] {
		return hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
	}, in...)
	wantUnordered(t, "Join with duplicates", in, got, [][]hydro.KV[int, hydro.Pair[string, string]]{
		{kv(1, pair("x", "y")), kv(1, pair("x", "y")), kv(1, pair("x", "z")), kv(1, pair("x", "z"))},
	})
}

func TestAntiJoin(t *testing.T) {
	in := []two[kvIS, int]{
		{a: []kvIS{kv(1, "a"), kv(2, "b")}, b: ints(2)},
		{a: []kvIS{kv(2, "c"), kv(3, "d")}},
	}
	got := inTick2(t, func(a hydro.Stream[kvIS, tick], b hydro.Stream[int, tick]) hydro.Stream[kvIS, tick] {
		return hydro.AntiJoin(hydro.IntoKeyed(a), b).Entries()
	}, in...)
	// The keys of a tick hold only in that tick.
	wantUnordered(t, "AntiJoin in a tick", in, got, [][]kvIS{{kv(1, "a")}, {kv(2, "c"), kv(3, "d")}})

	// At the top level the keys are a finite source, excluded for good.
	ins := [][]kvIS{{kv(1, "a"), kv(2, "b")}, {kv(2, "c"), kv(3, "d")}}
	got = run(t, func(s hydro.Stream[kvIS, proc]) hydro.Stream[kvIS, proc] {
		return hydro.AntiJoin(hydro.IntoKeyed(s), hydro.SourceIter(s.Location(), ints(2))).Entries()
	}, ins...)
	wantUnordered(t, "AntiJoin(input, SourceIter([2])) at the top level", ins, got, [][]kvIS{{kv(1, "a")}, {kv(3, "d")}})
}

func TestFilterNotIn(t *testing.T) {
	in := []two[int, int]{{a: ints(1, 2, 3, 2), b: ints(2)}, {a: ints(2, 4)}}
	got := inTick2(t, hydro.FilterNotIn[int, tick], in...)
	want(t, "FilterNotIn in a tick", in, got, [][]int{ints(1, 3), ints(2, 4)})

	ins := [][]int{ints(1, 2, 3), ints(2, 4)}
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.FilterNotIn(s, hydro.SourceIter(s.Location(), ints(2, 4)))
	}, ins...)
	want(t, "FilterNotIn(input, SourceIter([2 4])) at the top level", ins, got, [][]int{ints(1, 3), nil})
}

// TestFilterIf gates a batch on a condition computed from another input in
// the same tick.
func TestFilterIf(t *testing.T) {
	in := []two[int, int]{{a: ints(1, 2), b: ints(9)}, {a: ints(3)}, {a: ints(4), b: ints(8, 7)}}
	gated := func(op string, g func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick], w [][]int) {
		t.Helper()
		want(t, op, in, inTick2(t, g, in...), w)
	}
	gated("FilterIf(a, Count(b) > 0)", func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.FilterIf(a, hydro.MapSingleton(hydro.Count(b), func(n int) bool { return n > 0 }))
	}, [][]int{ints(1, 2), nil, ints(4)})
	gated("FilterIfSome(a, First(b))", func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.FilterIfSome(a, hydro.First(b))
	}, [][]int{ints(1, 2), nil, ints(4)})
	gated("FilterIfNone(a, First(b))", func(a, b hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.FilterIfNone(a, hydro.First(b))
	}, [][]int{nil, ints(3), nil})

	ins := [][]int{ints(1, 2), ints(3)}
	for _, cond := range []bool{true, false} {
		got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
			return hydro.FilterIf(s, hydro.SingletonOf(s.Location(), cond))
		}, ins...)
		w := [][]int{nil, nil}
		if cond {
			w = ins
		}
		want(t, "FilterIf(input, SingletonOf("+strconv.FormatBool(cond)+"))", ins, got, w)
	}
}

func TestSort(t *testing.T) {
	in := [][]int{ints(3, 1, 2), ints(), ints(5, 0, 5)}
	got := inTick(t, hydro.Sort[int, tick], in...)
	want(t, "Sort in a tick", in, got, [][]int{ints(1, 2, 3), nil, ints(0, 5, 5)})

	// SortFunc is stable: equal keys keep their arrival order.
	ins := [][]kvIS{{kv(2, "a"), kv(1, "b"), kv(2, "c"), kv(1, "d")}, {kv(0, "e")}}
	gotKV := inTick(t, func(s hydro.Stream[kvIS, tick]) hydro.Stream[kvIS, tick] {
		return hydro.SortFunc(s, func(x, y kvIS) int { return cmp.Compare(x.Key, y.Key) })
	}, ins...)
	want(t, "SortFunc(by key) in a tick", ins, gotKV, [][]kvIS{{kv(1, "b"), kv(1, "d"), kv(2, "a"), kv(2, "c")}, {kv(0, "e")}})

	// Sorting makes an unordered batch ordered again, so that
	// order-sensitive operators accept it.
	inm := []two[int, int]{{a: ints(3, 1), b: ints(2)}}
	gotE := inTick2(t, func(a, b hydro.Stream[int, tick]) hydro.Stream[hydro.KV[int, int], tick] {
		return hydro.Enumerate(hydro.Sort(hydro.Merge(a, b)))
	}, inm...)
	want(t, "Enumerate(Sort(Merge(a, b)))", inm, gotE, [][]hydro.KV[int, int]{{kv(0, 1), kv(1, 2), kv(2, 3)}})

	// A finite source at the top level is sorted once, in the first tick.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Sort(hydro.SourceIter(s.Location(), ints(2, 3, 1)))
	}, in...)
	want(t, "Sort(SourceIter([2 3 1])) at the top level", in, got, [][]int{ints(1, 2, 3), nil, nil})
}

func pair[A, B any](a A, b B) hydro.Pair[A, B] { return hydro.Pair[A, B]{Left: a, Right: b} }
