// SPDX-License-Identifier: Apache-2.0

package lattice

// Lattice is implemented by value types whose values can be merged: Merge computes the least
// upper bound of two values, and LessEq is the partial order that goes with it.
//
// Merge is like append: it may reuse the receiver's storage (maps, nested lattices), so callers
// must always use the returned value and must not use the receiver afterwards. Merge must not
// mutate other, nor let the result share mutable storage with other: values taken from other
// are cloned, so that later merges into the result cannot change other, and later merges into
// other cannot change the result. The types in this package also allow other to be the
// receiver itself: a.Merge(a) returns a, false.
//
// Implementations must satisfy the lattice laws for all a, b, c, which
// [github.com/hydro-go/hydro/lattice/latticetest.CheckLaws] checks on sample values:
//
//   - a.Merge(a) equals a (idempotence);
//   - a.Merge(b) equals b.Merge(a) (commutativity);
//   - a.Merge(b).Merge(c) equals a.Merge(b.Merge(c)) (associativity);
//   - a.LessEq(b) if and only if a.Merge(b) equals b;
//   - the changed result of a.Merge(b) is true if and only if the merged value does not
//     equal a.
//
// Here "equals" means [Equal]: each is LessEq the other.
type Lattice[L any] interface {
	// Merge returns the least upper bound of the receiver and other, and whether it differs
	// from the receiver. The receiver must not be used afterwards.
	Merge(other L) (L, bool)
	// LessEq reports whether the receiver is at most other in the partial order, that is,
	// whether merging other into the receiver gives other.
	LessEq(other L) bool
	// Clone returns a deep copy that shares no mutable storage with the receiver.
	Clone() L
}

// Merge merges src into *dst and reports whether *dst changed. It is the form to use for state
// kept in a variable or a field:
//
//	if lattice.Merge(&state, delta) {
//		// state grew: propagate it
//	}
//
// src is neither mutated nor retained.
func Merge[L Lattice[L]](dst *L, src L) bool {
	var changed bool
	*dst, changed = (*dst).Merge(src)
	return changed
}

// Equal reports whether a and b are equal in the lattice order: a ≤ b and b ≤ a.
func Equal[L Lattice[L]](a, b L) bool {
	return a.LessEq(b) && b.LessEq(a)
}

var (
	_ Lattice[Max[int]]                         = Max[int]{}
	_ Lattice[Min[int]]                         = Min[int]{}
	_ Lattice[SetUnion[int]]                    = SetUnion[int]{}
	_ Lattice[MapUnion[int, Max[int]]]          = MapUnion[int, Max[int]]{}
	_ Lattice[Pair[Max[int], Min[int]]]         = Pair[Max[int], Min[int]]{}
	_ Lattice[DomPair[Max[int], SetUnion[int]]] = DomPair[Max[int], SetUnion[int]]{}
	_ Lattice[WithBot[Max[int]]]                = WithBot[Max[int]]{}
	_ Lattice[WithTop[SetUnion[int]]]           = WithTop[SetUnion[int]]{}
	_ Lattice[Conflict[int]]                    = Conflict[int]{}
	_ Lattice[Point[int]]                       = Point[int]{}
)
