// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/hydro-go/hydro/lattice"
)

type mergeCase[L lattice.Lattice[L]] struct {
	a, b    L
	want    L
	changed bool
}

// testMerges checks each case's Merge result by equality and by its printed form.
func testMerges[L lattice.Lattice[L]](t *testing.T, cases []mergeCase[L]) {
	t.Helper()
	for _, tc := range cases {
		got, changed := tc.a.Clone().Merge(tc.b)
		if !lattice.Equal(got, tc.want) || fmt.Sprint(got) != fmt.Sprint(tc.want) || changed != tc.changed {
			t.Errorf("Merge(%v, %v) = %v, changed %t; want %v, changed %t", tc.a, tc.b, got, changed, tc.want, tc.changed)
		}
	}
}

func TestMergeMaxMin(t *testing.T) {
	testMerges(t, []mergeCase[lattice.Max[int]]{
		{mx(1), mx(2), mx(2), true},
		{mx(2), mx(1), mx(2), false},
		{mx(2), mx(2), mx(2), false},
		{lattice.Max[int]{}, mx(-1), mx(0), false},
	})
	testMerges(t, []mergeCase[lattice.Min[int]]{
		{lattice.NewMin(1), lattice.NewMin(2), lattice.NewMin(1), false},
		{lattice.NewMin(2), lattice.NewMin(1), lattice.NewMin(1), true},
	})
	nan := math.NaN()
	testMerges(t, []mergeCase[lattice.Max[float64]]{
		{lattice.NewMax(nan), lattice.NewMax(-math.MaxFloat64), lattice.NewMax(-math.MaxFloat64), true},
		{lattice.NewMax(1.0), lattice.NewMax(nan), lattice.NewMax(1.0), false},
		{lattice.NewMax(nan), lattice.NewMax(nan), lattice.NewMax(nan), false},
	})
	testMerges(t, []mergeCase[lattice.Min[float64]]{
		{lattice.NewMin(1.0), lattice.NewMin(nan), lattice.NewMin(nan), true},
	})
}

func TestMergeSetMap(t *testing.T) {
	testMerges(t, []mergeCase[lattice.SetUnion[int]]{
		{set[int](), set(1), set(1), true},
		{set(1), set[int](), set(1), false},
		{set(1, 2), set(2, 3), set(1, 2, 3), true},
		{set(1, 2), set(2), set(1, 2), false},
	})
	testMerges(t, []mergeCase[lattice.MapUnion[string, lattice.Max[int]]]{
		{counters(nil), counters(map[string]int{"a": 0}), counters(map[string]int{"a": 0}), true},
		{counters(map[string]int{"a": 1}), counters(map[string]int{"a": 0}), counters(map[string]int{"a": 1}), false},
		{counters(map[string]int{"a": 1}), counters(map[string]int{"a": 2, "b": 0}), counters(map[string]int{"a": 2, "b": 0}), true},
		{counters(map[string]int{"a": 1, "b": 5}), counters(map[string]int{"b": 4}), counters(map[string]int{"a": 1, "b": 5}), false},
	})
}

func TestMergeDomPair(t *testing.T) {
	type D = lattice.DomPair[lattice.Max[int], lattice.SetUnion[string]]
	d := func(k int, vs ...string) D { return lattice.NewDomPair(mx(k), set(vs...)) }
	testMerges(t, []mergeCase[D]{
		{d(1, "a"), d(2, "b"), d(2, "b"), true},      // larger key replaces
		{d(2, "a"), d(1, "b"), d(2, "a"), false},     // smaller key is ignored
		{d(1, "a"), d(1, "b"), d(1, "a", "b"), true}, // equal keys merge values
		{d(1, "a", "b"), d(1, "b"), d(1, "a", "b"), false},
		{d(1, "a", "b", "c"), d(2), d(2), true}, // even a smaller value wins with a larger key
	})
	// With incomparable keys DomPair merges both halves, as Hydro does (and is no lattice).
	type S = lattice.DomPair[lattice.SetUnion[int], lattice.Max[int]]
	testMerges(t, []mergeCase[S]{
		{lattice.NewDomPair(set(1), mx(5)), lattice.NewDomPair(set(2), mx(3)), lattice.NewDomPair(set(1, 2), mx(5)), true},
		{lattice.NewDomPair(set(1), mx(5)), lattice.NewDomPair(set(1, 2), mx(3)), lattice.NewDomPair(set(1, 2), mx(3)), true},
	})
	if !d(1, "a", "b").LessEq(d(2)) || d(2).LessEq(d(1, "a")) || !d(1, "a").LessEq(d(1, "a", "b")) || d(1, "a").LessEq(d(1, "b")) {
		t.Errorf("DomPair.LessEq is not lexicographic")
	}
}

