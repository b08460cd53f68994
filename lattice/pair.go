// SPDX-License-Identifier: Apache-2.0

package lattice

import "fmt"

// Pair is the product of two lattices: merging merges each component, and p ≤ o when both
// components are.
//
// The zero value pairs the zero values of A and B; it is bottom when both of those are.
type Pair[A Lattice[A], B Lattice[B]] struct {
	First  A
	Second B
}

// NewPair returns Pair{First: a, Second: b}. The pair takes over the storage of a and b.
func NewPair[A Lattice[A], B Lattice[B]](a A, b B) Pair[A, B] {
	return Pair[A, B]{First: a, Second: b}
}

// Merge merges o's components into p's, and reports whether either changed.
func (p Pair[A, B]) Merge(o Pair[A, B]) (Pair[A, B], bool) {
	var ch1, ch2 bool
	p.First, ch1 = p.First.Merge(o.First)
	p.Second, ch2 = p.Second.Merge(o.Second)
	return p, ch1 || ch2
}

// LessEq reports whether both components of p are LessEq o's.
func (p Pair[A, B]) LessEq(o Pair[A, B]) bool {
	return p.First.LessEq(o.First) && p.Second.LessEq(o.Second)
}

// Clone clones both components.
func (p Pair[A, B]) Clone() Pair[A, B] {
	return Pair[A, B]{First: p.First.Clone(), Second: p.Second.Clone()}
}

// String formats p as Pair(first, second).
func (p Pair[A, B]) String() string { return fmt.Sprintf("Pair(%v, %v)", p.First, p.Second) }

// DomPair is a pair whose Key dominates its Val: a larger Key replaces the whole pair, equal
// Keys merge the Vals, and a smaller Key is ignored. The order is lexicographic: d ≤ o when
// d.Key < o.Key, or when the Keys are equal and d.Val ≤ o.Val.
//
// With a clock or version number as Key, DomPair is a last-writer-wins register:
// DomPair[Max[uint64], Conflict[string]] keeps the value of the newest write and turns into
// the conflict state if two different writes carry the same version.
//
// NB: DomPair is a lattice only when the Keys that meet are totally ordered, as those of Max
// and Min are. When two Keys are incomparable, Merge merges both the Keys and the Vals (as
// Hydro does), which is not associative in general.
//
// The zero value pairs the zero values of K and V; it is bottom when both of those are.
type DomPair[K Lattice[K], V Lattice[V]] struct {
	Key K
	Val V
}

// NewDomPair returns DomPair{Key: k, Val: v}. The pair takes over the storage of k and v.
func NewDomPair[K Lattice[K], V Lattice[V]](k K, v V) DomPair[K, V] {
	return DomPair[K, V]{Key: k, Val: v}
}

// Merge returns a clone of o if o's Key is larger, d with o's Val merged in if the Keys are
// equal, and d unchanged if d's Key is larger. If the Keys are incomparable, it merges both
// the Keys and the Vals.
func (d DomPair[K, V]) Merge(o DomPair[K, V]) (DomPair[K, V], bool) {
	le, ge := d.Key.LessEq(o.Key), o.Key.LessEq(d.Key)
	switch {
	case le && ge:
		var changed bool
		d.Val, changed = d.Val.Merge(o.Val)
		return d, changed
	case le:
		return o.Clone(), true
	case ge:
		return d, false
	default:
		d.Key, _ = d.Key.Merge(o.Key)
		d.Val, _ = d.Val.Merge(o.Val)
		return d, true
	}
}

// LessEq reports whether d.Key < o.Key, or the Keys are equal and d.Val ≤ o.Val.
func (d DomPair[K, V]) LessEq(o DomPair[K, V]) bool {
	if !d.Key.LessEq(o.Key) {
		return false
	}
	if !o.Key.LessEq(d.Key) {
		return true
	}
	return d.Val.LessEq(o.Val)
}

// Clone clones the Key and the Val.
func (d DomPair[K, V]) Clone() DomPair[K, V] {
	return DomPair[K, V]{Key: d.Key.Clone(), Val: d.Val.Clone()}
}

// String formats d as DomPair(key, val).
func (d DomPair[K, V]) String() string { return fmt.Sprintf("DomPair(%v, %v)", d.Key, d.Val) }
