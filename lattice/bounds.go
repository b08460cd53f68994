// SPDX-License-Identifier: Apache-2.0

package lattice

import "fmt"

// WithBot adds a new bottom below a lattice L, the way a nil pointer or an absent value sits
// below every present one. Use it to give a lattice without a natural bottom, such as Max of a
// signed integer or Conflict, a starting point for folds.
//
// The zero value is bottom. NB: bottom is distinct from a wrapped bottom of L:
// NewWithBot(SetUnion[int]{}) is above Bot[SetUnion[int]]().
type WithBot[L Lattice[L]] struct {
	v  L
	ok bool
}

// Bot returns the bottom of WithBot[L], the same as its zero value.
func Bot[L Lattice[L]]() WithBot[L] { return WithBot[L]{} }

// NewWithBot returns v lifted into WithBot[L], above bottom. The result takes over v's
// storage.
func NewWithBot[L Lattice[L]](v L) WithBot[L] { return WithBot[L]{v: v, ok: true} }

// Get returns the wrapped value, and false if w is bottom.
//
// NB: the value shares storage with w. Do not merge into it: Clone it first.
func (w WithBot[L]) Get() (L, bool) { return w.v, w.ok }

// IsBot reports whether w is bottom.
func (w WithBot[L]) IsBot() bool { return !w.ok }

// Merge returns o if w is bottom (cloned), w if o is bottom, and otherwise the merge of the
// wrapped values.
func (w WithBot[L]) Merge(o WithBot[L]) (WithBot[L], bool) {
	switch {
	case !o.ok:
		return w, false
	case !w.ok:
		return WithBot[L]{v: o.v.Clone(), ok: true}, true
	}
	var changed bool
	w.v, changed = w.v.Merge(o.v)
	return w, changed
}

// LessEq reports whether w is bottom, or both are not and w's value is LessEq o's.
func (w WithBot[L]) LessEq(o WithBot[L]) bool {
	switch {
	case !w.ok:
		return true
	case !o.ok:
		return false
	}
	return w.v.LessEq(o.v)
}

// Clone clones the wrapped value.
func (w WithBot[L]) Clone() WithBot[L] {
	if !w.ok {
		return WithBot[L]{}
	}
	return WithBot[L]{v: w.v.Clone(), ok: true}
}

// String formats w as "bot" or as the wrapped value.
func (w WithBot[L]) String() string {
	if !w.ok {
		return "bot"
	}
	return fmt.Sprint(w.v)
}

// WithTop adds a new top above a lattice L that absorbs every merge, such as "unknown" or
// "too many to track".
//
// NB: the zero value is not top: it is the zero value of L, wrapped. Use [Top] for top.
type WithTop[L Lattice[L]] struct {
	v   L
	top bool
}

// Top returns the top of WithTop[L].
func Top[L Lattice[L]]() WithTop[L] { return WithTop[L]{top: true} }

// NewWithTop returns v lifted into WithTop[L], below top. The result takes over v's storage.
func NewWithTop[L Lattice[L]](v L) WithTop[L] { return WithTop[L]{v: v} }

// Get returns the wrapped value, and false if w is top.
//
// NB: the value shares storage with w. Do not merge into it: Clone it first.
func (w WithTop[L]) Get() (L, bool) {
	if w.top {
		var zero L
		return zero, false
	}
	return w.v, true
}

// IsTop reports whether w is top.
func (w WithTop[L]) IsTop() bool { return w.top }

// Merge returns top if either is top, and otherwise the merge of the wrapped values.
func (w WithTop[L]) Merge(o WithTop[L]) (WithTop[L], bool) {
	switch {
	case w.top:
		return w, false
	case o.top:
		return Top[L](), true
	}
	var changed bool
	w.v, changed = w.v.Merge(o.v)
	return w, changed
}

// LessEq reports whether o is top, or both are not and w's value is LessEq o's.
func (w WithTop[L]) LessEq(o WithTop[L]) bool {
	switch {
	case o.top:
		return true
	case w.top:
		return false
	}
	return w.v.LessEq(o.v)
}

// Clone clones the wrapped value.
func (w WithTop[L]) Clone() WithTop[L] {
	if w.top {
		return Top[L]()
	}
	return WithTop[L]{v: w.v.Clone()}
}

// String formats w as "top" or as the wrapped value.
func (w WithTop[L]) String() string {
	if w.top {
		return "top"
	}
	return fmt.Sprint(w.v)
}
