// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Element-wise stream operators. At a location's top level a stream's port
// carries, each tick, the items that arrived in that tick: a stateless
// operator applied tick by tick is the operator applied to the whole stream.
// Stateful ones (Enumerate, Unique) remember across ticks at the top level
// and forget at the end of every tick inside a Tick.

import (
	"slices"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro"
)

func TestStreamElementwise(t *testing.T) {
	in := [][]int{ints(1, 2, 3), ints(), ints(4, 5)}
	tests := []struct {
		op        string
		build     func(s hydro.Stream[int, proc]) hydro.Stream[string, proc]
		want      [][]string
		unordered bool
	}{
		{
			op:    "Map(x*10)",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(hydro.Map(s, times(10))) },
			want:  [][]string{strs("10", "20", "30"), nil, strs("40", "50")},
		},
		{
			op:    "Filter(odd)",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(s.Filter(odd)) },
			want:  [][]string{strs("1", "3"), nil, strs("5")},
		},
		{
			op: "FilterMap(odd → -x)",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(hydro.FilterMap(s, func(x int) (int, bool) { return -x, odd(x) }))
			},
			want: [][]string{strs("-1", "-3"), nil, strs("-5")},
		},
		{
			op: "FlatMap(x → x copies of x)",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(hydro.FlatMap(s, copies))
			},
			want: [][]string{strs("1", "2", "2", "3", "3", "3"), nil, strs("4", "4", "4", "4", "5", "5", "5", "5", "5")},
		},
		{
			op: "FlatMapUnordered(x → x copies of x)",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(hydro.FlatMapUnordered(s, copies))
			},
			want:      [][]string{strs("1", "2", "2", "3", "3", "3"), nil, strs("4", "4", "4", "4", "5", "5", "5", "5", "5")},
			unordered: true,
		},
		{
			op: "Flatten(Map(x → [x, -x]))",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return show(hydro.Flatten(hydro.Map(s, func(x int) []int { return []int{x, -x} })))
			},
			want: [][]string{strs("1", "-1", "2", "-2", "3", "-3"), nil, strs("4", "-4", "5", "-5")},
		},
		{
			op:    "Enumerate at the top level",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] { return show(hydro.Enumerate(s)) },
			// The index counts from the start of the stream, across ticks.
			want: [][]string{strs("(0, 1)", "(1, 2)", "(2, 3)"), nil, strs("(3, 4)", "(4, 5)")},
		},
		{
			op: "Enumerate in a tick",
			build: func(s hydro.Stream[int, proc]) hydro.Stream[string, proc] {
				return hydro.AllTicks(show(hydro.Enumerate(hydro.Batch(s, hydro.NewTick(s.Location()), nd))))
			},
			// The index restarts with every tick's batch.
			want: [][]string{strs("(0, 1)", "(1, 2)", "(2, 3)"), nil, strs("(0, 4)", "(1, 5)")},
		},
	}
	for _, tt := range tests {
		got := run(t, tt.build, in...)
		if tt.unordered {
			wantUnordered(t, tt.op, in, got, tt.want)
		} else {
			want(t, tt.op, in, got, tt.want)
		}
	}
}

func TestStreamInspect(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3)}
	var seen []int
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Inspect(s, func(x int) { seen = append(seen, x) })
	}, in...)
	want(t, "Inspect", in, got, [][]int{ints(1, 2), nil, ints(3)})
	if g, w := seen, ints(1, 2, 3); !slices.Equal(g, w) {
		t.Errorf("Inspect(%v) called f on %v; want %v", in, g, w)
	}
}

func TestStreamUnique(t *testing.T) {
	in := [][]int{ints(1, 2, 1), ints(2, 3), ints(3, 3, 4)}
	// At the top level an item passes the first time it is ever seen.
	got := run(t, hydro.Unique[int, proc], in...)
	want(t, "Unique at the top level", in, got, [][]int{ints(1, 2), ints(3), ints(4)})

	// In a tick, the first time it is seen in the tick.
	got = inTick(t, hydro.Unique[int, tick], in...)
	want(t, "Unique in a tick", in, got, [][]int{ints(1, 2), ints(2, 3), ints(3, 4)})
}

