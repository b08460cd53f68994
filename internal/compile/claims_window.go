// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"reflect"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// How the Commutative and Idempotent claims are tested. An aggregation
// claimed Commutative promises that its result does not depend on the order
// of its items: from every state it reaches, any order of the items still to
// come gives the same state. The checker keeps a private copy of the
// aggregation's state (per key for a keyed one) and a window of the last
// windowLen items with the state before them, and after each item compares
// the state reached in the order seen with the state reached in every other
// order of the window's items, from that same state. Windows overlap by one
// item, so every two consecutive items are also swapped across a window's
// edge. A function that commutes for two items from a fresh accumulator but
// not for three, or not from the states later items meet, is found; only a
// difference that needs more than windowLen items out of order to show can
// pass.
//
// An aggregation claimed Idempotent promises that an item applied again
// changes nothing: each item is applied once and twice to the state the
// aggregation was in, and the two compared.
//
// The checker works on copies (deepCopy): the user's function never sees
// the aggregation's own state or items. A state or item that cannot be
// copied so, or compared (it holds a function), turns the check off for the
// aggregation.

// windowLen is how many consecutive items are put in every order: 4 gives
// 23 other orders per item at most.
const windowLen = 4

// claimKeys bounds how many keys a keyed aggregation keeps a window for:
// past it, the windows start afresh.
const claimKeys = 1024

// orderWindow is what the checker keeps of one aggregation, or of one key.
type orderWindow[T, S any] struct {
	k    *claimChecker
	init func() S
	step func(*S, T)
	// view is what a failure shows of a state.
	view func(S) any

	// growth, for a keyed aggregation claimed Monotone at a location's
	// top level, checks that no item makes the key's value fall (an
	// unkeyed one checks its real accumulator); empty tells a state
	// without a value yet, if a state can be so.
	growth bool
	empty  func(S) bool

	off   bool // the types cannot be copied or compared: nothing is checked
	cur   S    // the state after every item, in the order seen
	from  S    // the state before items
	fresh bool // from is init's
	items []T  // the window, in the order seen
}

func newWindow[T, S any](k *claimChecker, init func() S, step func(*S, T), view func(S) any) *orderWindow[T, S] {
	w := &orderWindow[T, S]{k: k, init: init, step: step, view: view}
	w.off = !comparableType(reflect.TypeFor[S]())
	w.reset()
	return w
}

// reset starts afresh: at a tick's first item, for a tick's aggregation.
func (w *orderWindow[T, S]) reset() {
	if w.off {
		return
	}
	var ok bool
	if w.cur, ok = deepCopy(w.init()); !ok {
		w.off = true
		return
	}
	w.from, _ = deepCopy(w.cur)
	w.fresh = true
	w.items = w.items[:0]
}

// run applies items, in the order idx gives, to a copy of from.
func (w *orderWindow[T, S]) run(from S, idx []int) S {
	s, _ := deepCopy(from)
	for _, i := range idx {
		x, _ := deepCopy(w.items[i])
		w.step(&s, x)
	}
	return s
}

// add checks item, the next item the aggregation applies.
func (w *orderWindow[T, S]) add(item T) {
	if w.off {
		return
	}
	x, ok := deepCopy(item)
	if !ok {
		w.off = true
		return
	}
	if w.k.n.Claims&ir.Idempotent != 0 {
		once, _ := deepCopy(w.cur)
		a, _ := deepCopy(x)
		w.step(&once, a)
		twice, _ := deepCopy(once)
		b, _ := deepCopy(x)
		w.step(&twice, b)
		if !reflect.DeepEqual(once, twice) {
			e := w.k.claimError(ir.Idempotent, []any{x}, w.view(once), w.view(twice))
			if !w.fresh || len(w.items) > 0 {
				e.From = show(w.view(w.cur))
			}
			panic(e)
		}
	}
	var before S
	if w.growth {
		before, _ = deepCopy(w.cur)
	}
	a, _ := deepCopy(x)
	w.step(&w.cur, a)
	if w.growth && (w.empty == nil || !w.empty(before)) {
		w.k.checkGrowth(x, w.view(before), w.view(w.cur))
	}
	if w.k.n.Claims&ir.Commutative == 0 {
		return
	}
	w.items = append(w.items, x)
	if len(w.items) >= 2 {
		w.checkOrders()
	}
	if len(w.items) == windowLen {
		last := len(w.items) - 1
		w.from = w.run(w.from, identity(last))
		w.fresh = false
		w.items[0] = w.items[last]
		clear(w.items[1:])
		w.items = w.items[:1]
	}
}

// checkOrders compares the state the window's items reached in the order
// seen with the state every other order reaches from the same state.
func (w *orderWindow[T, S]) checkOrders() {
	seen := w.cur
	permutations(len(w.items), func(idx []int) {
		got := w.run(w.from, idx)
		if reflect.DeepEqual(seen, got) {
			return
		}
		e := w.k.claimError(ir.Commutative, nil, w.view(seen), w.view(got))
		for i, x := range w.items {
			e.Items = append(e.Items, show(x))
			e.Other = append(e.Other, show(w.items[idx[i]]))
		}
		if !w.fresh {
			e.From = show(w.view(w.from))
		}
		panic(e)
	})
}

