// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"math"
	"testing"

	"github.com/hydro-go/hydro/lattice"
	"github.com/hydro-go/hydro/lattice/latticetest"
)

// Short constructors for sample values.

func set[T comparable](xs ...T) lattice.SetUnion[T] { return lattice.NewSetUnion(xs...) }

func mx(v int) lattice.Max[int] { return lattice.NewMax(v) }

func counters(m map[string]int) lattice.MapUnion[string, lattice.Max[int]] {
	var out lattice.MapUnion[string, lattice.Max[int]]
	for k, v := range m {
		out.Insert(k, mx(v))
	}
	return out
}

func TestLawsMaxMin(t *testing.T) {
	latticetest.CheckLaws(t, []lattice.Max[int]{{}, mx(math.MinInt), mx(-1), mx(1), mx(5), mx(math.MaxInt)})
	latticetest.CheckLaws(t, []lattice.Max[uint8]{{}, {V: 1}, {V: 255}})
	latticetest.CheckLaws(t, []lattice.Max[string]{{}, {V: "a"}, {V: "ab"}, {V: "b"}})
	floats := []float64{math.NaN(), math.Inf(-1), -1, math.Copysign(0, -1), 0, 1.5, math.Inf(1)}
	var maxes []lattice.Max[float64]
	var mins []lattice.Min[float64]
	for _, f := range floats {
		maxes = append(maxes, lattice.NewMax(f))
		mins = append(mins, lattice.NewMin(f))
	}
	latticetest.CheckLaws(t, maxes)
	latticetest.CheckLaws(t, mins)
	latticetest.CheckLaws(t, []lattice.Min[int]{{}, lattice.NewMin(math.MinInt), lattice.NewMin(-3), lattice.NewMin(7)})
	latticetest.CheckLaws(t, []lattice.Min[string]{{}, {V: "a"}, {V: "b"}})
}

func TestLawsSetUnion(t *testing.T) {
	latticetest.CheckLaws(t, []lattice.SetUnion[int]{{}, set(1), set(2), set(1, 2), set(3), set(1, 2, 3), set(4, 5)})
	latticetest.CheckLaws(t, []lattice.SetUnion[string]{{}, set(""), set("a"), set("a", "b"), set("b", "c")})
	latticetest.CheckLaws(t, []lattice.SetUnion[any]{{}, set[any](nil), set[any](1, "1"), set[any](1.0, nil)})
}

func TestLawsMapUnion(t *testing.T) {
	latticetest.CheckLaws(t, []lattice.MapUnion[string, lattice.Max[int]]{
		{},
		counters(map[string]int{"a": 0}),
		counters(map[string]int{"a": 1}),
		counters(map[string]int{"b": 1}),
		counters(map[string]int{"a": 2, "b": 1}),
		counters(map[string]int{"a": 1, "b": 3, "c": 0}),
		counters(map[string]int{"c": -1}),
	})
	latticetest.CheckLaws(t, []lattice.MapUnion[int, lattice.SetUnion[string]]{
		{},
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{1: {}}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{1: set("x")}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{1: set("y")}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{1: set("x", "y"), 2: set("z")}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{2: {}}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[string]{2: set("x"), 3: set("x")}),
	})
	type inner = lattice.MapUnion[string, lattice.Max[int]]
	latticetest.CheckLaws(t, []lattice.MapUnion[string, inner]{
		{},
		lattice.NewMapUnion(map[string]inner{"p": {}}),
		lattice.NewMapUnion(map[string]inner{"p": counters(map[string]int{"a": 1})}),
		lattice.NewMapUnion(map[string]inner{"p": counters(map[string]int{"a": 2, "b": 0}), "q": {}}),
		lattice.NewMapUnion(map[string]inner{"q": counters(map[string]int{"b": 1})}),
	})
}

func TestLawsPair(t *testing.T) {
	type P = lattice.Pair[lattice.Max[int], lattice.SetUnion[string]]
	latticetest.CheckLaws(t, []P{
		{},
		lattice.NewPair(mx(1), lattice.SetUnion[string]{}),
		lattice.NewPair(mx(0), set("a")),
		lattice.NewPair(mx(1), set("a")),
		lattice.NewPair(mx(2), set("b")),
		lattice.NewPair(mx(-1), set("a", "b", "c")),
	})
	type Q = lattice.Pair[lattice.Min[int], lattice.WithBot[lattice.Max[int]]]
	latticetest.CheckLaws(t, []Q{
		{},
		lattice.NewPair(lattice.NewMin(3), lattice.Bot[lattice.Max[int]]()),
		lattice.NewPair(lattice.NewMin(3), lattice.NewWithBot(mx(-4))),
		lattice.NewPair(lattice.NewMin(-3), lattice.NewWithBot(mx(4))),
	})
}

