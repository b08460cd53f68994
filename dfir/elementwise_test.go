// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hydro-go/hydro/dfir"
)

// upTo returns 0, 1, …, n-1.
func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// elemCase is one operator chain driven over several ticks: in[i] is pushed
// before tick i and want[i] is what tick i must emit.
type elemCase struct {
	name string
	run  func(t *testing.T)
}

func elemTicks[T, U any](name string, build func(dfir.Port[T]) dfir.Port[U], in [][]T, want [][]U) elemCase {
	return elemCase{name, func(t *testing.T) {
		g := dfir.New()
		input, p := dfir.SourceInput[T](g)
		out := dfir.SinkOutput(build(p))
		if err := g.Compile(); err != nil {
			t.Fatal(err)
		}
		for i := range in {
			input.PushAll(in[i])
			g.RunTick()
			if got := out.Drain(nil); !cmp.Equal(got, want[i], cmpopts.EquateEmpty()) {
				t.Errorf("tick %d: %s(%v) = %v; want %v", i, name, in[i], got, want[i])
			}
		}
	}}
}

type kvi = dfir.KV[int, string]

func TestElementwiseTicks(t *testing.T) {
	add := func(k int) func(int) int { return func(x int) int { return x + k } }
	mul := func(k int) func(int) int { return func(x int) int { return x * k } }
	even := func(x int) bool { return x%2 == 0 }
	abc := [][]string{{"a", "b"}, {}, {"c"}, {"d", "e", "f"}}

	cases := []elemCase{
		elemTicks("Map", func(p dfir.Port[int]) dfir.Port[int] { return dfir.Map(p, mul(2)) },
			[][]int{{1, 2, 3}, {}, {4}}, [][]int{{2, 4, 6}, {}, {8}}),
		// Same-type maps rewrite the batch in place, stage after stage.
		elemTicks("Map∘Map∘Map", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Map(dfir.Map(dfir.Map(p, add(1)), mul(2)), add(-3))
		}, [][]int{{0, 1, 2}, {10}}, [][]int{{-1, 1, 3}, {19}}),
		elemTicks("Map(int→string→int)", func(p dfir.Port[int]) dfir.Port[int] {
			s := dfir.Map(p, strconv.Itoa)
			s = dfir.Map(s, func(s string) string { return s + s })
			return dfir.Map(s, func(s string) int { return len(s) })
		}, [][]int{{1, 22, 333}, {4444}}, [][]int{{2, 4, 6}, {8}}),
		elemTicks("Filter", func(p dfir.Port[int]) dfir.Port[int] { return dfir.Filter(p, even) },
			[][]int{{1, 2, 3, 4}, {5}, {6, 6}}, [][]int{{2, 4}, {}, {6, 6}}),
		// A filter compacts its batch in place: a map after it must see
		// only the kept items.
		elemTicks("Map∘Filter", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Map(dfir.Filter(p, even), mul(10))
		}, [][]int{{1, 2, 3, 4}}, [][]int{{20, 40}}),
		elemTicks("FilterMap", func(p dfir.Port[int]) dfir.Port[string] {
			return dfir.FilterMap(p, func(x int) (string, bool) { return strconv.Itoa(x), x > 1 })
		}, [][]int{{1, 2, 3}, {0}, {7}}, [][]string{{"2", "3"}, {}, {"7"}}),
		elemTicks("FlatMap", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.FlatMap(p, func(x int) []int { return slices.Repeat([]int{x}, x) })
		}, [][]int{{0, 1, 2, 3}, {}, {1}}, [][]int{{1, 2, 2, 3, 3, 3}, {}, {1}}),
		// FlatMap reads the slice before calling f again, so f may reuse it.
		elemTicks("FlatMap(reused slice)", func(p dfir.Port[int]) dfir.Port[int] {
			var buf []int
			return dfir.FlatMap(p, func(x int) []int {
				buf = append(buf[:0], x, -x)
				return buf
			})
		}, [][]int{{1, 2}, {3}}, [][]int{{1, -1, 2, -2}, {3, -3}}),
		elemTicks("Flatten", func(p dfir.Port[[]string]) dfir.Port[string] { return dfir.Flatten(p) },
			[][][]string{{{"a"}, nil, {"b", "c"}}, {}, {{"d"}}}, [][]string{{"a", "b", "c"}, {}, {"d"}}),
		elemTicks("Enumerate", func(p dfir.Port[string]) dfir.Port[kvi] { return dfir.Enumerate(p) },
			abc, [][]kvi{{{0, "a"}, {1, "b"}}, {}, {{0, "c"}}, {{0, "d"}, {1, "e"}, {2, "f"}}}),
		elemTicks("Enumerate(Static)", func(p dfir.Port[string]) dfir.Port[kvi] { return dfir.Enumerate(p, dfir.Static) },
			abc, [][]kvi{{{0, "a"}, {1, "b"}}, {}, {{2, "c"}}, {{3, "d"}, {4, "e"}, {5, "f"}}}),
		elemTicks("Enumerate(PerTick)", func(p dfir.Port[string]) dfir.Port[kvi] { return dfir.Enumerate(p, dfir.PerTick) },
			abc, [][]kvi{{{0, "a"}, {1, "b"}}, {}, {{0, "c"}}, {{0, "d"}, {1, "e"}, {2, "f"}}}),
		elemTicks("Unique", func(p dfir.Port[int]) dfir.Port[int] { return dfir.Unique(p) },
			[][]int{{1, 1, 2, 1}, {2, 3, 3}, {}, {1}}, [][]int{{1, 2}, {2, 3}, {}, {1}}),
		elemTicks("Unique(Static)", func(p dfir.Port[int]) dfir.Port[int] { return dfir.Unique(p, dfir.Static) },
			[][]int{{1, 1, 2, 1}, {2, 3, 3}, {}, {1, 4}}, [][]int{{1, 2}, {3}, {}, {4}}),
		elemTicks("Union(NullSource)", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Union(dfir.NullSource[int](p.Graph()), p)
		}, [][]int{{1, 2}, {3}}, [][]int{{1, 2}, {3}}),
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestInspect(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	var seen []int
	out := dfir.SinkOutput(dfir.Map(dfir.Inspect(p, func(x int) { seen = append(seen, x) }), func(x int) int { return -x }))
	for tick, push := range [][]int{{3, 1, 2}, {}, {5}} {
		in.PushAll(push)
		g.RunTick()
		want := make([]int, len(push))
		for i, x := range push {
			want[i] = -x
		}
		if got := out.Drain(nil); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
			t.Errorf("tick %d: Inspect(%v) emitted %v; want %v", tick, push, got, want)
		}
		if !cmp.Equal(seen, push, cmpopts.EquateEmpty()) {
			t.Errorf("tick %d: Inspect(%v) saw %v; want %v", tick, push, seen, push)
		}
		seen = seen[:0]
	}
}

