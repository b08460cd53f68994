// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// IntoKeyed views a stream of pairs as a keyed stream.
func IntoKeyed[K comparable, V any, L Location](s Stream[KV[K, V], L]) KeyedStream[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "into_keyed", withKind(in.Props, ir.KeyedStream), []*ir.Node{in}, compile.Identity[KV[K, V]]{}, nil)
	return keyedStream[K, V](n, s.l)
}

// Entries is the keyed stream's pairs as a stream. Order across keys is not
// kept, so it is unordered.
func (s KeyedStream[K, V, L]) Entries() Stream[KV[K, V], L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build[KV[K, V]](s.l, "entries", p, []*ir.Node{in}, compile.Identity[KV[K, V]]{}, nil)
	return stream[KV[K, V]](n, s.l)
}

// Values is the keyed stream's values, unordered.
func (s KeyedStream[K, V, L]) Values() Stream[V, L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build[V](s.l, "values", p, []*ir.Node{in}, compile.Values[K, V]{}, nil)
	return stream[V](n, s.l)
}

// Keys is every key of the keyed stream, each once, unordered: at a tick,
// each key with a value in the tick's batch; at a location's top level,
// each key the first time it has a value. (Entries gives every pair.)
func (s KeyedStream[K, V, L]) Keys() Stream[K, L] {
	in := s.node()
	p := withKind(in.Props, ir.Stream)
	p.Ordered = false
	n := build[K](s.l, "keys", p, []*ir.Node{in}, compile.Keys[K, V]{}, nil)
	return Unique(stream[K](n, s.l))
}

// MapValues applies f to every value, keeping keys.
func MapValues[K comparable, V, U any, L Location](s KeyedStream[K, V, L], f func(V) U) KeyedStream[K, U, L] {
	in := s.node()
	n := build[KV[K, U]](s.l, "map_values", in.Props, []*ir.Node{in}, compile.MapValues[K, V, U]{}, f)
	return keyedStream[K, U](n, s.l)
}

// FoldKeyed folds the values of each key, in their per-key order, into an
// accumulator that starts as init().
func FoldKeyed[K comparable, V, A any, L Location](s KeyedStream[K, V, L], init func() A, f func(acc *A, v V), alg ...Algebra) KeyedSingleton[K, A, L] {
	in := s.node()
	n := build[KV[K, A]](s.l, "fold_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, compile.FoldKeyed[K, V, A]{}, compile.FoldFns[V, A]{Init: init, Add: f})
	n.Blocking = 1
	needAlgebra(n, "FoldKeyed", alg)
	return keyedSingleton[K, A](n, s.l)
}

// ReduceKeyed combines the values of each key with f, the first value being
// the start.
func ReduceKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L], f func(acc *V, v V), alg ...Algebra) KeyedSingleton[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "reduce_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, compile.ReduceKeyed[K, V]{}, f)
	n.Blocking = 1
	needAlgebra(n, "ReduceKeyed", alg)
	return keyedSingleton[K, V](n, s.l)
}

// FirstKeyed is the first value of each key. It needs per-key order.
func FirstKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L]) KeyedSingleton[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "first_keyed", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, compile.FirstKeyed[K, V]{}, nil)
	n.Blocking = 1
	n.Need(ir.NeedOrderedPerKey, 0, "FirstKeyed", "")
	return keyedSingleton[K, V](n, s.l)
}

// Entries is the keyed singleton's (key, value) pairs, unordered. It must be
// bounded: Snapshot an unbounded one into a tick first.
func (x KeyedSingleton[K, V, L]) Entries() Stream[KV[K, V], L] {
	return entriesOf(x, "KeyedSingleton.Entries")
}

// entriesOf is x.Entries for the operator op.
func entriesOf[K comparable, V any, L Location](x KeyedSingleton[K, V, L], op string) Stream[KV[K, V], L] {
	in := x.node()
	n := build[KV[K, V]](x.l, "entries", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, compile.SettledEntries[K, V]{}, nil)
	needBounded(n, 0, op)
	return stream[KV[K, V]](n, x.l)
}

// Keys is the keyed singleton's keys, unordered; it must be bounded.
func (x KeyedSingleton[K, V, L]) Keys() Stream[K, L] {
	return keysOf(x, "KeyedSingleton.Keys")
}

// keysOf is x.Keys for the operator op.
func keysOf[K comparable, V any, L Location](x KeyedSingleton[K, V, L], op string) Stream[K, L] {
	in := x.node()
	n := build[K](x.l, "keys", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, compile.SettledKeys[K, V]{}, nil)
	needBounded(n, 0, op)
	return stream[K](n, x.l)
}

// Values is the keyed singleton's values, unordered; it must be bounded.
func (x KeyedSingleton[K, V, L]) Values() Stream[V, L] {
	in := x.node()
	n := build[V](x.l, "values", streamProps(in.Props.Bounded, false, true), []*ir.Node{in}, compile.SettledValues[K, V]{}, nil)
	needBounded(n, 0, "KeyedSingleton.Values")
	return stream[V](n, x.l)
}
