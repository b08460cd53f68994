// SPDX-License-Identifier: Apache-2.0

package dfir

import "fmt"

// Unzip splits a stream of pairs into the stream of their left values and
// the stream of their right values, each in input order: DFIR's unzip.
func Unzip[A, B any](in Port[Pair[A, B]]) (left Port[A], right Port[B]) {
	n := in.node().g.newNode("unzip", 1, 2, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		downA, downB := sink[A](n, 0), sink[B](n, 1)
		var as []A
		var bs []B
		setIn(n, 0, func(b []Pair[A, B]) {
			if cap(as) < len(b) {
				as, bs = make([]A, len(b)), make([]B, len(b))
			}
			outA, outB := as[:len(b)], bs[:len(b)]
			for i, p := range b {
				outA[i], outB[i] = p.Left, p.Right
			}
			downA(outA)
			downB(outB)
		})
	}
	return output[A](n, 0), output[B](n, 1)
}

// EitherOrBoth is an item of ZipLongest: both values where both inputs had
// an item at that position, otherwise the one value of the longer input.
type EitherOrBoth[A, B any] struct {
	Left     A
	Right    B
	HasLeft  bool
	HasRight bool
}

// Both reports whether the item holds a value from each input.
func (e EitherOrBoth[A, B]) Both() bool { return e.HasLeft && e.HasRight }

// String formats the item as (left, right), with _ for a missing side.
func (e EitherOrBoth[A, B]) String() string {
	l, r := "_", "_"
	if e.HasLeft {
		l = fmt.Sprint(e.Left)
	}
	if e.HasRight {
		r = fmt.Sprint(e.Right)
	}
	return "(" + l + ", " + r + ")"
}

// ZipLongest pairs the i-th item of the left input with the i-th item of the
// right once both inputs are complete for the tick (both are blocking), like
// Zip; where one input is longer, its remaining items are emitted alone
// instead of dropped. State lasts one tick: DFIR's zip_longest, which takes
// only 'tick.
func ZipLongest[A, B any](left Port[A], right Port[B]) Port[EitherOrBoth[A, B]] {
	n := left.node().g.newNode("zip_longest", 2, 1, nil, 0)
	connect(left, n, 0)
	connect(right, n, 1)
	n.blocking[0], n.blocking[1] = true, true
	type out = EitherOrBoth[A, B]
	n.wire = func() {
		e := newEmitter(n, sink[out](n, 0))
		var ls []A
		var rs []B
		n.keep(&ls, &rs)
		setIn(n, 0, func(b []A) { ls = append(ls, b...) })
		setIn(n, 1, func(b []B) { rs = append(rs, b...) })
		n.onEntry(func() int {
			k := max(len(ls), len(rs))
			for i := range k {
				var o out
				if i < len(ls) {
					o.Left, o.HasLeft = ls[i], true
				}
				if i < len(rs) {
					o.Right, o.HasRight = rs[i], true
				}
				e.add(o)
			}
			e.flush()
			clear(ls)
			clear(rs)
			ls, rs = ls[:0], rs[:0]
			return k
		})
	}
	return output[out](n, 0)
}

// MultisetDelta emits the items of this tick's multiset that were not in the
// previous tick's: an item that arrived k times last tick has its first k
// arrivals of this tick dropped, and the rest pass, in arrival order. It is
// DFIR's multiset_delta, which turns a stream replayed every tick (a Static
// join's output, a Persist) into the stream of what is new.
//
// NB: "previous tick" is the tick just before, even if the operator received
// nothing in it. DFIR compares with the last tick its subgraph ran in, which
// is the same for a stream that arrives every tick.
func MultisetDelta[T comparable](in Port[T]) Port[T] {
	n := in.node().g.newNode("multiset_delta", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		prev, curr := make(map[T]int), make(map[T]int)
		n.keep(&prev, &curr)
		setIn(n, 0, func(b []T) {
			out := b[:0]
			for _, v := range b {
				curr[v]++
				if c := prev[v]; c > 0 {
					prev[v] = c - 1
					continue
				}
				out = append(out, v)
			}
			if len(out) > 0 {
				down(out)
			}
		})
		n.onTickEnd(func() {
			prev, curr = curr, prev
			clear(curr)
		})
	}
	return output[T](n, 0)
}
