// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Keyed streams and keyed singletons. A keyed stream is a stream of
// (key, value) pairs ordered per key only, so flattening it back with
// Entries or Values gives an unordered stream. Keyed aggregations give one
// value per key: at the top level they accumulate across ticks, in a tick
// they see the tick's batch. A top-level keyed singleton is read by
// snapshotting it into a tick.

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

type kvSI = hydro.KV[string, int]

func TestKeyedStream(t *testing.T) {
	in := [][]kvSI{{kv("a", 1), kv("b", 2), kv("a", 3)}, {}, {kv("c", 4)}}
	got := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[kvSI, proc] {
		return hydro.IntoKeyed(s).Entries()
	}, in...)
	wantUnordered(t, "IntoKeyed(...).Entries", in, got, in)

	gotV := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[int, proc] {
		return hydro.IntoKeyed(s).Values()
	}, in...)
	wantUnordered(t, "Values", in, gotV, [][]int{ints(1, 2, 3), nil, ints(4)})

	got = run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[kvSI, proc] {
		return hydro.MapValues(hydro.IntoKeyed(s), times(10)).Entries()
	}, in...)
	wantUnordered(t, "MapValues(x*10)", in, got, [][]kvSI{{kv("a", 10), kv("b", 20), kv("a", 30)}, nil, {kv("c", 40)}})
}

// TestKeyedStreamPerKeyOrder: Entries drops the order across keys, but each
// key's values keep their order.
func TestKeyedStreamPerKeyOrder(t *testing.T) {
	in := [][]kvSI{{kv("a", 1), kv("b", 1), kv("a", 2), kv("b", 2), kv("a", 3)}}
	got := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[kvSI, proc] {
		return hydro.IntoKeyed(s).Entries()
	}, in...)
	perKey := map[string][]int{}
	for _, e := range got[0] {
		perKey[e.Key] = append(perKey[e.Key], e.Val)
	}
	if g, w := perKey["a"], ints(1, 2, 3); !slices.Equal(g, w) {
		t.Errorf("Entries(%v) key a = %v; want %v", in, g, w)
	}
	if g, w := perKey["b"], ints(1, 2); !slices.Equal(g, w) {
		t.Errorf("Entries(%v) key b = %v; want %v", in, g, w)
	}
}

// TestFoldKeyedPerKeyOrder folds with an order-sensitive function: a keyed
// stream keeps each key's values in order, so each key's list is in arrival
// order, across ticks at the top level.
func TestFoldKeyedPerKeyOrder(t *testing.T) {
	in := [][]kvSI{{kv("a", 1), kv("b", 1), kv("a", 2)}, {kv("b", 2), kv("a", 3)}}
	got := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[hydro.KV[string, []int], proc] {
		lists := hydro.FoldKeyed(hydro.IntoKeyed(s), func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) })
		return watchKeyed(lists)
	}, in...)
	wantUnordered(t, "FoldKeyed(append) at the top level", in, got, [][]hydro.KV[string, []int]{
		{kv("a", ints(1, 2)), kv("b", ints(1))},
		{kv("a", ints(1, 2, 3)), kv("b", ints(1, 2))},
	})
}

func TestKeyedAggregate(t *testing.T) {
	in := [][]kvSI{{kv("a", 1), kv("b", 2)}, {}, {kv("a", 3), kv("c", 5), kv("b", 1)}}
	tests := []struct {
		op       string
		top      func(s hydro.KeyedStream[string, int, proc]) hydro.KeyedSingleton[string, int, proc]
		tick     func(s hydro.KeyedStream[string, int, tick]) hydro.KeyedSingleton[string, int, tick]
		wantTop  [][]kvSI
		wantTick [][]kvSI
	}{
		{
			op: "FoldKeyed(0, +)",
			top: func(s hydro.KeyedStream[string, int, proc]) hydro.KeyedSingleton[string, int, proc] {
				return hydro.FoldKeyed(s, zero, sum)
			},
			tick: func(s hydro.KeyedStream[string, int, tick]) hydro.KeyedSingleton[string, int, tick] {
				return hydro.FoldKeyed(s, zero, sum)
			},
			// Every key, every tick, with everything so far.
			wantTop: [][]kvSI{
				{kv("a", 1), kv("b", 2)},
				{kv("a", 1), kv("b", 2)},
				{kv("a", 4), kv("b", 3), kv("c", 5)},
			},
			// The keys of the tick's batch only.
			wantTick: [][]kvSI{{kv("a", 1), kv("b", 2)}, nil, {kv("a", 3), kv("b", 1), kv("c", 5)}},
		},
		{
			op: "ReduceKeyed(max)",
			top: func(s hydro.KeyedStream[string, int, proc]) hydro.KeyedSingleton[string, int, proc] {
				return hydro.ReduceKeyed(s, maxInto)
			},
			tick: func(s hydro.KeyedStream[string, int, tick]) hydro.KeyedSingleton[string, int, tick] {
				return hydro.ReduceKeyed(s, maxInto)
			},
			wantTop: [][]kvSI{
				{kv("a", 1), kv("b", 2)},
				{kv("a", 1), kv("b", 2)},
				{kv("a", 3), kv("b", 2), kv("c", 5)},
			},
			wantTick: [][]kvSI{{kv("a", 1), kv("b", 2)}, nil, {kv("a", 3), kv("b", 1), kv("c", 5)}},
		},
		{
			op:   "FirstKeyed",
			top:  hydro.FirstKeyed[string, int, proc],
			tick: hydro.FirstKeyed[string, int, tick],
			wantTop: [][]kvSI{
				{kv("a", 1), kv("b", 2)},
				{kv("a", 1), kv("b", 2)},
				{kv("a", 1), kv("b", 2), kv("c", 5)},
			},
			wantTick: [][]kvSI{{kv("a", 1), kv("b", 2)}, nil, {kv("a", 3), kv("b", 1), kv("c", 5)}},
		},
	}
	for _, tt := range tests {
		got := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[kvSI, proc] {
			return watchKeyed(tt.top(hydro.IntoKeyed(s)))
		}, in...)
		wantUnordered(t, tt.op+" at the top level", in, got, tt.wantTop)
		got = inTick(t, func(s hydro.Stream[kvSI, tick]) hydro.Stream[kvSI, tick] {
			return tt.tick(hydro.IntoKeyed(s)).Entries()
		}, in...)
		wantUnordered(t, tt.op+" in a tick", in, got, tt.wantTick)
	}
}

