// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/lattice"
)

func TestLatticeFoldFrom(t *testing.T) {
	ticks := [][]int{{3, 1, 3}, nil, {2}, upTo(1500)}
	for _, tc := range []struct {
		lt   dfir.Lifetime
		want [][]int
	}{
		{dfir.PerTick, [][]int{{1, 3}, nil, {2}, upTo(1500)}},
		{dfir.Static, [][]int{{1, 3}, {1, 3}, {1, 2, 3}, upTo(1500)}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.LatticeFoldFrom(p, func() intSet { return lattice.NewSetUnion[int]() }, (*intSet).Insert, tc.lt))
			var emitted []intSet
			for i, items := range ticks {
				in.PushAll(items)
				g.RunTick()
				got := out.Drain(nil)
				if len(got) != 1 {
					t.Fatalf("tick %d: LatticeFoldFrom emitted %d values; want 1", i, len(got))
				}
				if m := setMembers(got[0]); !slices.Equal(m, tc.want[i]) {
					t.Errorf("tick %d: LatticeFoldFrom(%s) = %v; want %v", i, brief(items), brief(m), brief(tc.want[i]))
				}
				emitted = append(emitted, got[0])
			}
			// What was emitted is the consumer's: later ticks do not change it.
			if m := setMembers(emitted[0]); !slices.Equal(m, tc.want[0]) {
				t.Errorf("tick 0's value became %v after later ticks; want %v", m, tc.want[0])
			}
		})
	}
}

// Items into a map lattice: each (key, value) stands for a one-entry map.
func TestLatticeFoldFromMap(t *testing.T) {
	type m = lattice.MapUnion[string, lattice.Max[int]]
	type kv = dfir.KV[string, int]
	g := dfir.New()
	in, p := dfir.SourceInput[kv](g)
	out := dfir.SinkOutput(dfir.LatticeFoldFrom(p, func() m { return lattice.NewMapUnion[string, lattice.Max[int]](nil) },
		func(acc *m, item kv) bool { return acc.Insert(item.Key, lattice.NewMax(item.Val)) }))
	in.PushAll([]kv{{"a", 1}, {"b", 5}, {"a", 4}, {"a", 2}})
	g.RunTick()
	got := out.Drain(nil)
	want := lattice.NewMapUnion(map[string]lattice.Max[int]{"a": lattice.NewMax(4), "b": lattice.NewMax(5)})
	if len(got) != 1 || !lattice.Equal(got[0], want) {
		t.Errorf("LatticeFoldFrom(map) = %v; want [%v]", got, want)
	}
}

// Reachability with the reached set as a lattice on a fixpoint cycle: no
// DeferTick, since the set only grows.
func TestLatticeFoldOnFixpointCycle(t *testing.T) {
	edges := map[int][]int{1: {2}, 2: {3}, 3: {1}, 4: {5}}
	empty := func() intSet { return lattice.NewSetUnion[int]() }
	for _, tc := range []struct {
		lt   dfir.Lifetime
		want [][]int
	}{
		{dfir.PerTick, [][]int{{1, 2, 3}, {4, 5}, nil}},
		{dfir.Static, [][]int{{1, 2, 3}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, start := dfir.SourceInput[int](g)
			c, back := dfir.NewCycle[intSet](g)
			var scratch []int
			next := dfir.FlatMap(back, func(s intSet) []int {
				scratch = scratch[:0]
				for v := range s.All() {
					scratch = append(scratch, edges[v]...)
				}
				return scratch
			})
			reach := dfir.LatticeFoldFrom(dfir.Union(start, next), empty, (*intSet).Insert, tc.lt)
			ts := dfir.Tee(reach, 2)
			c.Close(ts[0])
			out := dfir.SinkOutput(dfir.LatticeReduce(ts[1]))
			mustCompile(t, g)
			for i, push := range [][]int{{1}, {4}, nil} {
				in.PushAll(push)
				g.RunTick()
				got := out.Drain(nil)
				if len(got) != 1 {
					t.Fatalf("tick %d: %d values; want 1", i, len(got))
				}
				if m := setMembers(got[0]); !slices.Equal(m, tc.want[i]) {
					t.Errorf("tick %d: reached from %v = %v; want %v", i, push, m, tc.want[i])
				}
			}
		})
	}
}

// Fold, which may shrink what it emitted, still needs DeferTick on a cycle;
// the lattice folds do not.
func TestFixpointCycleNeedsMonotone(t *testing.T) {
	for _, tc := range []struct {
		name string
		fold func(dfir.Port[lattice.Max[int]]) dfir.Port[lattice.Max[int]]
		ok   bool
	}{
		{"LatticeFold", func(p dfir.Port[lattice.Max[int]]) dfir.Port[lattice.Max[int]] {
			return dfir.LatticeFold(p, func() lattice.Max[int] { return lattice.NewMax(0) })
		}, true},
		{"Fold", func(p dfir.Port[lattice.Max[int]]) dfir.Port[lattice.Max[int]] {
			return dfir.Fold(p, func() lattice.Max[int] { return lattice.NewMax(0) }, func(acc *lattice.Max[int], v lattice.Max[int]) { *acc = v })
		}, false},
	} {
		g := dfir.New()
		src := dfir.SourceIter(g, maxes(3))
		c, back := dfir.NewCycle[lattice.Max[int]](g)
		capped := dfir.Filter(back, func(m lattice.Max[int]) bool { return m.V < 10 })
		inc := dfir.Map(capped, func(m lattice.Max[int]) lattice.Max[int] { return lattice.NewMax(m.V + 1) })
		ts := dfir.Tee(tc.fold(dfir.Union(src, inc)), 2)
		c.Close(ts[0])
		out := dfir.SinkOutput(dfir.LatticeReduce(ts[1]))
		err := g.Compile()
		if (err == nil) != tc.ok {
			t.Errorf("%s on a fixpoint cycle: Compile() = %v; want ok = %v", tc.name, err, tc.ok)
			continue
		}
		if tc.ok {
			g.RunTick()
			if got := out.Drain(nil); !slices.Equal(got, maxes(10)) {
				t.Errorf("%s counting up to 10 on a cycle = %v; want [Max(10)]", tc.name, got)
			}
		}
	}
}
