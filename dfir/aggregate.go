// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"cmp"
	"slices"

	"github.com/hydro-go/hydro/lattice"
)

// Every operator here is blocking: it sees its whole input for the tick
// before it emits, so its input comes from an earlier stratum. With PerTick
// (the default) its state starts afresh every tick; with Static it
// accumulates across ticks and is emitted again every tick.

// blockingNode makes a one-input operator whose input is a stratum boundary.
func blockingNode[T any](in Port[T], op string, lifetime []Lifetime) *node {
	n := in.node().g.newNode(op, 1, 1, lifetime, 1)
	connect(in, n, 0)
	n.blocking[0] = true
	return n
}

// Fold folds every item into an accumulator that starts as init() and emits
// it once per tick, even a tick without input (then it emits init(), or the
// accumulated value with Static).
func Fold[T, A any](in Port[T], init func() A, f func(acc *A, item T), lifetime ...Lifetime) Port[A] {
	return foldOp(in, "fold", init, f, nil, lifetime)
}

// foldOp is the body of Fold and LatticeFold. A Static fold keeps folding
// into the accumulator it has emitted; own, if not nil, makes the copy it
// emits instead, so that what went downstream is not changed by later ticks
// and a consumer rewriting it does not change the state.
func foldOp[T, A any](in Port[T], op string, init func() A, f func(acc *A, item T), own func(A) A, lifetime []Lifetime) Port[A] {
	n := blockingNode(in, op, lifetime)
	n.wire = func() {
		down := sink[A](n, 0)
		acc := init()
		n.keep(&acc)
		setIn(n, 0, func(b []T) {
			for _, v := range b {
				f(&acc, v)
			}
		})
		static := n.lifetime(0) == Static
		one := make([]A, 1)
		n.onEntry(func() int {
			one[0] = acc
			if static && own != nil {
				one[0] = own(acc)
			}
			down(one)
			return 1
		})
		if !static {
			n.onTickEnd(func() { acc = init() })
		}
	}
	return output[A](n, 0)
}

// Reduce combines the items with f, the first item being the starting value,
// and emits the result once per tick if there was any item (with Static: any
// item ever).
func Reduce[T any](in Port[T], f func(acc *T, item T), lifetime ...Lifetime) Port[T] {
	n := blockingNode(in, "reduce", lifetime)
	n.wire = func() {
		down := sink[T](n, 0)
		var acc T
		has := false
		n.keep(&acc, &has)
		setIn(n, 0, func(b []T) {
			for _, v := range b {
				if !has {
					acc, has = v, true
					continue
				}
				f(&acc, v)
			}
		})
		one := make([]T, 1)
		n.onEntry(func() int {
			if !has {
				return 0
			}
			one[0] = acc
			down(one)
			return 1
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() {
				var zero T
				acc, has = zero, false
			})
		}
	}
	return output[T](n, 0)
}

// keyed holds per-key state in insertion order, so that what a keyed
// operator emits does not depend on map iteration order.
type keyed[K comparable, A any] struct {
	index map[K]int
	keys  []K
	accs  []A
}

func newKeyed[K comparable, A any]() *keyed[K, A] {
	return &keyed[K, A]{index: make(map[K]int)}
}

// slot returns the state of k, and whether k is new.
func (s *keyed[K, A]) slot(k K) (*A, bool) {
	if i, ok := s.index[k]; ok {
		return &s.accs[i], false
	}
	s.index[k] = len(s.keys)
	s.keys = append(s.keys, k)
	var zero A
	s.accs = append(s.accs, zero)
	return &s.accs[len(s.accs)-1], true
}

func (s *keyed[K, A]) emit(e *emitter[KV[K, A]]) int {
	for i, k := range s.keys {
		e.add(KV[K, A]{k, s.accs[i]})
	}
	e.flush()
	return len(s.keys)
}

func (s *keyed[K, A]) reset() {
	clear(s.index)
	clear(s.keys)
	clear(s.accs)
	s.keys, s.accs = s.keys[:0], s.accs[:0]
}

