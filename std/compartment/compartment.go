// SPDX-License-Identifier: Apache-2.0

package compartment

import "github.com/hydro-go/hydro"

// PartitionBy sends each item of s to member key(item) mod n of to: every
// item with one key reaches one member, in s's order. The cluster must run
// with n members (hydro.Size, or -cluster Name=n); n must be positive.
func PartitionBy[T any, L hydro.Location, C any](s hydro.Stream[T, L], to *hydro.Cluster[C], n int, key func(T) uint64) hydro.Stream[T, *hydro.Cluster[C]] {
	if n <= 0 {
		panic("compartment: PartitionBy needs n ≥ 1 members")
	}
	routed := hydro.Map(s, func(v T) hydro.KV[hydro.MemberID[C], T] {
		return hydro.KV[hydro.MemberID[C], T]{Key: hydro.MemberID[C](key(v) % uint64(n)), Val: v}
	})
	return hydro.Demux(hydro.IntoKeyed(routed), to)
}

// OneToOne sends what each member of from holds to the member of to with
// the same id, in order: the two clusters run with as many members each.
func OneToOne[T, A, B any](s hydro.Stream[T, *hydro.Cluster[A]], from *hydro.Cluster[A], to *hydro.Cluster[B]) hydro.Stream[T, *hydro.Cluster[B]] {
	tagged := hydro.Map(hydro.CrossSingleton(s, from.SelfID()), func(p hydro.Pair[T, hydro.MemberID[A]]) hydro.KV[hydro.MemberID[B], T] {
		return hydro.KV[hydro.MemberID[B], T]{Key: hydro.MemberID[B](p.Right), Val: p.Left}
	})
	return hydro.Demux(hydro.IntoKeyed(tagged), to)
}
