// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// IntoKeyed views a stream of pairs as a keyed stream.
func IntoKeyed[K comparable, V any, L Location](s Stream[KV[K, V], L]) KeyedStream[K, V, L] {
	in := s.node()
	n := build(s.l, "into_keyed", withKind(in.Props, ir.KeyedStream), []*ir.Node{in}, false, identity[KV[K, V]])
	return keyedStream[K, V](n, s.l)
}

// Entries is the keyed stream's pairs as a stream. Order across keys is not
// kept, so it is unordered.
func (s KeyedStream[K, V, L]) Entries() Stream[KV[K, V], L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build(s.l, "entries", p, []*ir.Node{in}, false, identity[KV[K, V]])
	return stream[KV[K, V]](n, s.l)
}

// Values is the keyed stream's values, unordered.
func (s KeyedStream[K, V, L]) Values() Stream[V, L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build(s.l, "values", p, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[V] {
		return dfir.Map(port[KV[K, V]](ins, 0), func(kv KV[K, V]) V { return kv.Val })
	})
	return stream[V](n, s.l)
}

// Keys is the key of every pair of the keyed stream, unordered, one per
// pair (so a key repeats as often as it has values).
func (s KeyedStream[K, V, L]) Keys() Stream[K, L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build(s.l, "keys", p, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[K] {
		return dfir.Map(port[KV[K, V]](ins, 0), func(kv KV[K, V]) K { return kv.Key })
	})
	return stream[K](n, s.l)
}

// MapValues applies f to every value, keeping keys.
func MapValues[K comparable, V, U any, L Location](s KeyedStream[K, V, L], f func(V) U) KeyedStream[K, U, L] {
	in := s.node()
	n := build(s.l, "map_values", in.Props, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, U]] {
		return dfir.Map(port[KV[K, V]](ins, 0), func(kv KV[K, V]) KV[K, U] { return KV[K, U]{Key: kv.Key, Val: f(kv.Val)} })
	})
	return keyedStream[K, U](n, s.l)
}

// FoldKeyed folds the values of each key, in their per-key order, into an
// accumulator that starts as init().
func FoldKeyed[K comparable, V, A any, L Location](s KeyedStream[K, V, L], init func() A, f func(acc *A, v V), alg ...Algebra) KeyedSingleton[K, A, L] {
	in := s.node()
	n := build(s.l, "fold_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, A]] {
		return dfir.FoldKeyed(port[KV[K, V]](ins, 0), init, f, lifetime(in.Loc))
	})
	n.Blocking = 1
	checkAlgebra(s.l.flow(), n, in, "FoldKeyed", alg)
	return keyedSingleton[K, A](n, s.l)
}

// ReduceKeyed combines the values of each key with f, the first value being
// the start.
func ReduceKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L], f func(acc *V, v V), alg ...Algebra) KeyedSingleton[K, V, L] {
	in := s.node()
	n := build(s.l, "reduce_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, V]] {
		return dfir.ReduceKeyed(port[KV[K, V]](ins, 0), f, lifetime(in.Loc))
	})
	n.Blocking = 1
	checkAlgebra(s.l.flow(), n, in, "ReduceKeyed", alg)
	return keyedSingleton[K, V](n, s.l)
}

// FirstKeyed is the first value of each key. It needs per-key order.
func FirstKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L]) KeyedSingleton[K, V, L] {
	in := s.node()
	n := build(s.l, "first_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, V]] {
		return dfir.ReduceKeyed(port[KV[K, V]](ins, 0), func(*V, V) {}, lifetime(in.Loc))
	})
	n.Blocking = 1
	if !in.Props.Ordered {
		s.l.flow().misuse(n, "use an order-insensitive aggregation, such as ReduceKeyed with hydro.Commutative",
			"hydro: FirstKeyed needs a stream ordered per key, but %s (%s) is unordered", in.Op, in.Pos())
	}
	return keyedSingleton[K, V](n, s.l)
}

// Entries is the keyed singleton's (key, value) pairs, unordered. It must be
// bounded: Snapshot an unbounded one into a tick first.
func (x KeyedSingleton[K, V, L]) Entries() Stream[KV[K, V], L] {
	in := x.node()
	n := build(x.l, "entries", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, V]] {
		return settled(c, in.Loc, port[KV[K, V]](ins, 0))
	})
	needBounded(x.l.flow(), n, in, "KeyedSingleton.Entries")
	return stream[KV[K, V]](n, x.l)
}

// Keys is the keyed singleton's keys, unordered; it must be bounded.
func (x KeyedSingleton[K, V, L]) Keys() Stream[K, L] {
	in := x.node()
	n := build(x.l, "keys", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[K] {
		return dfir.Map(settled(c, in.Loc, port[KV[K, V]](ins, 0)), func(kv KV[K, V]) K { return kv.Key })
	})
	needBounded(x.l.flow(), n, in, "KeyedSingleton.Keys")
	return stream[K](n, x.l)
}

// Values is the keyed singleton's values, unordered; it must be bounded.
func (x KeyedSingleton[K, V, L]) Values() Stream[V, L] {
	in := x.node()
	n := build(x.l, "values", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[V] {
		return dfir.Map(settled(c, in.Loc, port[KV[K, V]](ins, 0)), func(kv KV[K, V]) V { return kv.Val })
	})
	needBounded(x.l.flow(), n, in, "KeyedSingleton.Values")
	return stream[V](n, x.l)
}
