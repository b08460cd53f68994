// SPDX-License-Identifier: Apache-2.0

// Package lattice provides merge semantics for state that only grows: values of a lattice
// combine with Merge, which is associative, commutative and idempotent, so replicas that see
// the same updates in any order, batching or number of repeats end up equal (as CRDTs do).
//
// The building blocks follow Hydro's lattices crate:
//
//   - [Max] and [Min]: a single ordered value that only goes up (or down).
//   - [SetUnion]: a grow-only set.
//   - [MapUnion]: a grow-only map whose values are lattices, merged per key.
//   - [Pair]: two lattices side by side (the product order).
//   - [DomPair]: a Key that dominates a Val, such as a version and a value (last writer wins).
//   - [WithBot] and [WithTop]: a new bottom or an absorbing top around a lattice.
//   - [Conflict]: a single value that turns into a conflict state when two values differ.
//   - [Point]: a single value that must never differ; a disagreement panics.
//
// They nest: MapUnion[string, DomPair[Max[uint64], Conflict[string]]] is a key-value store
// of last-writer-wins registers.
//
// # Usage
//
// Lattice types are values. Merge works like append: it may reuse the receiver's storage, so
// always use the returned value and drop the receiver:
//
//	var seen lattice.SetUnion[string] // the zero value is the empty set
//	seen, changed := seen.Merge(lattice.NewSetUnion("a", "b"))
//
// For state held in a variable or a field, [Merge] does the same through a pointer:
//
//	var counts lattice.MapUnion[string, lattice.Max[int]]
//	for _, delta := range deltas {
//		if lattice.Merge(&counts, delta) {
//			// counts grew: send it on
//		}
//	}
//
// Merge never mutates its argument and never lets the result share storage with it, so a
// delta can be merged into many states. Copies of a map-backed value (SetUnion, MapUnion,
// anything holding them) share storage like copies of a slice: use Clone for a copy to keep.
// Values returned by Get and All share storage with their container; Clone them before
// merging into them.
//
// Every type's zero value is usable; its documentation says whether it is bottom. Max of a
// signed number, Min, Conflict and Point have no bottom of their own: wrap them in [WithBot].
//
// Code generic over lattices constrains its type parameter with [Lattice]:
//
//	func Fold[L lattice.Lattice[L]](init L, deltas []L) L {
//		for _, d := range deltas {
//			lattice.Merge(&init, d)
//		}
//		return init
//	}
//
// Package [github.com/hydro-go/hydro/lattice/latticetest] checks the lattice laws on sample
// values of any type, including new lattice types.
//
// # Determinism
//
// Merge, LessEq and Clone are deterministic functions of their inputs. The contents of a
// merged value do not depend on the order, grouping or repetition of the merges that built it;
// the changed flags and which storage is reused do.
//
// Iteration with SetUnion.All and MapUnion.All follows Go map order, which is unspecified and
// varies from run to run: code whose output must be deterministic has to sort what it
// collects. The String methods sort elements and keys the way fmt sorts map keys, so printing
// a lattice value is deterministic (except for pointer keys, which are sorted by address).
//
// Elements and keys are compared with ==, which is not reflexive for a floating-point NaN: a
// NaN in a SetUnion, a MapUnion key, a Conflict or a Point breaks the lattice laws. Max and
// Min compare with [cmp.Compare], which orders NaN below every number, so they are safe.
//
// # Concurrency
//
// The package starts no goroutines and holds no global state. A value that is being merged
// into must not be used concurrently by other goroutines, as with a Go map; values that are
// only read (LessEq, Get, All, String, or as the argument of Merge) may be shared.
package lattice