// keyedOp is the body of FoldKeyed and ReduceKeyed: add folds one value into
// a key's state, fresh reporting whether the key was new.
func keyedOp[K comparable, V, A any](in Port[KV[K, V]], op string, lifetime []Lifetime, add func(acc *A, fresh bool, v V)) Port[KV[K, A]] {
	n := blockingNode(in, op, lifetime)
	n.wire = func() {
		e := newEmitter(n, sink[KV[K, A]](n, 0))
		st := newKeyed[K, A]()
		n.keep(st)
		setIn(n, 0, func(b []KV[K, V]) {
			for _, kv := range b {
				acc, fresh := st.slot(kv.Key)
				add(acc, fresh, kv.Val)
			}
		})
		n.onEntry(func() int { return st.emit(e) })
		if n.lifetime(0) == PerTick {
			n.onTickEnd(st.reset)
		}
	}
	return output[KV[K, A]](n, 0)
}

// FoldKeyed folds the values of each key into an accumulator that starts as
// init(), and emits one (key, accumulator) per key, in the order keys first
// arrived.
func FoldKeyed[K comparable, V, A any](in Port[KV[K, V]], init func() A, f func(acc *A, v V), lifetime ...Lifetime) Port[KV[K, A]] {
	return keyedOp(in, "fold_keyed", lifetime, func(acc *A, fresh bool, v V) {
		if fresh {
			*acc = init()
		}
		f(acc, v)
	})
}

// ReduceKeyed combines the values of each key with f, the first value being
// the starting one, and emits one (key, result) per key, in the order keys
// first arrived.
func ReduceKeyed[K comparable, V any](in Port[KV[K, V]], f func(acc *V, v V), lifetime ...Lifetime) Port[KV[K, V]] {
	return keyedOp(in, "reduce_keyed", lifetime, func(acc *V, fresh bool, v V) {
		if fresh {
			*acc = v
			return
		}
		f(acc, v)
	})
}

// LatticeFold merges every item into a lattice value that starts as init()
// and emits it once per tick, like Fold. With Static it emits a Clone of the
// value, which keeps growing in later ticks.
//
// Unlike Fold, LatticeFold may sit on a fixpoint cycle without DeferTick:
// its value only grows, so it cannot retract what it has emitted (DFIR's
// lattice_fold input is likewise monotone, not a stratum barrier, on a
// cycle). There it emits a Clone of its value at the start of the tick and
// again after every batch that makes it grow; the last value of the tick is
// the fixpoint. A consumer outside the cycle that wants only that value can
// take it with LatticeReduce, in the stratum after.
func LatticeFold[L lattice.Lattice[L]](in Port[L], init func() L, lifetime ...Lifetime) Port[L] {
	return latticeFoldOp(in, init, lattice.Merge[L], lifetime)
}

// latticeFoldOp is the body of LatticeFold and LatticeFoldFrom: foldOp off
// a fixpoint cycle; on one, an operator that emits as it grows.
func latticeFoldOp[L lattice.Lattice[L], D any](in Port[D], init func() L, merge func(acc *L, item D) bool, lifetime []Lifetime) Port[L] {
	out := foldOp(in, "lattice_fold", init, func(acc *L, d D) { merge(acc, d) }, L.Clone, lifetime)
	n := out.node()
	n.monotone[0] = true
	offCycle := n.wire
	n.wire = func() {
		if !n.inCycle {
			offCycle()
			return
		}
		down := sink[L](n, 0)
		acc := init()
		n.keep(&acc)
		one := make([]L, 1)
		emit := func() int {
			// Merges go on after this within the tick: the copy is the
			// consumer's.
			one[0] = acc.Clone()
			down(one)
			return 1
		}
		setIn(n, 0, func(b []D) {
			grew := false
			for _, v := range b {
				grew = merge(&acc, v) || grew
			}
			if grew {
				emit()
			}
		})
		n.onEntry(emit)
		if n.lifetime(0) != Static {
			n.onTickEnd(func() { acc = init() })
		}
	}
	return out
}

