// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Aggregations turn a stream into a singleton or an optional. At a
// location's top level they accumulate over everything the stream has ever
// carried, and the result keeps its value in ticks where nothing arrives. In
// a Tick they see the tick's batch only and start afresh every tick. The
// tests watch top-level results by snapshotting them into a tick every tick.

import (
	"testing"

	"github.com/hydro-go/hydro"
)

func sum(acc *int, x int) { *acc += x }

func zero() int { return 0 }

func TestAggregate(t *testing.T) {
	in := [][]int{ints(), ints(3, 1), ints(), ints(5, 2)}
	tests := []struct {
		op string
		// top aggregates the whole stream at the process; tick aggregates
		// each tick's batch.
		top     func(s hydro.Stream[int, proc]) hydro.Stream[string, proc]
		tick    func(s hydro.Stream[int, tick]) hydro.Stream[string, tick]
		wantTop [][]string
		// A tick's aggregation forgets earlier ticks.
		wantTick [][]string
	}{
		{
			op: "Fold(0, +)",
			top: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(watch(hydro.Fold(s, zero, sum)))
			},
			tick: func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] {
				return show(hydro.Fold(s, zero, sum).IntoStream())
			},
			wantTop:  [][]string{strs("0"), strs("4"), strs("4"), strs("11")},
			wantTick: [][]string{strs("0"), strs("4"), strs("0"), strs("7")},
		},
		{
			// Reduce is empty until the first item.
			op: "Reduce(+)",
			top: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(watchOptional(hydro.Reduce(s, sum)))
			},
			tick: func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] {
				return show(hydro.Reduce(s, sum).IntoStream())
			},
			wantTop:  [][]string{nil, strs("4"), strs("4"), strs("11")},
			wantTick: [][]string{nil, strs("4"), nil, strs("7")},
		},
		{
			op:       "Count",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watch(hydro.Count(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.Count(s).IntoStream()) },
			wantTop:  [][]string{strs("0"), strs("2"), strs("2"), strs("4")},
			wantTick: [][]string{strs("0"), strs("2"), strs("0"), strs("2")},
		},
		{
			op:       "Min",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watchOptional(hydro.Min(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.Min(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("1"), strs("1"), strs("1")},
			wantTick: [][]string{nil, strs("1"), nil, strs("2")},
		},
		{
			op:       "Max",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watchOptional(hydro.Max(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.Max(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("3"), strs("3"), strs("5")},
			wantTick: [][]string{nil, strs("3"), nil, strs("5")},
		},
		{
			op:       "First",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watchOptional(hydro.First(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.First(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("3"), strs("3"), strs("3")},
			wantTick: [][]string{nil, strs("3"), nil, strs("5")},
		},
		{
			op:       "Last",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watchOptional(hydro.Last(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.Last(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("1"), strs("1"), strs("2")},
			wantTick: [][]string{nil, strs("1"), nil, strs("2")},
		},
		{
			op:       "Collect",
			top:      func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(watch(hydro.Collect(s))) },
			tick:     func(s hydro.Stream[int, tick]) hydro.Stream[string, tick] { return show(hydro.Collect(s).IntoStream()) },
			wantTop:  [][]string{strs("[]"), strs("[3 1]"), strs("[3 1]"), strs("[3 1 5 2]")},
			wantTick: [][]string{strs("[]"), strs("[3 1]"), strs("[]"), strs("[5 2]")},
		},
	}
	for _, tt := range tests {
		got := run(t, tt.top, in...)
		want(t, tt.op+" at the top level", in, got, tt.wantTop)
		got = inTick(t, tt.tick, in...)
		want(t, tt.op+" in a tick", in, got, tt.wantTick)
	}
}

// TestIsEmpty: IsEmpty needs a bounded stream, so it works on a tick's batch
// and on a finite source, and is refused on an unbounded top-level stream.
func TestIsEmpty(t *testing.T) {
	in := [][]int{ints(), ints(3), ints()}
	got := inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[bool, tick] {
		return hydro.IsEmpty(s).IntoStream()
	}, in...)
	want(t, "IsEmpty in a tick", in, got, [][]bool{{true}, {false}, {true}})

	for _, src := range [][]int{nil, ints(7)} {
		got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[bool, proc] {
			return watch(hydro.IsEmpty(hydro.SourceIter(s.Location(), src)))
		}, in...)
		w := !(len(src) > 0)
		want(t, "IsEmpty(SourceIter)", src, got, [][]bool{{w}, {w}, {w}})
	}

	f := hydro.NewFlow()
	_, s := hydro.NewInput[int](hydro.NewProcess[server](f))
	watch(hydro.IsEmpty(s))
	if err := f.Compile(); err == nil {
		t.Errorf("IsEmpty(unbounded input) compiled; want an error: emptiness of an unbounded stream depends on when one looks")
	}
}

// TestAggregateBoundedSource: a top-level aggregation of a finite source
// holds the aggregate of the whole source from the first tick on.
func TestAggregateBoundedSource(t *testing.T) {
	in := [][]int{ints(), ints(), ints()}
	src := ints(4, 1, 3)
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
		words := hydro.SourceIter(s.Location(), src)
		return show(watch(hydro.Zip(hydro.Count(words), hydro.Fold(words, zero, sum))))
	}, in...)
	want(t, "Zip(Count, Fold(+)) of SourceIter", src, got, [][]string{strs("(3, 8)"), strs("(3, 8)"), strs("(3, 8)")})
}

// TestAggregateOfKeyedValues counts an unordered stream: Count and Fold with
// hydro.Commutative accept it, and the result does not depend on the order
// in which keys' values interleave.
func TestAggregateOfKeyedValues(t *testing.T) {
	in := [][]hydro.KV[string, int]{{kv("a", 1), kv("b", 2)}, {kv("a", 3)}}
	got := run(t, func(s hydro.Stream[hydro.KV[string, int], proc]) hydro.Stream[string, proc] {
		vals := hydro.IntoKeyed(s).Values()
		return show(watch(hydro.Zip(hydro.Count(vals), hydro.Fold(vals, zero, sum, hydro.Commutative))))
	}, in...)
	want(t, "Zip(Count, Fold(+)) of Values", in, got, [][]string{strs("(2, 3)"), strs("(3, 6)")})
}

// TestAggregateIntoStreamAtTopLevel: a bounded top-level singleton is one
// fixed value, so IntoStream is a stream of exactly one item, emitted once;
// Hydro documents Singleton::into_stream as "a Stream containing a single
// element, the value".
func TestAggregateIntoStreamAtTopLevel(t *testing.T) {
	in := [][]int{ints(), ints(), ints()}
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Count(hydro.SourceIter(s.Location(), ints(4, 1, 3))).IntoStream()
	}, in...)
	want(t, "Count(SourceIter([4 1 3])).IntoStream() at the top level, over ticks", in, got, [][]int{ints(3), nil, nil})

	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.SingletonOf(s.Location(), 7).IntoStream()
	}, in...)
	want(t, "SingletonOf(7).IntoStream() at the top level, over ticks", in, got, [][]int{ints(7), nil, nil})

	// What goes wrong downstream if the item repeats: a count of a
	// one-item stream that grows by one every tick.
	got = run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return watch(hydro.Count(hydro.SingletonOf(s.Location(), 7).IntoStream()))
	}, in...)
	want(t, "Count(SingletonOf(7).IntoStream()) at the top level, over ticks", in, got, [][]int{ints(1), ints(1), ints(1)})
}
