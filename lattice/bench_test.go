// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/lattice"
)

// BenchmarkMapUnionMerge clones a state of n counters and merges into it a delta of n
// counters, half of them new keys: the inner loop of a lattice key-value store.
func BenchmarkMapUnionMerge(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("op=merge,n=%d", n), func(b *testing.B) {
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
	}
}

// BenchmarkSetUnionMergeNoop merges a set that is already contained in the state, the common
// case once replicas have converged.
func BenchmarkSetUnionMergeNoop(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("op=merge-noop,n=%d", n), func(b *testing.B) {
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
	}
}
