// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// Branches of PartitionN and Demux that meet again see the input's order,
// as DFIR delivers it, however the branches are built.
func TestRouteBranchesMeetInOrder(t *testing.T) {
	items := intsUpTo(3000, func(i int) int { return (i * 7919) % 3001 })
	for _, tc := range []struct {
		name  string
		build func(p dfir.Port[int]) dfir.Port[int]
		want  []int
	}{
		{"partition_n into union", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Union(dfir.PartitionN(p, 3, func(x int) int { return x % 3 })...)
		}, items},
		{"demux, one branch through flat_map", func(p dfir.Port[int]) dfir.Port[int] {
			outs := dfir.Demux(p, 2, func(x int) (int, int) { return x % 2, x })
			twice := dfir.FlatMap(outs[0], func(x int) []int { return []int{x, x} })
			return dfir.Union(twice, outs[1])
		}, func() []int {
			var w []int
			for _, x := range items {
				if w = append(w, x); x%2 == 0 {
					w = append(w, x)
				}
			}
			return w
		}()},
		{"two of three meet", func(p dfir.Port[int]) dfir.Port[int] {
			outs := dfir.PartitionN(p, 3, func(x int) int { return x % 3 })
			dfir.Null(outs[1])
			return dfir.Union(outs[2], outs[0])
		}, func() []int {
			var w []int
			for _, x := range items {
				if x%3 != 1 {
					w = append(w, x)
				}
			}
			return w
		}()},
		// Past the Union, a handoff keeps the order it was given.
		{"meet, then a stratum", func(p dfir.Port[int]) dfir.Port[int] {
			outs := dfir.PartitionN(p, 2, func(x int) int { return x % 2 })
			return dfir.NextStratum(dfir.Union(outs[0], outs[1]))
		}, items},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(tc.build(p))
			mustCompile(t, g)
			for tick := range 2 {
				in.PushAll(items)
				g.RunTick()
				if got := out.Drain(nil); !slices.Equal(got, tc.want) {
					t.Errorf("tick %d: %s = %s; want %s", tick, tc.name, brief(got), brief(tc.want))
				}
			}
		})
	}
}

// Outputs that never meet keep full batches: the subgraph of each sink runs
// once per tick.
func TestRouteBranchesApartKeepBatches(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	outs := dfir.PartitionN(p, 2, func(x int) int { return x % 2 })
	a := dfir.SinkOutput(dfir.NextStratum(outs[0]))
	b := dfir.SinkOutput(dfir.NextStratum(outs[1]))
	mustCompile(t, g)
	in.PushAll(upTo(1000))
	g.RunTick()
	for _, h := range g.Stats().Handoffs {
		if h.Kind == "stratum" && h.Drains != 1 {
			t.Errorf("handoff %s → %s drained %d times; want 1", h.From, h.To, h.Drains)
		}
	}
	if a.Len() != 500 || b.Len() != 500 {
		t.Errorf("PartitionN split 1000 items into %d and %d; want 500 and 500", a.Len(), b.Len())
	}
}

func TestRouteOrderedAllocs(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	dfir.Null(dfir.Union(dfir.PartitionN(p, 3, func(x int) int { return x % 3 })...))
	items := upTo(3000)
	if a := allocsPerTick(t, g, func() { in.PushAll(items) }); a > 0 {
		t.Errorf("PartitionN meeting in Union: %v allocations per tick; want 0", a)
	}
}