func TestForEachAndNull(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	ps := dfir.Tee(p, 2)
	var got []int
	dfir.ForEach(ps[0], func(x int) { got = append(got, x) })
	dropped := 0
	dfir.Null(dfir.Inspect(ps[1], func(int) { dropped++ }))
	in.PushAll([]int{4, 5, 6})
	g.RunTick()
	in.Push(7)
	g.RunTick()
	if want := []int{4, 5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("ForEach([4 5 6], [7]) called f with %v; want %v", got, want)
	}
	if dropped != 4 {
		t.Errorf("Null: %d items reached it; want 4", dropped)
	}
}

func TestSourceIter(t *testing.T) {
	items := []int{1, 2, 3}
	g := dfir.New()
	// A same-type map downstream rewrites its batch in place; it must not
	// rewrite the caller's slice.
	out := dfir.SinkOutput(dfir.Map(dfir.SourceIter(g, items), func(x int) int { return x * 100 }))
	want := [][]int{{100, 200, 300}, nil, nil}
	for tick := range want {
		if !g.Pending() {
			g.RunTick()
		} else if n := g.RunAvailable(); tick == 0 && n != 1 {
			t.Errorf("RunAvailable() = %d on a graph of sources; want 1", n)
		}
		if got := out.Drain(nil); !slices.Equal(got, want[tick]) {
			t.Errorf("tick %d: SourceIter(%v) = %v; want %v", tick, items, got, want[tick])
		}
	}
	if want := []int{1, 2, 3}; !slices.Equal(items, want) {
		t.Errorf("SourceIter modified its slice: %v; want %v", items, want)
	}
}