func TestMergeWrappers(t *testing.T) {
	type B = lattice.WithBot[lattice.Max[int]]
	bot := lattice.Bot[lattice.Max[int]]()
	testMerges(t, []mergeCase[B]{
		{bot, bot, bot, false},
		{bot, lattice.NewWithBot(mx(-3)), lattice.NewWithBot(mx(-3)), true},
		{lattice.NewWithBot(mx(-3)), bot, lattice.NewWithBot(mx(-3)), false},
		{lattice.NewWithBot(mx(-3)), lattice.NewWithBot(mx(2)), lattice.NewWithBot(mx(2)), true},
	})
	type T = lattice.WithTop[lattice.SetUnion[int]]
	top := lattice.Top[lattice.SetUnion[int]]()
	testMerges(t, []mergeCase[T]{
		{T{}, lattice.NewWithTop(set(1)), lattice.NewWithTop(set(1)), true},
		{lattice.NewWithTop(set(1)), top, top, true},
		{top, lattice.NewWithTop(set(1)), top, false},
		{top, top, top, false},
	})
	testMerges(t, []mergeCase[lattice.Conflict[string]]{
		{lattice.NewConflict("a"), lattice.NewConflict("a"), lattice.NewConflict("a"), false},
		{lattice.NewConflict("a"), lattice.NewConflict("b"), lattice.Conflicted[string](), true},
		{lattice.Conflicted[string](), lattice.NewConflict("b"), lattice.Conflicted[string](), false},
		{lattice.NewConflict("a"), lattice.Conflicted[string](), lattice.Conflicted[string](), true},
	})
	if v, ok := bot.Get(); ok || v != (lattice.Max[int]{}) || !bot.IsBot() || !(B{}).IsBot() {
		t.Errorf("Bot().Get() = %v, %t; want zero, false", v, ok)
	}
	if v, ok := lattice.NewWithBot(mx(4)).Get(); !ok || v != mx(4) {
		t.Errorf("NewWithBot(Max(4)).Get() = %v, %t; want Max(4), true", v, ok)
	}
	if _, ok := top.Get(); ok || !top.IsTop() || (T{}).IsTop() {
		t.Errorf("Top().Get() ok = %t; want false, and only Top() IsTop", ok)
	}
	if v, ok := (lattice.WithTop[lattice.Max[int]]{}).Get(); !ok || v != mx(0) {
		t.Errorf("WithTop{}.Get() = %v, %t; want Max(0), true", v, ok)
	}
	c := lattice.Conflicted[int]()
	if v, ok := c.Get(); ok || v != 0 || !c.IsTop() {
		t.Errorf("Conflicted().Get() = %v, %t; want 0, false", v, ok)
	}
	if v, ok := lattice.NewConflict(3).Get(); !ok || v != 3 || lattice.NewConflict(3).IsTop() {
		t.Errorf("NewConflict(3).Get() = %v, %t; want 3, true", v, ok)
	}
}

