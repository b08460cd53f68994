// SPDX-License-Identifier: Apache-2.0

package dfir

// The binary operators take one Lifetime for both inputs or one per input.
// A Static input's items are kept across ticks, so every tick's output is
// computed over all of them: a Static × Static join emits, every tick, all
// the matches of everything either side has ever received. An Incremental
// input is kept the same way, but Join and CrossJoin then emit each match
// once, in the tick it arises: the join of two streams of changes.

// joinTable is one side of a hash join: a multiset of (key, value) with the
// entries of a key chained through an arena, so inserting allocates nothing
// per item once the arena and map have grown.
type joinTable[K comparable, V any] struct {
	head    map[K]int32
	entries []joinEntry[K, V]
	old     int // entries received before this tick
}

type joinEntry[K comparable, V any] struct {
	key  K
	val  V
	next int32 // previous entry with the same key, or -1
}

func newJoinTable[K comparable, V any]() *joinTable[K, V] {
	return &joinTable[K, V]{head: make(map[K]int32)}
}

func (t *joinTable[K, V]) insert(k K, v V) {
	next, ok := t.head[k]
	if !ok {
		next = -1
	}
	t.head[k] = int32(len(t.entries))
	t.entries = append(t.entries, joinEntry[K, V]{k, v, next})
}

// endTick keeps (Static, Incremental) or drops (PerTick) what the tick
// inserted.
func (t *joinTable[K, V]) endTick(l Lifetime) {
	if l.persists() {
		t.old = len(t.entries)
		return
	}
	clear(t.head)
	clear(t.entries)
	t.entries = t.entries[:0]
}

// Join is a symmetric hash join: for every pair of a left and a right item
// with equal keys it emits (key, (left value, right value)). It is a multiset
// join: duplicates on either side give duplicate matches, as DFIR's
// join_multiset does. DFIR's join treats its inputs as sets; JoinSet is that
// one. Matches are emitted as soon as the second item of a pair arrives.
func Join[K comparable, V1, V2 any](left Port[KV[K, V1]], right Port[KV[K, V2]], lifetime ...Lifetime) Port[KV[K, Pair[V1, V2]]] {
	return joinOp(left, right, "join", lifetime, nil, nil)
}

// JoinSet is Join over sets: an item equal to one its side already holds
// (same key and value, within the tick or, for a Static or Incremental
// side, ever) is dropped, so each distinct match is emitted once per tick
// (PerTick), every tick (Static) or once ever (Incremental). It is DFIR's
// join, whose default state is a set; Join is DFIR's join_multiset.
func JoinSet[K, V1, V2 comparable](left Port[KV[K, V1]], right Port[KV[K, V2]], lifetime ...Lifetime) Port[KV[K, Pair[V1, V2]]] {
	return joinOp(left, right, "join_set", lifetime, newSeen[KV[K, V1]](), newSeen[KV[K, V2]]())
}

// setSide is what a set join keeps of the items one side has taken: add
// reports whether an item is new, endTick forgets the tick's items unless
// the side's state persists. Multiset joins have none.
type setSide[T any] interface {
	add(v T) bool
	endTick(l Lifetime)
}

// seen is the setSide of comparable items.
type seen[T comparable] map[T]struct{}

func newSeen[T comparable]() seen[T] { return make(seen[T]) }

func (s seen[T]) add(v T) bool {
	if _, dup := s[v]; dup {
		return false
	}
	s[v] = struct{}{}
	return true
}

// endTick forgets the tick's items unless the side's state persists.
func (s seen[T]) endTick(l Lifetime) {
	if !l.persists() {
		clear(s)
	}
}

