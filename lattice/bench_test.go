// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/hydro-go/hydro/lattice"
)

// BenchmarkMapUnionMerge clones a state of n counters and merges into it a
// delta of n counters, half of them new keys: the inner loop of a lattice
// key-value store. The baseline does the same with a plain map and max.
func BenchmarkMapUnionMerge(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("op=merge,n=%d/impl=lattice", n), func(b *testing.B) {
			var state, delta lattice.MapUnion[int, lattice.Max[int]]
			for i := range n {
				state.Insert(i, mx(i))
				delta.Insert(i+n/2, mx(i+n/2+1))
			}
			b.ReportAllocs()
			var got lattice.MapUnion[int, lattice.Max[int]]
			for b.Loop() {
				got, _ = state.Clone().Merge(delta)
			}
			if got.Len() != n+n/2 {
				b.Fatalf("Merge gave %d keys; want %d", got.Len(), n+n/2)
			}
		})
		b.Run(fmt.Sprintf("op=merge,n=%d/impl=baseline", n), func(b *testing.B) {
			state, delta := map[int]int{}, map[int]int{}
			for i := range n {
				state[i] = i
				delta[i+n/2] = i + n/2 + 1
			}
			b.ReportAllocs()
			var got map[int]int
			for b.Loop() {
				got = maps.Clone(state)
				for k, v := range delta {
					if old, ok := got[k]; !ok || v > old {
						got[k] = v
					}
				}
			}
			if len(got) != n+n/2 {
				b.Fatalf("merge gave %d keys; want %d", len(got), n+n/2)
			}
		})
	}
}

// BenchmarkSetUnionMergeNoop merges a set that is already contained in the
// state, the common case once replicas have converged. The baseline checks
// containment in a plain map.
func BenchmarkSetUnionMergeNoop(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("op=merge-noop,n=%d/impl=lattice", n), func(b *testing.B) {
			var state lattice.SetUnion[int]
			for i := range n {
				state.Insert(i)
			}
			delta := state.Clone()
			b.ReportAllocs()
			changed := false
			for b.Loop() {
				var ch bool
				state, ch = state.Merge(delta)
				changed = changed || ch
			}
			if changed || state.Len() != n {
				b.Fatalf("Merge changed = %t, Len = %d; want false, %d", changed, state.Len(), n)
			}
		})
		b.Run(fmt.Sprintf("op=merge-noop,n=%d/impl=baseline", n), func(b *testing.B) {
			state := map[int]struct{}{}
			for i := range n {
				state[i] = struct{}{}
			}
			delta := maps.Clone(state)
			b.ReportAllocs()
			changed := false
			for b.Loop() {
				for k := range delta {
					if _, ok := state[k]; !ok {
						state[k] = struct{}{}
						changed = true
					}
				}
			}
			if changed || len(state) != n {
				b.Fatalf("merge changed = %t, len = %d; want false, %d", changed, len(state), n)
			}
		})
	}
}