func TestPointPanics(t *testing.T) {
	if got, changed := lattice.NewPoint("a").Merge(lattice.NewPoint("a")); got.V != "a" || changed {
		t.Errorf("Merge(Point(a), Point(a)) = %v, changed %t; want Point(a), changed false", got, changed)
	}
	if lattice.NewPoint(1).LessEq(lattice.NewPoint(2)) {
		t.Errorf("Point(1).LessEq(Point(2)) = true; want false")
	}
	defer func() {
		const want = "lattice: Point merge of different values a and b"
		if r := recover(); r != want {
			t.Errorf("Merge(Point(a), Point(b)) panicked with %v; want %q", r, want)
		}
	}()
	lattice.NewPoint("a").Merge(lattice.NewPoint("b"))
	t.Errorf("Merge(Point(a), Point(b)) did not panic")
}

func TestString(t *testing.T) {
	type key struct {
		A int
		B string
	}
	tests := []struct {
		v    any
		want string
	}{
		{mx(3), "Max(3)"},
		{lattice.NewMin("x"), "Min(x)"},
		{lattice.SetUnion[int]{}, "{}"},
		{set(10, 2, 1, -5), "{-5, 1, 2, 10}"},
		{set("b", "a", "c"), "{a, b, c}"},
		{set(2.5, math.Inf(-1), math.NaN()), "{NaN, -Inf, 2.5}"},
		{set[any]("a", 2, nil, 1.5, 1), "{<nil>, 1.5, 1, 2, a}"},
		{set(key{2, "a"}, key{1, "b"}, key{1, "a"}), "{{1 a}, {1 b}, {2 a}}"},
		{set([2]bool{true, false}, [2]bool{false, true}), "{[false true], [true false]}"},
		{counters(map[string]int{"b": 2, "a": 1}), "{a: Max(1), b: Max(2)}"},
		{lattice.NewMapUnion(map[int]lattice.SetUnion[int]{10: set(1), 9: {}}), "{9: {}, 10: {1}}"},
		{lattice.NewPair(mx(1), set("a")), "Pair(Max(1), {a})"},
		{lattice.NewDomPair(mx(1), lattice.NewConflict("v")), "DomPair(Max(1), Conflict(v))"},
		{lattice.Bot[lattice.Max[int]](), "bot"},
		{lattice.NewWithBot(mx(1)), "Max(1)"},
		{lattice.Top[lattice.Max[int]](), "top"},
		{lattice.NewWithTop(mx(1)), "Max(1)"},
		{lattice.Conflicted[int](), "conflict"},
		{lattice.NewPoint(4), "Point(4)"},
	}
	for _, tt := range tests {
		for range 3 { // map order varies between iterations
			if got := fmt.Sprint(tt.v); got != tt.want {
				t.Errorf("fmt.Sprint(%#v) = %s; want %s", tt.v, got, tt.want)
				break
			}
		}
	}
}

func TestSetUnionAccessors(t *testing.T) {
	var s lattice.SetUnion[string]
	if s.Has("a") || s.Len() != 0 || len(slices.Collect(s.All())) != 0 {
		t.Fatalf("zero SetUnion is not empty: %v", s)
	}
	if !s.Insert("a") || s.Insert("a") || !s.Insert("b") {
		t.Errorf("Insert(a), Insert(a), Insert(b) reported wrong changes; set is %v", s)
	}
	if got := slices.Sorted(s.All()); !slices.Equal(got, []string{"a", "b"}) || s.Len() != 2 || !s.Has("b") {
		t.Errorf("All() = %v, Len() = %d; want [a b], 2", got, s.Len())
	}
}