func TestLawsDomPair(t *testing.T) {
	type D = lattice.DomPair[lattice.Max[int], lattice.SetUnion[string]]
	latticetest.CheckLaws(t, []D{
		{},
		lattice.NewDomPair(mx(0), set("a")),
		lattice.NewDomPair(mx(0), set("b")),
		lattice.NewDomPair(mx(0), set("a", "b")),
		lattice.NewDomPair(mx(1), lattice.SetUnion[string]{}),
		lattice.NewDomPair(mx(1), set("a", "c")),
		lattice.NewDomPair(mx(2), set("c")),
		lattice.NewDomPair(mx(-1), set("a", "b", "c", "d")),
	})
	// A last-writer-wins register: versions with a Conflict value.
	type LWW = lattice.DomPair[lattice.Max[uint64], lattice.Conflict[string]]
	reg := func(v uint64, s string) LWW {
		return lattice.NewDomPair(lattice.NewMax(v), lattice.NewConflict(s))
	}
	latticetest.CheckLaws(t, []LWW{
		{},
		reg(1, "x"),
		reg(1, "y"),
		lattice.NewDomPair(lattice.NewMax[uint64](1), lattice.Conflicted[string]()),
		reg(2, "x"),
		reg(3, ""),
	})
}

func TestLawsWithBotWithTop(t *testing.T) {
	latticetest.CheckLaws(t, []lattice.WithBot[lattice.Max[int]]{
		{},
		lattice.Bot[lattice.Max[int]](),
		lattice.NewWithBot(mx(math.MinInt)),
		lattice.NewWithBot(mx(-5)),
		lattice.NewWithBot(mx(0)),
		lattice.NewWithBot(mx(3)),
	})
	latticetest.CheckLaws(t, []lattice.WithBot[lattice.SetUnion[int]]{
		{},
		lattice.NewWithBot(lattice.SetUnion[int]{}),
		lattice.NewWithBot(set(1)),
		lattice.NewWithBot(set(2)),
		lattice.NewWithBot(set(1, 2)),
	})
	latticetest.CheckLaws(t, []lattice.WithTop[lattice.SetUnion[int]]{
		{},
		lattice.NewWithTop(set(1)),
		lattice.NewWithTop(set(2)),
		lattice.NewWithTop(set(1, 2)),
		lattice.Top[lattice.SetUnion[int]](),
	})
	latticetest.CheckLaws(t, []lattice.WithTop[lattice.WithBot[lattice.Max[int]]]{
		{},
		lattice.NewWithTop(lattice.NewWithBot(mx(-1))),
		lattice.NewWithTop(lattice.NewWithBot(mx(1))),
		lattice.Top[lattice.WithBot[lattice.Max[int]]](),
	})
}

func TestLawsConflictPoint(t *testing.T) {
	latticetest.CheckLaws(t, []lattice.Conflict[string]{
		{},
		lattice.NewConflict("a"),
		lattice.NewConflict("b"),
		lattice.Conflicted[string](),
	})
	latticetest.CheckLaws(t, []lattice.WithBot[lattice.Conflict[string]]{
		{},
		lattice.NewWithBot(lattice.NewConflict("")),
		lattice.NewWithBot(lattice.NewConflict("a")),
		lattice.NewWithBot(lattice.NewConflict("b")),
		lattice.NewWithBot(lattice.Conflicted[string]()),
	})
	// Points must agree, so samples of one Point type hold a single value.
	latticetest.CheckLaws(t, []lattice.Point[string]{{V: "a"}, lattice.NewPoint("a")})
	latticetest.CheckLaws(t, []lattice.WithBot[lattice.Point[int]]{
		{},
		lattice.NewWithBot(lattice.NewPoint(7)),
		lattice.NewWithBot(lattice.NewPoint(7)),
	})
	// Each key's Point is fixed, but maps may hold different keys.
	pm := func(m map[string]int) lattice.MapUnion[string, lattice.Point[int]] {
		var out lattice.MapUnion[string, lattice.Point[int]]
		for k, v := range m {
			out.Insert(k, lattice.NewPoint(v))
		}
		return out
	}
	latticetest.CheckLaws(t, []lattice.MapUnion[string, lattice.Point[int]]{
		{},
		pm(map[string]int{"a": 1}),
		pm(map[string]int{"b": 2}),
		pm(map[string]int{"a": 1, "b": 2, "c": 3}),
	})
}