func TestSourceSeq(t *testing.T) {
	calls := 0
	seq := func(yield func(string) bool) {
		calls++
		for _, s := range []string{"x", "y", "z"} {
			if !yield(s) {
				return
			}
		}
	}
	g := dfir.New()
	out := dfir.SinkOutput(dfir.SourceSeq(g, iter.Seq[string](seq)))
	for tick, want := range [][]string{{"x", "y", "z"}, nil, nil} {
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, want) {
			t.Errorf("tick %d: SourceSeq(x y z) = %v; want %v", tick, got, want)
		}
	}
	if calls != 1 {
		t.Errorf("SourceSeq ranged over seq %d times; want 1", calls)
	}
}

func TestInputPushLen(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[string](g)
	out := dfir.SinkOutput(p)
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	if n := in.Len(); n != 0 {
		t.Errorf("Len() = %d on a new input; want 0", n)
	}
	in.Push("a")
	vs := []string{"b", "c"}
	in.PushAll(vs)
	vs[0] = "mutated" // PushAll copies.
	in.Push("d")
	if n := in.Len(); n != 4 {
		t.Errorf("Len() = %d after pushing 4; want 4", n)
	}
	if out.Len() != 0 {
		t.Errorf("Output.Len() = %d before any tick; want 0", out.Len())
	}
	g.RunTick()
	if n := in.Len(); n != 0 {
		t.Errorf("Len() = %d after the tick; want 0", n)
	}
	if got, want := out.Drain(nil), []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("tick 0 = %v; want %v", got, want)
	}
	// An input empty at the start of a tick emits nothing.
	g.RunTick()
	if got := out.Drain(nil); len(got) != 0 {
		t.Errorf("tick 1 = %v; want []", got)
	}
	// Pushed between ticks, emitted in the next one.
	in.Push("e")
	if !g.Pending() {
		t.Errorf("Pending() = false with an item pushed; want true")
	}
	g.RunTick()
	if g.Pending() {
		t.Errorf("Pending() = true after the input was drained; want false")
	}
	if got, want := out.Drain(nil), []string{"e"}; !slices.Equal(got, want) {
		t.Errorf("tick 2 = %v; want %v", got, want)
	}
}

func TestOutputDrain(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	out := dfir.SinkOutput(p)
	if got := out.Drain(nil); len(got) != 0 {
		t.Errorf("Drain(nil) = %v on an empty output; want []", got)
	}
	// Undrained items accumulate across ticks.
	in.PushAll([]int{1, 2})
	g.RunTick()
	in.Push(3)
	g.RunTick()
	if n := out.Len(); n != 3 {
		t.Errorf("Len() = %d after two ticks; want 3", n)
	}
	got := out.Drain([]int{0})
	if want := []int{0, 1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("Drain([0]) = %v; want %v", got, want)
	}
	if n := out.Len(); n != 0 {
		t.Errorf("Len() = %d after Drain; want 0", n)
	}
	// Drain(nil) returns a slice the caller owns: later ticks must not
	// write into it.
	in.PushAll([]int{4, 5})
	g.RunTick()
	first := out.Drain(nil)
	in.PushAll([]int{6, 7})
	g.RunTick()
	second := out.Drain(nil)
	if !slices.Equal(first, []int{4, 5}) || !slices.Equal(second, []int{6, 7}) {
		t.Errorf("Drain(nil) twice = %v, %v; want [4 5], [6 7]", first, second)
	}
}