// joinOp is the body of Join and JoinSet. With lseen and rseen (JoinSet),
// an item its side has seen is dropped before it is stored or probes.
func joinOp[K comparable, V1, V2 any](left Port[KV[K, V1]], right Port[KV[K, V2]], op string, lifetime []Lifetime, lseen setSide[KV[K, V1]], rseen setSide[KV[K, V2]]) Port[KV[K, Pair[V1, V2]]] {
	n := left.node().g.newNode(op, 2, 1, lifetime, 2)
	connect(left, n, 0)
	connect(right, n, 1)
	type out = KV[K, Pair[V1, V2]]
	n.wire = func() {
		e := newEmitter(n, sink[out](n, 0))
		l, r := newJoinTable[K, V1](), newJoinTable[K, V2]()
		n.keep(l, r, lseen, rseen)
		setIn(n, 0, func(b []KV[K, V1]) {
			for _, kv := range b {
				if lseen != nil && !lseen.add(kv) {
					continue
				}
				l.insert(kv.Key, kv.Val)
				if i, ok := r.head[kv.Key]; ok {
					for ; i >= 0; i = r.entries[i].next {
						e.add(out{kv.Key, Pair[V1, V2]{kv.Val, r.entries[i].val}})
					}
				}
			}
		})
		setIn(n, 1, func(b []KV[K, V2]) {
			for _, kv := range b {
				if rseen != nil && !rseen.add(kv) {
					continue
				}
				r.insert(kv.Key, kv.Val)
				if i, ok := l.head[kv.Key]; ok {
					for ; i >= 0; i = l.entries[i].next {
						e.add(out{kv.Key, Pair[V1, V2]{l.entries[i].val, kv.Val}})
					}
				}
			}
		})
		if n.lifetime(0) == Static && n.lifetime(1) == Static {
			// Replay the matches among items of earlier ticks; new items
			// find their matches as they arrive.
			n.onReplay(func() int {
				count := 0
				for _, le := range l.entries[:l.old] {
					// NB: a missing key reads as entry 0, not -1.
					i, ok := r.head[le.key]
					if !ok {
						continue
					}
					for ; i >= 0; i = r.entries[i].next {
						if int(i) < r.old {
							e.add(out{le.key, Pair[V1, V2]{le.val, r.entries[i].val}})
							count++
						}
					}
				}
				return count
			})
		}
		n.onTickEnd(func() {
			l.endTick(n.lifetime(0))
			r.endTick(n.lifetime(1))
			if lseen != nil {
				lseen.endTick(n.lifetime(0))
				rseen.endTick(n.lifetime(1))
			}
		})
	}
	return output[out](n, 0)
}

// CrossJoin emits every pair of a left and a right item. It is a multiset
// product: duplicates on either side give duplicate pairs, as DFIR's
// cross_join_multiset does; DFIR's cross_join is CrossJoinSet.
func CrossJoin[A, B any](left Port[A], right Port[B], lifetime ...Lifetime) Port[Pair[A, B]] {
	return crossJoinOp(left, right, "cross_join", lifetime, nil, nil)
}

// CrossJoinSet is CrossJoin over sets: an item equal to one its side already
// holds (within the tick or, for a Static or Incremental side, ever) is
// dropped, so each distinct pair is emitted once per tick (PerTick), every
// tick (Static) or once ever (Incremental). It is DFIR's cross_join, which
// is built on the set state of its join.
func CrossJoinSet[A, B comparable](left Port[A], right Port[B], lifetime ...Lifetime) Port[Pair[A, B]] {
	return crossJoinOp(left, right, "cross_join_set", lifetime, newSeen[A](), newSeen[B]())
}

// crossJoinOp is the body of CrossJoin and CrossJoinSet, as joinOp is of
// Join and JoinSet.
func crossJoinOp[A, B any](left Port[A], right Port[B], op string, lifetime []Lifetime, lseen setSide[A], rseen setSide[B]) Port[Pair[A, B]] {
	n := left.node().g.newNode(op, 2, 1, lifetime, 2)
	connect(left, n, 0)
	connect(right, n, 1)
	type out = Pair[A, B]
	n.wire = func() {
		e := newEmitter(n, sink[out](n, 0))
		var ls []A
		var rs []B
		lOld, rOld := 0, 0
		n.keep(&ls, &rs, &lOld, &rOld, lseen, rseen)
		setIn(n, 0, func(b []A) {
			if lseen != nil {
				b = dedup(b, lseen)
			}
			ls = append(ls, b...)
			for _, a := range b {
				for _, r := range rs {
					e.add(out{a, r})
				}
			}
		})
		setIn(n, 1, func(b []B) {
			if rseen != nil {
				b = dedup(b, rseen)
			}
			rs = append(rs, b...)
			for _, l := range ls {
				for _, r := range b {
					e.add(out{l, r})
				}
			}
		})
		if lseen != nil {
			n.onTickEnd(func() {
				lseen.endTick(n.lifetime(0))
				rseen.endTick(n.lifetime(1))
			})
		}
		if n.lifetime(0) == Static && n.lifetime(1) == Static {
			n.onReplay(func() int {
				for _, l := range ls[:lOld] {
					for _, r := range rs[:rOld] {
						e.add(out{l, r})
					}
				}
				return lOld * rOld
			})
		}
		n.onTickEnd(func() {
			if n.lifetime(0).persists() {
				lOld = len(ls)
			} else {
				clear(ls)
				ls = ls[:0]
			}
			if n.lifetime(1).persists() {
				rOld = len(rs)
			} else {
				clear(rs)
				rs = rs[:0]
			}
		})
	}
	return output[out](n, 0)
}