func identity(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// permutations calls f with every order of 0..n-1 but the identity, each
// once (Heap's algorithm). f must not keep idx.
func permutations(n int, f func(idx []int)) {
	idx := identity(n)
	c := make([]int, n)
	for i := 1; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				idx[0], idx[i] = idx[i], idx[0]
			} else {
				idx[c[i]], idx[i] = idx[i], idx[c[i]]
			}
			f(idx)
			c[i]++
			i = 1
		} else {
			c[i] = 0
			i++
		}
	}
}

// reduceState is a reduce's state as the checker keeps it: no value before
// the first item, which becomes the value.
type reduceState[T any] struct {
	V  T
	Ok bool
}

func reduceStep[T any](f func(*T, T)) func(*reduceState[T], T) {
	return func(s *reduceState[T], x T) {
		if !s.Ok {
			s.V, s.Ok = x, true
			return
		}
		f(&s.V, x)
	}
}

func reduceView[T any](s reduceState[T]) any   { return s.V }
func reduceEmpty[T any](s reduceState[T]) bool { return !s.Ok }
func foldView[A any](s A) any                  { return s }

// checkedFold wraps a fold's function so that each item is checked before
// it is applied.
func checkedFold[T, A any](c *Ctx, n *ir.Node, fn FoldFns[T, A]) FoldFns[T, A] {
	k := newChecker(c, n)
	w := newWindow(k, fn.Init, fn.Add, foldView[A])
	add := fn.Add
	fn.Add = func(acc *A, item T) {
		if k.newTick() {
			w.reset()
		}
		w.add(item)
		if k.n.Claims&ir.Monotone == 0 || k.tick != nil {
			add(acc, item)
			return
		}
		before, ok := deepCopy(*acc)
		add(acc, item)
		if ok {
			k.checkGrowth(item, before, *acc)
		}
	}
	return fn
}

// checkedReduce wraps a reduce's function as checkedFold does.
func checkedReduce[T any](c *Ctx, n *ir.Node, f func(*T, T)) func(*T, T) {
	k := newChecker(c, n)
	w := newWindow(k, func() reduceState[T] { return reduceState[T]{} }, reduceStep(f), reduceView[T])
	// The reduce applies f from its second item on (of each tick, at a
	// tick): the first is the accumulator of the first call.
	started := false
	return func(acc *T, item T) {
		if k.newTick() {
			w.reset()
			started = false
		}
		if !started {
			w.add(*acc)
			started = true
		}
		w.add(item)
		if k.n.Claims&ir.Monotone == 0 || k.tick != nil {
			f(acc, item)
			return
		}
		before, ok := deepCopy(*acc)
		f(acc, item)
		if ok {
			k.checkGrowth(item, before, *acc)
		}
	}
}

// keyedWindows keeps a window per key, for at most claimKeys keys.
type keyedWindows[K comparable, V, S any] struct {
	k    *claimChecker
	m    map[K]*orderWindow[V, S]
	make func() *orderWindow[V, S]
}

func (kw *keyedWindows[K, V, S]) add(kv dfir.KV[K, V]) {
	if kw.k.newTick() || len(kw.m) >= claimKeys {
		clear(kw.m)
	}
	w := kw.m[kv.Key]
	if w == nil {
		w = kw.make()
		kw.m[kv.Key] = w
	}
	w.add(kv.Val)
}

// checkedFoldKeyed returns what inspects a keyed fold's input: each value
// is checked in its key's window, and against its key's value if the fold
// is claimed Monotone.
func checkedFoldKeyed[K comparable, V, A any](c *Ctx, n *ir.Node, fn FoldFns[V, A]) func(kv dfir.KV[K, V]) {
	k := newChecker(c, n)
	kw := &keyedWindows[K, V, A]{k: k, m: make(map[K]*orderWindow[V, A]), make: func() *orderWindow[V, A] {
		w := newWindow(k, fn.Init, fn.Add, foldView[A])
		w.growth = k.n.Claims&ir.Monotone != 0 && k.tick == nil
		return w
	}}
	return kw.add
}

// checkedReduceKeyed is checkedFoldKeyed for a keyed reduce.
func checkedReduceKeyed[K comparable, V any](c *Ctx, n *ir.Node, f func(*V, V)) func(kv dfir.KV[K, V]) {
	k := newChecker(c, n)
	kw := &keyedWindows[K, V, reduceState[V]]{k: k, m: make(map[K]*orderWindow[V, reduceState[V]]), make: func() *orderWindow[V, reduceState[V]] {
		w := newWindow(k, func() reduceState[V] { return reduceState[V]{} }, reduceStep(f), reduceView[V])
		w.growth, w.empty = k.n.Claims&ir.Monotone != 0 && k.tick == nil, reduceEmpty[V]
		return w
	}}
	return kw.add
}