// The runtime moves batches of at most 1,024 items; these cross that
// boundary several times and check order and completeness.
func TestElementwiseLargeBatches(t *testing.T) {
	const n = 3000
	t.Run("SourceIter", func(t *testing.T) {
		g := dfir.New()
		p := dfir.Map(dfir.Map(dfir.SourceIter(g, upTo(n)), func(x int) int { return x + 1 }), func(x int) int { return x * 2 })
		e := dfir.Enumerate(dfir.Filter(p, func(x int) bool { return x%3 != 0 }))
		out := dfir.SinkOutput(e)
		g.RunTick()
		var want []dfir.KV[int, int]
		for x := range n {
			if v := (x + 1) * 2; v%3 != 0 {
				want = append(want, dfir.KV[int, int]{Key: len(want), Val: v})
			}
		}
		if diff := cmp.Diff(want, out.Drain(nil)); diff != "" {
			t.Errorf("Enumerate(Filter(Map(Map(SourceIter(0..%d))))) mismatch (-want +got):\n%s", n, diff)
		}
	})
	t.Run("SourceSeq", func(t *testing.T) {
		g := dfir.New()
		out := dfir.SinkOutput(dfir.Map(dfir.SourceSeq(g, slices.Values(upTo(n))), strconv.Itoa))
		g.RunTick()
		want := make([]string, n)
		for i := range want {
			want[i] = strconv.Itoa(i)
		}
		if diff := cmp.Diff(want, out.Drain(nil)); diff != "" {
			t.Errorf("Map(SourceSeq(0..%d), Itoa) mismatch (-want +got):\n%s", n, diff)
		}
	})
	t.Run("Input", func(t *testing.T) {
		g := dfir.New()
		in, p := dfir.SourceInput[int](g)
		pairs := dfir.FlatMap(p, func(x int) []int { return []int{x, -x} })
		out := dfir.SinkOutput(dfir.Unique(dfir.Map(pairs, func(x int) int { return x / 2 }), dfir.Static))
		var want []int
		seen := map[int]bool{}
		for tick := range 3 {
			for i := range n {
				in.Push(tick*n + i)
			}
			g.RunTick()
			want = want[:0]
			for i := range n {
				for _, v := range []int{tick*n + i, -(tick*n + i)} {
					if !seen[v/2] {
						seen[v/2] = true
						want = append(want, v/2)
					}
				}
			}
			if diff := cmp.Diff(want, out.Drain(nil), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("tick %d: Unique(Map(FlatMap(%d inputs)), Static) mismatch (-want +got):\n%s", tick, n, diff)
			}
		}
	})
	t.Run("FlatMapOne", func(t *testing.T) {
		// A single input item whose result spans several batches.
		g := dfir.New()
		out := dfir.SinkOutput(dfir.FlatMap(dfir.SourceIter(g, []int{n}), upTo))
		g.RunTick()
		if diff := cmp.Diff(upTo(n), out.Drain(nil)); diff != "" {
			t.Errorf("FlatMap([%d], upTo) mismatch (-want +got):\n%s", n, diff)
		}
	})
	t.Run("Flatten", func(t *testing.T) {
		g := dfir.New()
		out := dfir.SinkOutput(dfir.Flatten(dfir.SourceIter(g, [][]int{upTo(n)[:1500], nil, upTo(n)[1500:]})))
		g.RunTick()
		if diff := cmp.Diff(upTo(n), out.Drain(nil)); diff != "" {
			t.Errorf("Flatten(0..%d in two slices) mismatch (-want +got):\n%s", n, diff)
		}
	})
	t.Run("FilterMapEnumerate", func(t *testing.T) {
		g := dfir.New()
		in, p := dfir.SourceInput[int](g)
		fm := dfir.FilterMap(p, func(x int) (string, bool) { return fmt.Sprint(x), x%2 == 1 })
		out := dfir.SinkOutput(dfir.Enumerate(fm, dfir.Static))
		in.PushAll(upTo(n))
		g.RunTick()
		in.PushAll(upTo(n))
		g.RunTick()
		got := out.Drain(nil)
		if len(got) != n {
			t.Fatalf("Enumerate(FilterMap(odd of 0..%d) twice, Static) emitted %d items; want %d", n, len(got), n)
		}
		for i, kv := range got {
			if want := (dfir.KV[int, string]{Key: i, Val: strconv.Itoa((2*i + 1) % n)}); kv != want {
				t.Fatalf("item %d = %v; want %v", i, kv, want)
			}
		}
	})
}

// A same-type Map chain keeps the items it was handed; a type-changing Map
// after an in-place one sees the rewritten values.
func TestMapInPlaceThenTypeChange(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[string](g)
	up := dfir.Map(p, strings.ToUpper)
	bang := dfir.Map(up, func(s string) string { return s + "!" })
	out := dfir.SinkOutput(dfir.Map(bang, func(s string) []byte { return []byte(s) }))
	in.PushAll([]string{"go", "dfir"})
	g.RunTick()
	got := out.Drain(nil)
	want := [][]byte{[]byte("GO!"), []byte("DFIR!")}
	if !cmp.Equal(got, want) {
		t.Errorf("Map(Map(Map([go dfir], ToUpper), +!), []byte) = %q; want %q", got, want)
	}
}
