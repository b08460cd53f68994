// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Operators on the values of a keyed stream. Each keeps the keyed stream's
// guarantees (per-key order, retries, boundedness) and its keys; they are
// functions rather than methods so that a flow compiles only those it uses.

// MapWithKey applies f to every pair, keeping its key.
func MapWithKey[K comparable, V, U any, L Location](s KeyedStream[K, V, L], f func(K, V) U) KeyedStream[K, U, L] {
	in := s.node()
	n := build[KV[K, U]](s.l, "map_with_key", in.Props, []*ir.Node{in}, compile.Map[KV[K, V], KV[K, U]]{},
		func(kv KV[K, V]) KV[K, U] { return KV[K, U]{Key: kv.Key, Val: f(kv.Key, kv.Val)} })
	return keyedStream[K, U](n, s.l)
}

// FilterValues keeps the pairs whose value keep returns true for.
func FilterValues[K comparable, V any, L Location](s KeyedStream[K, V, L], keep func(V) bool) KeyedStream[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "filter_values", in.Props, []*ir.Node{in}, compile.Filter[KV[K, V]]{},
		func(kv KV[K, V]) bool { return keep(kv.Val) })
	return keyedStream[K, V](n, s.l)
}

// FilterWithKey keeps the pairs keep returns true for.
func FilterWithKey[K comparable, V any, L Location](s KeyedStream[K, V, L], keep func(K, V) bool) KeyedStream[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "filter_with_key", in.Props, []*ir.Node{in}, compile.Filter[KV[K, V]]{},
		func(kv KV[K, V]) bool { return keep(kv.Key, kv.Val) })
	return keyedStream[K, V](n, s.l)
}

// FilterMapValues applies f to every value and keeps, under the same key,
// the results it returns with true.
func FilterMapValues[K comparable, V, U any, L Location](s KeyedStream[K, V, L], f func(V) (U, bool)) KeyedStream[K, U, L] {
	in := s.node()
	n := build[KV[K, U]](s.l, "filter_map_values", in.Props, []*ir.Node{in}, compile.FilterMap[KV[K, V], KV[K, U]]{},
		func(kv KV[K, V]) (KV[K, U], bool) {
			u, ok := f(kv.Val)
			return KV[K, U]{Key: kv.Key, Val: u}, ok
		})
	return keyedStream[K, U](n, s.l)
}

// FlatMapValues emits, for every value, the items of f's result in order,
// each under the value's key.
func FlatMapValues[K comparable, V, U any, L Location](s KeyedStream[K, V, L], f func(V) []U) KeyedStream[K, U, L] {
	in := s.node()
	n := build[KV[K, U]](s.l, "flat_map_values", in.Props, []*ir.Node{in}, compile.FlatMap[KV[K, V], KV[K, U]]{},
		func(kv KV[K, V]) []KV[K, U] {
			us := f(kv.Val)
			out := make([]KV[K, U], len(us))
			for i, u := range us {
				out[i] = KV[K, U]{Key: kv.Key, Val: u}
			}
			return out
		})
	return keyedStream[K, U](n, s.l)
}

// InspectValues calls f on every pair and passes the keyed stream on
// unchanged.
func InspectValues[K comparable, V any, L Location](s KeyedStream[K, V, L], f func(K, V)) KeyedStream[K, V, L] {
	in := s.node()
	n := build[KV[K, V]](s.l, "inspect_values", in.Props, []*ir.Node{in}, compile.Inspect[KV[K, V]]{},
		func(kv KV[K, V]) { f(kv.Key, kv.Val) })
	return keyedStream[K, V](n, s.l)
}

// UniqueValues drops the pairs seen before (within the tick at a tick, ever
// at a location's top level). The result is exactly-once.
func UniqueValues[K, V comparable, L Location](s KeyedStream[K, V, L]) KeyedStream[K, V, L] {
	in := s.node()
	p := in.Props
	p.ExactlyOnce = true
	n := build[KV[K, V]](s.l, "unique", p, []*ir.Node{in}, compile.Unique[KV[K, V]]{}, nil)
	return keyedStream[K, V](n, s.l)
}