// TestStreamScan threads a running sum through the stream: across ticks at
// the top level, restarting every tick in a tick.
func TestStreamScan(t *testing.T) {
	in := [][]int{ints(1, 2), ints(), ints(3, 4)}
	runningSum := func(acc *int, x int) int { *acc += x; return *acc }
	got := run(t, func(s hydro.Stream[int, proc]) hydro.Stream[int, proc] {
		return hydro.Scan(s, zero, runningSum)
	}, in...)
	want(t, "Scan(+) at the top level", in, got, [][]int{ints(1, 3), nil, ints(6, 10)})
	got = inTick(t, func(s hydro.Stream[int, tick]) hydro.Stream[int, tick] {
		return hydro.Scan(s, zero, runningSum)
	}, in...)
	want(t, "Scan(+) in a tick", in, got, [][]int{ints(1, 3), nil, ints(3, 7)})
}

func TestStreamPartition(t *testing.T) {
	in := [][]int{ints(1, 2, 3, 4), ints(), ints(5, 6)}
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	input, s := hydro.NewInput[int](p)
	odds, evens := hydro.Partition(s, odd)
	outOdd, outEven := hydro.NewOutput(odds), hydro.NewOutput(evens)
	r := local(t, f)
	var gotOdd, gotEven [][]int
	for _, items := range in {
		input.Push(r, items...)
		r.RunTick()
		gotOdd = append(gotOdd, outOdd.Drain(r))
		gotEven = append(gotEven, outEven.Drain(r))
	}
	want(t, "Partition(odd) yes", in, gotOdd, [][]int{ints(1, 3), nil, ints(5)})
	want(t, "Partition(odd) no", in, gotEven, [][]int{ints(2, 4), nil, ints(6)})
}

// TestStreamFanOut uses one stream as the input of three operators: each
// sees every item, and using a stream twice neither loses nor duplicates
// items.
func TestStreamFanOut(t *testing.T) {
	in := [][]int{ints(1, 2), ints(3)}
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	input, s := hydro.NewInput[int](p)
	doubled := hydro.NewOutput(hydro.Map(s, times(2)))
	odds := hydro.NewOutput(s.Filter(odd))
	same := hydro.NewOutput(s)
	r := local(t, f)
	var gotDoubled, gotOdds, gotSame [][]int
	for _, items := range in {
		input.Push(r, items...)
		r.RunTick()
		gotDoubled = append(gotDoubled, doubled.Drain(r))
		gotOdds = append(gotOdds, odds.Drain(r))
		gotSame = append(gotSame, same.Drain(r))
	}
	want(t, "fan-out Map(x*2)", in, gotDoubled, [][]int{ints(2, 4), ints(6)})
	want(t, "fan-out Filter(odd)", in, gotOdds, [][]int{ints(1), ints(3)})
	want(t, "fan-out identity", in, gotSame, [][]int{ints(1, 2), ints(3)})
}

// TestStreamFanOutOfSlices shares a stream of slices between two consumers:
// each sees every slice whole.
func TestStreamFanOutOfSlices(t *testing.T) {
	in := [][][]int{{ints(1, 2)}, {ints(3)}}
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	input, s := hydro.NewInput[[]int](p)
	lens := hydro.NewOutput(hydro.Map(s, func(v []int) int { return len(v) }))
	flat := hydro.NewOutput(hydro.Flatten(s))
	r := local(t, f)
	var gotLens, gotFlat [][]int
	for _, items := range in {
		input.Push(r, items...)
		r.RunTick()
		gotLens = append(gotLens, lens.Drain(r))
		gotFlat = append(gotFlat, flat.Drain(r))
	}
	want(t, "fan-out Map(len)", in, gotLens, [][]int{ints(2), ints(1)})
	want(t, "fan-out Flatten", in, gotFlat, [][]int{ints(1, 2), ints(3)})
}

// TestStreamFilterMapParse is FilterMap as a parser: what fails to parse
// is dropped.
func TestStreamFilterMapParse(t *testing.T) {
	in := [][]string{strs("1", "x", "30"), strs("-2", "")}
	got := run(t, func(s hydro.Stream[string, proc]) hydro.Stream[int, proc] {
		return hydro.FilterMap(s, func(w string) (int, bool) {
			n, err := strconv.Atoi(w)
			return n, err == nil
		})
	}, in...)
	want(t, "FilterMap(Atoi)", in, got, [][]int{ints(1, 30), ints(-2)})
}

func times(k int) func(int) int { return func(x int) int { return x * k } }

func odd(x int) bool { return x%2 != 0 }

// copies returns x copies of x.
func copies(x int) []int {
	out := make([]int, x)
	for i := range out {
		out[i] = x
	}
	return out
}
