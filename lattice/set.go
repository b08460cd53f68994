// SPDX-License-Identifier: Apache-2.0

package lattice

import (
	"iter"
	"maps"
)

// SetUnion is the lattice of finite sets under union, ordered by inclusion.
//
// The zero value is the empty set, which is bottom. A SetUnion holds a map: copying a SetUnion
// copies a reference to it, so treat a SetUnion like a slice: Merge and Insert may change the
// storage of the value they are called on and of every copy of it. Use Clone for an
// independent copy.
//
// Elements are compared with ==. NB: a floating-point NaN is not equal to itself, so sets of
// floats that contain NaN break the lattice laws.
type SetUnion[T comparable] struct {
	m map[T]struct{}
}

// NewSetUnion returns the set of items.
func NewSetUnion[T comparable](items ...T) SetUnion[T] {
	var s SetUnion[T]
	for _, x := range items {
		s.Insert(x)
	}
	return s
}

// Insert adds x to the set and reports whether it was not there before.
func (s *SetUnion[T]) Insert(x T) bool {
	if _, ok := s.m[x]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[T]struct{})
	}
	s.m[x] = struct{}{}
	return true
}

// Has reports whether x is in the set.
func (s SetUnion[T]) Has(x T) bool {
	_, ok := s.m[x]
	return ok
}

// Len returns the number of elements.
func (s SetUnion[T]) Len() int { return len(s.m) }

// All returns an iterator over the elements, in no particular order. The set must not be
// merged into or inserted into during the iteration.
func (s SetUnion[T]) All() iter.Seq[T] { return maps.Keys(s.m) }

// Merge returns the union of s and o, and whether o had elements that s did not.
func (s SetUnion[T]) Merge(o SetUnion[T]) (SetUnion[T], bool) {
	if len(o.m) == 0 {
		return s, false
	}
	if len(s.m) == 0 {
		return SetUnion[T]{m: maps.Clone(o.m)}, true
	}
	changed := false
	for x := range o.m {
		if _, ok := s.m[x]; !ok {
			s.m[x] = struct{}{}
			changed = true
		}
	}
	return s, changed
}

// LessEq reports whether s is a subset of o.
func (s SetUnion[T]) LessEq(o SetUnion[T]) bool {
	if len(s.m) > len(o.m) {
		return false
	}
	for x := range s.m {
		if _, ok := o.m[x]; !ok {
			return false
		}
	}
	return true
}

// Clone returns a copy of s with its own storage.
func (s SetUnion[T]) Clone() SetUnion[T] { return SetUnion[T]{m: maps.Clone(s.m)} }

// String formats s as {a, b, c}, with the elements sorted the way fmt sorts map keys.
func (s SetUnion[T]) String() string {
	return formatSeq(sortedKeys(s.m), func(x T) string { return sprint(x) })
}