// LatticeFoldFrom is LatticeFold for items of another type than the
// accumulator, each standing for a lattice value that merge folds into it:
// single elements into a set, (key, value) pairs into a map lattice. It is
// DFIR's lattice_fold over an input type the accumulator can Merge. merge
// reports whether *acc grew, and must be a lattice merge (idempotent,
// commutative and associative in effect, never shrinking *acc), so that
// the result does not depend on the order of the items; for a set that is
// its Insert method:
//
//	type set = lattice.SetUnion[string]
//	empty := func() set { return lattice.NewSetUnion[string]() }
//	seen := dfir.LatticeFoldFrom(words, empty, (*set).Insert)
//
// With Static it emits a Clone of the value, and it may sit on a fixpoint
// cycle, as LatticeFold does.
func LatticeFoldFrom[L lattice.Lattice[L], D any](in Port[D], init func() L, merge func(acc *L, item D) bool, lifetime ...Lifetime) Port[L] {
	return latticeFoldOp(in, init, merge, lifetime)
}

// LatticeReduce merges the items into one lattice value, emitted once per
// tick if there was any item, like Reduce. With Static it emits a Clone of
// the value, as LatticeFold does.
func LatticeReduce[L lattice.Lattice[L]](in Port[L], lifetime ...Lifetime) Port[L] {
	n := blockingNode(in, "lattice_reduce", lifetime)
	n.wire = func() {
		down := sink[L](n, 0)
		var acc L
		has := false
		n.keep(&acc, &has)
		setIn(n, 0, func(b []L) {
			for _, v := range b {
				if !has {
					// Merge may reuse the accumulator's storage: own it.
					acc, has = v.Clone(), true
					continue
				}
				acc, _ = acc.Merge(v)
			}
		})
		static := n.lifetime(0) == Static
		one := make([]L, 1)
		n.onEntry(func() int {
			if !has {
				return 0
			}
			one[0] = acc
			if static {
				// The state keeps growing: emit a copy downstream owns.
				one[0] = acc.Clone()
			}
			down(one)
			return 1
		})
		if !static {
			n.onTickEnd(func() {
				var zero L
				acc, has = zero, false
			})
		}
	}
	return output[L](n, 0)
}

// Sort emits the tick's items in ascending order.
func Sort[T cmp.Ordered](in Port[T], lifetime ...Lifetime) Port[T] {
	return sortOp(in, "sort", cmp.Compare[T], lifetime)
}

// SortFunc emits the tick's items ordered by cmp; items that compare equal
// keep their arrival order.
func SortFunc[T any](in Port[T], cmp func(a, b T) int, lifetime ...Lifetime) Port[T] {
	return sortOp(in, "sort_by", cmp, lifetime)
}

// SortByKey emits the tick's pairs ordered by key; pairs with equal keys keep
// their arrival order.
func SortByKey[K cmp.Ordered, V any](in Port[KV[K, V]], lifetime ...Lifetime) Port[KV[K, V]] {
	return sortOp(in, "sort_by_key", func(a, b KV[K, V]) int { return cmp.Compare(a.Key, b.Key) }, lifetime)
}

func sortOp[T any](in Port[T], op string, cmp func(a, b T) int, lifetime []Lifetime) Port[T] {
	n := blockingNode(in, op, lifetime)
	n.wire = func() {
		e := newEmitter(n, sink[T](n, 0))
		var items []T
		sorted := 0
		n.keep(&items, &sorted)
		setIn(n, 0, func(b []T) { items = append(items, b...) })
		n.onEntry(func() int {
			if sorted < len(items) {
				slices.SortStableFunc(items[sorted:], cmp)
				if sorted > 0 {
					// Merge what earlier ticks sorted with the new run.
					items = mergeSorted(items, sorted, cmp)
				}
				sorted = len(items)
			}
			e.addAll(items)
			e.flush()
			return len(items)
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() {
				clear(items)
				items, sorted = items[:0], 0
			})
		}
	}
	return output[T](n, 0)
}

// mergeSorted merges the sorted runs items[:k] and items[k:], keeping equal
// items of the first run first.
func mergeSorted[T any](items []T, k int, cmp func(a, b T) int) []T {
	out := make([]T, 0, len(items))
	a, b := items[:k], items[k:]
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}
