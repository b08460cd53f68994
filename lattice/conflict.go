// SPDX-License-Identifier: Apache-2.0

package lattice

import "fmt"

// Conflict holds a single value that is expected never to change. Merging two different values
// gives top, the conflict state, which absorbs every later merge. Two values are ordered only
// if they are equal or one of them is the conflict state.
//
// Conflict has no bottom: the zero value holds the zero T, not conflicted. Wrap it in
// [WithBot] for a bottom: WithBot[Conflict[T]] is the lattice of "no value yet", "one value"
// and "conflict".
//
// Values are compared with ==. NB: a floating-point NaN is not equal to itself, so a NaN
// conflicts with itself and breaks idempotence.
type Conflict[T comparable] struct {
	v        T
	conflict bool
}

// NewConflict returns a Conflict holding v.
func NewConflict[T comparable](v T) Conflict[T] { return Conflict[T]{v: v} }

// Conflicted returns the conflict state, the top of Conflict[T].
func Conflicted[T comparable]() Conflict[T] { return Conflict[T]{conflict: true} }

// Get returns the value, and false in the conflict state.
func (c Conflict[T]) Get() (T, bool) {
	if c.conflict {
		var zero T
		return zero, false
	}
	return c.v, true
}

// IsTop reports whether c is the conflict state.
func (c Conflict[T]) IsTop() bool { return c.conflict }

// Merge returns c if the values are equal, and the conflict state otherwise.
func (c Conflict[T]) Merge(o Conflict[T]) (Conflict[T], bool) {
	if c.conflict || (!o.conflict && c.v == o.v) {
		return c, false
	}
	return Conflicted[T](), true
}

// LessEq reports whether o is the conflict state or both hold the same value.
func (c Conflict[T]) LessEq(o Conflict[T]) bool {
	if o.conflict {
		return true
	}
	return !c.conflict && c.v == o.v
}

// Clone returns c.
func (c Conflict[T]) Clone() Conflict[T] { return c }

// String formats c as Conflict(v), or "conflict" in the conflict state.
func (c Conflict[T]) String() string {
	if c.conflict {
		return "conflict"
	}
	return fmt.Sprintf("Conflict(%v)", c.v)
}

// Point holds a single value that must never change: it is the lattice in which no two
// different values meet. Merging equal Points is a no-op; merging different Points is a
// programmer error and panics with "lattice: Point merge of different values ...". Use it
// where the program guarantees agreement (a value computed deterministically everywhere, a
// key's immutable metadata) and a disagreement must fail loudly; use [Conflict] to record a
// disagreement instead.
//
// Point has no bottom: the zero value holds the zero T. Wrap it in [WithBot] for a bottom.
//
// Values are compared with ==. NB: a floating-point NaN is not equal to itself, so merging a
// NaN Point panics.
type Point[T comparable] struct {
	V T
}

// NewPoint returns Point{V: v}.
func NewPoint[T comparable](v T) Point[T] { return Point[T]{V: v} }

// Merge returns p, unchanged, if p.V == o.V. Otherwise it panics.
func (p Point[T]) Merge(o Point[T]) (Point[T], bool) {
	if p.V != o.V {
		panic(fmt.Sprintf("lattice: Point merge of different values %v and %v", p.V, o.V))
	}
	return p, false
}

// LessEq reports whether p.V == o.V. It does not panic.
func (p Point[T]) LessEq(o Point[T]) bool { return p.V == o.V }

// Clone returns p.
func (p Point[T]) Clone() Point[T] { return p }

// String formats p as Point(v).
func (p Point[T]) String() string { return fmt.Sprintf("Point(%v)", p.V) }
