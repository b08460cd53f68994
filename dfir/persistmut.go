// SPDX-License-Identifier: Apache-2.0

package dfir

// Persistence is a command to PersistMut: store Val, or, with Delete, remove
// every stored copy of Val. It is DFIR's Persistence (Persist, Delete).
type Persistence[T any] struct {
	Val    T
	Delete bool
}

// PersistenceKeyed is a command to PersistMutKeyed: store (Key, Val), or,
// with Delete, remove every value stored under Key (Val is then ignored). It
// is DFIR's PersistenceKeyed.
type PersistenceKeyed[K, V any] struct {
	Key    K
	Val    V
	Delete bool
}

// PersistMut keeps a multiset edited by its input's commands and emits, every
// tick, everything it holds, in the order it was stored: DFIR's
// persist_mut::<'mutable>. Commands apply in arrival order, so Persist(1),
// Delete(1), Persist(1) leaves one 1.
//
// The input is blocking: the tick's commands all apply before anything is
// emitted.
func PersistMut[T comparable](in Port[Persistence[T]]) Port[T] {
	n := blockingNode(in, "persist_mut", nil)
	n.wire = func() {
		e := newEmitter(n, sink[T](n, 0))
		st := newMutStore[T, T]()
		n.keep(st)
		setIn(n, 0, func(b []Persistence[T]) {
			for _, c := range b {
				if c.Delete {
					st.remove(c.Val)
				} else {
					st.insert(c.Val, c.Val)
				}
			}
		})
		n.onEntry(func() int {
			for i, ok := range st.live {
				if ok {
					e.add(st.vals[i])
				}
			}
			e.flush()
			return st.n
		})
		n.onTickEnd(st.compact)
	}
	return output[T](n, 0)
}

// PersistMutKeyed is PersistMut over (key, value) pairs, where a delete
// removes every value of a key: DFIR's persist_mut_keyed::<'mutable>. It
// emits every tick the pairs it holds in the order they were stored; DFIR
// groups them by key in hash order.
func PersistMutKeyed[K comparable, V any](in Port[PersistenceKeyed[K, V]]) Port[KV[K, V]] {
	n := blockingNode(in, "persist_mut_keyed", nil)
	n.wire = func() {
		e := newEmitter(n, sink[KV[K, V]](n, 0))
		st := newMutStore[K, V]()
		n.keep(st)
		setIn(n, 0, func(b []PersistenceKeyed[K, V]) {
			for _, c := range b {
				if c.Delete {
					st.remove(c.Key)
				} else {
					st.insert(c.Key, c.Val)
				}
			}
		})
		n.onEntry(func() int {
			for i, ok := range st.live {
				if ok {
					e.add(KV[K, V]{st.keys[i], st.vals[i]})
				}
			}
			e.flush()
			return st.n
		})
		n.onTickEnd(st.compact)
	}
	return output[KV[K, V]](n, 0)
}

// mutStore is the state of PersistMut: entries in the order they were
// stored, with the entries of a key chained from the newest through next so
// that deleting a key visits only its own entries. Deleted entries stay, as
// holes, until compact reclaims them.
type mutStore[K comparable, V any] struct {
	head map[K]int32
	keys []K
	vals []V
	next []int32 // previous entry with the same key, or -1
	live []bool
	n    int // live entries
}

func newMutStore[K comparable, V any]() *mutStore[K, V] {
	return &mutStore[K, V]{head: make(map[K]int32)}
}

func (s *mutStore[K, V]) insert(k K, v V) {
	prev, ok := s.head[k]
	if !ok {
		prev = -1
	}
	s.head[k] = int32(len(s.keys))
	s.keys = append(s.keys, k)
	s.vals = append(s.vals, v)
	s.next = append(s.next, prev)
	s.live = append(s.live, true)
	s.n++
}

func (s *mutStore[K, V]) remove(k K) {
	i, ok := s.head[k]
	if !ok {
		return
	}
	for ; i >= 0; i = s.next[i] {
		s.live[i] = false
		s.n--
	}
	delete(s.head, k)
}

// compact drops the holes once they outnumber the live entries, keeping the
// order of what is left.
func (s *mutStore[K, V]) compact() {
	holes := len(s.keys) - s.n
	if holes <= s.n || holes < 64 {
		return
	}
	w := 0
	for i, ok := range s.live {
		if ok {
			s.keys[w], s.vals[w] = s.keys[i], s.vals[i]
			w++
		}
	}
	clear(s.keys[w:])
	clear(s.vals[w:])
	s.keys, s.vals, s.live, s.next = s.keys[:w], s.vals[:w], s.live[:w], s.next[:w]
	clear(s.head)
	for i := range w {
		s.live[i] = true
		prev, ok := s.head[s.keys[i]]
		if !ok {
			prev = -1
		}
		s.next[i] = prev
		s.head[s.keys[i]] = int32(i)
	}
}
