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
