// SPDX-License-Identifier: Apache-2.0

package lattice

import (
	"iter"
	"maps"
)

// MapUnion is the lattice of finite maps whose values are lattices: merging takes the union of
// the keys and merges the values of keys present in both. m ≤ o when every key of m is in o
// with a value ≤ o's. A key with a bottom value is still a key: {k: bottom} is above {}.
//
// The zero value is the empty map, which is bottom. A MapUnion holds a Go map: copying a
// MapUnion copies a reference to it, so treat a MapUnion like a slice: Merge and Insert may
// change the storage of the value they are called on and of every copy of it. Use Clone for an
// independent copy.
//
// Keys are compared with ==. NB: a floating-point NaN is not equal to itself, so maps with
// NaN keys break the lattice laws.
type MapUnion[K comparable, V Lattice[V]] struct {
	m map[K]V
}

// NewMapUnion returns a MapUnion holding a clone of each entry of m. m is not retained.
func NewMapUnion[K comparable, V Lattice[V]](m map[K]V) MapUnion[K, V] {
	if len(m) == 0 {
		return MapUnion[K, V]{}
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v.Clone()
	}
	return MapUnion[K, V]{m: c}
}

// Insert merges v into the value of k, adding k if it is absent, and reports whether the map
// changed. v is neither mutated nor retained: a new key gets v.Clone().
func (m *MapUnion[K, V]) Insert(k K, v V) bool {
	cur, ok := m.m[k]
	if !ok {
		if m.m == nil {
			m.m = make(map[K]V)
		}
		m.m[k] = v.Clone()
		return true
	}
	cur, changed := cur.Merge(v)
	m.m[k] = cur
	return changed
}

// Get returns the value of k and whether k is present.
//
// NB: the value shares storage with m. Do not merge into it: Clone it first, or use Insert.
func (m MapUnion[K, V]) Get(k K) (V, bool) {
	v, ok := m.m[k]
	return v, ok
}

// Len returns the number of keys.
func (m MapUnion[K, V]) Len() int { return len(m.m) }

// All returns an iterator over the entries, in no particular order. The values share storage
// with m, as with Get. The map must not be merged into or inserted into during the iteration.
func (m MapUnion[K, V]) All() iter.Seq2[K, V] { return maps.All(m.m) }

// Merge returns the union of m and o, with the values of common keys merged, and whether the
// result differs from m.
func (m MapUnion[K, V]) Merge(o MapUnion[K, V]) (MapUnion[K, V], bool) {
	if len(o.m) == 0 {
		return m, false
	}
	if m.m == nil {
		m.m = make(map[K]V, len(o.m))
	}
	changed := false
	for k, ov := range o.m {
		cur, ok := m.m[k]
		if !ok {
			m.m[k] = ov.Clone()
			changed = true
			continue
		}
		cur, ch := cur.Merge(ov)
		// NB: store the result even when it did not change: Merge may have moved the value
		// to new storage, and the old one must not be used.
		m.m[k] = cur
		changed = changed || ch
	}
	return m, changed
}

// LessEq reports whether every key of m is in o with a value LessEq o's.
func (m MapUnion[K, V]) LessEq(o MapUnion[K, V]) bool {
	if len(m.m) > len(o.m) {
		return false
	}
	for k, v := range m.m {
		ov, ok := o.m[k]
		if !ok || !v.LessEq(ov) {
			return false
		}
	}
	return true
}

// Clone returns a deep copy of m: the map and every value are cloned.
func (m MapUnion[K, V]) Clone() MapUnion[K, V] {
	if m.m == nil {
		return MapUnion[K, V]{}
	}
	c := make(map[K]V, len(m.m))
	for k, v := range m.m {
		c[k] = v.Clone()
	}
	return MapUnion[K, V]{m: c}
}

// String formats m as {k1: v1, k2: v2}, with the keys sorted the way fmt sorts map keys.
func (m MapUnion[K, V]) String() string {
	return formatSeq(sortedKeys(m.m), func(k K) string { return sprint(k) + ": " + sprint(m.m[k]) })
}