// dedup keeps, in place, the items of b that s has not seen, and adds them
// to s.
func dedup[T any](b []T, s setSide[T]) []T {
	out := b[:0]
	for _, v := range b {
		if s.add(v) {
			out = append(out, v)
		}
	}
	return out
}

// AntiJoin emits the positive pairs whose key is not among the negative keys
// of the tick (or, with a Static negative input, of any tick so far). The
// negative input is blocking: it comes from an earlier stratum, so AntiJoin
// sees all of it before the first positive item.
func AntiJoin[K comparable, V any](pos Port[KV[K, V]], neg Port[K], lifetime ...Lifetime) Port[KV[K, V]] {
	return antiJoin(pos, neg, "anti_join", func(kv KV[K, V]) K { return kv.Key }, lifetime)
}

// Difference emits the positive items that are not among the negative items
// of the tick; the negative input is blocking, as for AntiJoin.
func Difference[T comparable](pos Port[T], neg Port[T], lifetime ...Lifetime) Port[T] {
	return antiJoin(pos, neg, "difference", func(v T) T { return v }, lifetime)
}

func antiJoin[T any, K comparable](pos Port[T], neg Port[K], op string, key func(T) K, lifetime []Lifetime) Port[T] {
	n := pos.node().g.newNode(op, 2, 1, lifetime, 2)
	connect(pos, n, 0)
	connect(neg, n, 1)
	n.blocking[1] = true
	n.wire = func() {
		down := sink[T](n, 0)
		negs := make(map[K]struct{})
		var kept []T // Static positive items, replayed every tick
		old := 0
		n.keep(&negs, &kept, &old)
		keep := func(b []T) []T {
			out := b[:0]
			for _, v := range b {
				if _, no := negs[key(v)]; !no {
					out = append(out, v)
				}
			}
			return out
		}
		setIn(n, 0, func(b []T) {
			if n.lifetime(0) == Static {
				kept = append(kept, b...)
			}
			if out := keep(b); len(out) > 0 {
				down(out)
			}
		})
		setIn(n, 1, func(b []K) {
			for _, k := range b {
				negs[k] = struct{}{}
			}
		})
		if n.lifetime(0) == Static {
			var scratch []T
			n.onReplay(func() int {
				count := 0
				for i := 0; i < old; i += batchSize {
					scratch = append(scratch[:0], kept[i:min(i+batchSize, old)]...)
					if out := keep(scratch); len(out) > 0 {
						down(out)
						count += len(out)
					}
				}
				return count
			})
		}
		n.onTickEnd(func() {
			old = len(kept)
			if n.lifetime(1) == PerTick {
				clear(negs)
			}
		})
	}
	return output[T](n, 0)
}

// Zip pairs the i-th item of the left input with the i-th item of the right,
// once both inputs are complete for the tick: both are blocking. Items left
// without a partner are dropped at the end of the tick (PerTick) or wait for
// one in later ticks (Static).
func Zip[A, B any](left Port[A], right Port[B], lifetime ...Lifetime) Port[Pair[A, B]] {
	n := left.node().g.newNode("zip", 2, 1, lifetime, 1)
	connect(left, n, 0)
	connect(right, n, 1)
	n.blocking[0], n.blocking[1] = true, true
	type out = Pair[A, B]
	n.wire = func() {
		e := newEmitter(n, sink[out](n, 0))
		var ls []A
		var rs []B
		n.keep(&ls, &rs)
		setIn(n, 0, func(b []A) { ls = append(ls, b...) })
		setIn(n, 1, func(b []B) { rs = append(rs, b...) })
		n.onEntry(func() int {
			k := min(len(ls), len(rs))
			for i := range k {
				e.add(out{ls[i], rs[i]})
			}
			e.flush()
			ls = append(ls[:0], ls[k:]...)
			rs = append(rs[:0], rs[k:]...)
			return k
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() {
				clear(ls)
				clear(rs)
				ls, rs = ls[:0], rs[:0]
			})
		}
	}
	return output[out](n, 0)
}
