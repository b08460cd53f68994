// SPDX-License-Identifier: Apache-2.0

package lattice

import (
	"cmp"
	"fmt"
)

// Max is the lattice of values of a totally ordered type under max: merging keeps the larger
// value. Values are compared with [cmp.Compare], so a floating-point NaN is smaller than every
// other value and -0.0 equals 0.0.
//
// The zero value holds the zero T. It is bottom only when no T is smaller: for unsigned
// integers and strings. For signed integers and floats, wrap Max in [WithBot] to get a bottom.
type Max[T cmp.Ordered] struct {
	V T
}

// NewMax returns Max{V: v}.
func NewMax[T cmp.Ordered](v T) Max[T] { return Max[T]{V: v} }

// Merge returns the larger of m and o, and whether o is larger than m.
func (m Max[T]) Merge(o Max[T]) (Max[T], bool) {
	if cmp.Less(m.V, o.V) {
		return o, true
	}
	return m, false
}

// LessEq reports whether m.V ≤ o.V.
func (m Max[T]) LessEq(o Max[T]) bool { return cmp.Compare(m.V, o.V) <= 0 }

// Clone returns m.
func (m Max[T]) Clone() Max[T] { return m }

// String formats m as Max(v).
func (m Max[T]) String() string { return fmt.Sprintf("Max(%v)", m.V) }

// Min is the lattice of values of a totally ordered type under min: merging keeps the smaller
// value, so the order of the lattice is the reverse of T's. Values are compared with
// [cmp.Compare], so a floating-point NaN is smaller than every other value (and thus the top
// of Min) and -0.0 equals 0.0.
//
// The zero value holds the zero T. Min has no bottom, which would be the largest T; for
// unsigned integers and strings the zero value is top. Wrap Min in [WithBot] to get a bottom.
type Min[T cmp.Ordered] struct {
	V T
}

// NewMin returns Min{V: v}.
func NewMin[T cmp.Ordered](v T) Min[T] { return Min[T]{V: v} }

// Merge returns the smaller of m and o, and whether o is smaller than m.
func (m Min[T]) Merge(o Min[T]) (Min[T], bool) {
	if cmp.Less(o.V, m.V) {
		return o, true
	}
	return m, false
}

// LessEq reports whether m is below o in the lattice, that is, whether m.V ≥ o.V.
func (m Min[T]) LessEq(o Min[T]) bool { return cmp.Compare(m.V, o.V) >= 0 }

// Clone returns m.
func (m Min[T]) Clone() Min[T] { return m }

// String formats m as Min(v).
func (m Min[T]) String() string { return fmt.Sprintf("Min(%v)", m.V) }