func TestMapUnionAccessors(t *testing.T) {
	var m lattice.MapUnion[string, lattice.SetUnion[int]]
	if _, ok := m.Get("a"); ok || m.Len() != 0 || len(maps.Collect(m.All())) != 0 {
		t.Fatalf("zero MapUnion is not empty: %v", m)
	}
	v := set(1)
	if !m.Insert("a", v) || m.Insert("a", set(1)) || !m.Insert("a", set(2)) || !m.Insert("b", set[int]()) {
		t.Errorf("Insert reported wrong changes; map is %v", m)
	}
	if got := fmt.Sprint(m); got != "{a: {1, 2}, b: {}}" {
		t.Errorf("after inserts m = %s; want {a: {1, 2}, b: {}}", got)
	}
	if got := fmt.Sprint(v); got != "{1}" {
		t.Errorf("Insert changed its argument to %s; want {1}", got)
	}
	if a, ok := m.Get("a"); !ok || !lattice.Equal(a, set(1, 2)) {
		t.Errorf(`Get("a") = %v, %t; want {1, 2}, true`, a, ok)
	}
	var keys []string
	for k := range m.All() {
		keys = append(keys, k)
	}
	if slices.Sort(keys); !slices.Equal(keys, []string{"a", "b"}) || m.Len() != 2 {
		t.Errorf("keys of All() = %v, Len() = %d; want [a b], 2", keys, m.Len())
	}
	src := map[string]lattice.SetUnion[int]{"x": set(1)}
	n := lattice.NewMapUnion(src)
	n.Insert("x", set(2))
	if got := fmt.Sprint(src["x"]); got != "{1}" {
		t.Errorf("NewMapUnion retained its argument: it changed to %s; want {1}", got)
	}
}

// TestSelfMerge checks that a value can be merged with itself, storage and all.
func TestSelfMerge(t *testing.T) {
	m := lattice.NewMapUnion(map[string]lattice.SetUnion[int]{"a": set(1, 2), "b": set(3)})
	got, changed := m.Merge(m)
	if changed || fmt.Sprint(got) != "{a: {1, 2}, b: {3}}" {
		t.Errorf("Merge(m, m) = %v, changed %t; want m, changed false", got, changed)
	}
	s := set(1, 2)
	if got, changed := s.Merge(s); changed || got.Len() != 2 {
		t.Errorf("Merge(s, s) = %v, changed %t; want s, changed false", got, changed)
	}
}

func TestMergeEqualHelpers(t *testing.T) {
	var s lattice.SetUnion[int]
	if !lattice.Merge(&s, set(1)) || lattice.Merge(&s, set(1)) || !lattice.Equal(s, set(1)) {
		t.Errorf("Merge(&s, {1}) twice gave %v; want changed then unchanged, {1}", s)
	}
	if lattice.Equal(set(1), set(1, 2)) || !lattice.Equal(lattice.NewMax(0.0), lattice.NewMax(math.Copysign(0, -1))) {
		t.Errorf("Equal is not mutual LessEq")
	}
}

// TestNoAliasing checks that a merge result and its argument stay independent for nested
// values, where a shallow copy would share the inner maps.
func TestNoAliasing(t *testing.T) {
	type M = lattice.MapUnion[string, lattice.SetUnion[int]]
	delta := lattice.NewMapUnion(map[string]lattice.SetUnion[int]{"k": set(1)})
	var a, b M
	lattice.Merge(&a, delta)
	lattice.Merge(&b, delta)
	a.Insert("k", set(2))
	lattice.Merge(&b, lattice.NewMapUnion(map[string]lattice.SetUnion[int]{"k": set(3)}))
	for _, c := range []struct {
		name string
		v    M
		want string
	}{{"delta", delta, "{k: {1}}"}, {"a", a, "{k: {1, 2}}"}, {"b", b, "{k: {1, 3}}"}} {
		if got := fmt.Sprint(c.v); got != c.want {
			t.Errorf("%s = %s; want %s", c.name, got, c.want)
		}
	}
	type D = lattice.DomPair[lattice.Max[int], lattice.SetUnion[int]]
	newer := lattice.NewDomPair(mx(2), set(1))
	d, _ := lattice.NewDomPair(mx(1), set(9)).Merge(newer)
	d.Val.Insert(5)
	var w lattice.WithBot[D]
	lattice.Merge(&w, lattice.NewWithBot(newer))
	inner, _ := w.Get()
	inner.Val.Insert(6)
	if got := fmt.Sprint(newer); got != "DomPair(Max(2), {1})" {
		t.Errorf("merging into results changed the argument to %s; want DomPair(Max(2), {1})", got)
	}
}