// TestKeyedSingletonViews reads a top-level keyed singleton through a
// snapshot: its entries, keys and values.
func TestKeyedSingletonViews(t *testing.T) {
	in := [][]kvSI{{kv("a", 1), kv("b", 2)}, {kv("a", 3)}}
	counts := func(s hydro.Stream[kvSI, proc]) (hydro.KeyedSingleton[string, int, tick], tick) {
		tk := hydro.NewTick(s.Location())
		c := hydro.FoldKeyed(hydro.IntoKeyed(s), zero, func(acc *int, _ int) { *acc++ })
		return hydro.SnapshotKeyed(c, tk, nd), tk
	}
	gotK := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[string, proc] {
		snap, _ := counts(s)
		return hydro.AllTicks(snap.Keys())
	}, in...)
	wantUnordered(t, "SnapshotKeyed(count per key).Keys", in, gotK, [][]string{strs("a", "b"), strs("a", "b")})

	gotV := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[int, proc] {
		snap, _ := counts(s)
		return hydro.AllTicks(snap.Values())
	}, in...)
	wantUnordered(t, "SnapshotKeyed(count per key).Values", in, gotV, [][]int{ints(1, 1), ints(2, 1)})

	// Entries of a snapshot is a bounded stream like any batch: it can be
	// aggregated in the tick.
	gotN := run(t, func(s hydro.Stream[kvSI, proc]) hydro.Stream[int, proc] {
		snap, _ := counts(s)
		return hydro.AllTicks(hydro.Count(snap.Entries()).IntoStream())
	}, in...)
	want(t, "Count(SnapshotKeyed(count per key).Entries)", in, gotN, [][]int{ints(2), ints(2)})
}

// TestKeyedSingletonBoundedAtTopLevel: a keyed aggregation of a finite
// source is bounded, so its entries may be read at the top level without a
// snapshot. Like any bounded stream they are emitted once, not again every
// tick.
func TestKeyedSingletonBoundedAtTopLevel(t *testing.T) {
	in := [][]int{ints(), ints(), ints()}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[kvSI, proc] {
		src := hydro.SourceIter(s.Location(), []kvSI{kv("a", 1), kv("b", 2), kv("a", 3)})
		return hydro.FoldKeyed(hydro.IntoKeyed(src), zero, sum).Entries()
	}, in...)
	wantUnordered(t, "FoldKeyed(SourceIter(...)).Entries() at the top level, over ticks", in, got,
		[][]kvSI{{kv("a", 4), kv("b", 2)}, nil, nil})
}

// TestKeyedSingletonUnboundedEntries: the entries of an unbounded keyed
// singleton depend on when one looks, so reading them needs a snapshot.
func TestKeyedSingletonUnboundedEntries(t *testing.T) {
	f := hydro.NewFlow()
	_, s := hydro.NewInput[kvSI](hydro.NewProcess[server](f))
	hydro.NewOutput(hydro.FoldKeyed(hydro.IntoKeyed(s), zero, sum).Entries())
	if err := f.Compile(); err == nil {
		t.Errorf("FoldKeyed(input).Entries() at the top level compiled; want an error asking for SnapshotKeyed")
	}
}

func maxInto(acc *int, x int) { *acc = max(*acc, x) }
