// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Operators on keyed singletons, after Hydro's. A keyed singleton is
// lowered to a port that carries every (key, value) pair once per tick, so
// the element-wise ones work per tick, at a tick or at a location's top
// level alike. Those that read the whole map at once need it bounded:
// Snapshot an unbounded one into a tick first.

// MapKeyedSingleton applies f to every value, keeping keys.
func MapKeyedSingleton[K comparable, V, U any, L Location](x KeyedSingleton[K, V, L], f func(V) U) KeyedSingleton[K, U, L] {
	in := x.node()
	n := build[KV[K, U]](x.l, "map", in.Props, []*ir.Node{in}, compile.MapValues[K, V, U]{}, f)
	return keyedSingleton[K, U](n, x.l)
}

// FilterKeyedSingleton keeps the keys whose value keep returns true for.
func FilterKeyedSingleton[K comparable, V any, L Location](x KeyedSingleton[K, V, L], keep func(V) bool) KeyedSingleton[K, V, L] {
	in := x.node()
	n := build[KV[K, V]](x.l, "filter", in.Props, []*ir.Node{in}, compile.Filter[KV[K, V]]{},
		func(kv KV[K, V]) bool { return keep(kv.Val) })
	return keyedSingleton[K, V](n, x.l)
}

// FilterMapKeyedSingleton applies f to every value and keeps, under the
// same key, the results it returns with true.
func FilterMapKeyedSingleton[K comparable, V, U any, L Location](x KeyedSingleton[K, V, L], f func(V) (U, bool)) KeyedSingleton[K, U, L] {
	in := x.node()
	n := build[KV[K, U]](x.l, "filter_map", in.Props, []*ir.Node{in}, compile.FilterMap[KV[K, V], KV[K, U]]{},
		func(kv KV[K, V]) (KV[K, U], bool) {
			u, ok := f(kv.Val)
			return KV[K, U]{Key: kv.Key, Val: u}, ok
		})
	return keyedSingleton[K, U](n, x.l)
}

// FilterKeyNotIn keeps the keys of x that are not in keys. keys must be
// bounded, as for AntiJoin.
func FilterKeyNotIn[K comparable, V any, L Location](x KeyedSingleton[K, V, L], keys Stream[K, L]) KeyedSingleton[K, V, L] {
	a, b := x.node(), keys.node()
	n := build[KV[K, V]](x.l, "filter_key_not_in", a.Props, []*ir.Node{a, b}, compile.AntiJoin[K, V]{}, nil)
	n.Blocking = 2
	needBounded(n, 1, "FilterKeyNotIn's keys")
	return keyedSingleton[K, V](n, x.l)
}

// IntoKeyedStream is a bounded keyed singleton as a keyed stream with one
// value per key.
func IntoKeyedStream[K comparable, V any, L Location](x KeyedSingleton[K, V, L]) KeyedStream[K, V, L] {
	in := x.node()
	p := ir.Props{Kind: ir.KeyedStream, Bounded: in.Props.Bounded, Ordered: true, ExactlyOnce: true}
	n := build[KV[K, V]](x.l, "into_keyed_stream", p, []*ir.Node{in}, compile.SettledEntries[K, V]{}, nil)
	needBounded(n, 0, "IntoKeyedStream")
	return keyedStream[K, V](n, x.l)
}

// KeyCount is the number of keys of a bounded keyed singleton.
func KeyCount[K comparable, V any, L Location](x KeyedSingleton[K, V, L]) Singleton[int, L] {
	return Count(keysOf(x, "KeyCount"))
}

// IntoMap is a bounded keyed singleton as one Go map. The map is shared
// with later operators: treat it as read-only.
func IntoMap[K comparable, V any, L Location](x KeyedSingleton[K, V, L]) Singleton[map[K]V, L] {
	// Keys are distinct, so the order the entries arrive in does not
	// change the map.
	return foldAll(entriesOf(x, "IntoMap"), "into_map", func() map[K]V { return map[K]V{} }, func(m *map[K]V, kv KV[K, V]) { (*m)[kv.Key] = kv.Val })
}

// Get is the value of the key that key holds, if x has that key. Both must
// be bounded.
func Get[K comparable, V any, L Location](x KeyedSingleton[K, V, L], key Singleton[K, L]) Optional[V, L] {
	pairs := crossSingleton(entriesOf(x, "Get"), key, "Get's key")
	match := FilterMap(pairs, func(p Pair[KV[K, V], K]) (V, bool) { return p.Left.Val, p.Left.Key == p.Right })
	// At most one entry matches: the order of the matches is moot.
	n := aggregate[V](match, "get", ir.Optional, compile.Reduce[V]{}, func(*V, V) {})
	return optional[V](n, x.l)
}

// GetMaxKey is the greatest key of a bounded keyed singleton, if it has
// any.
func GetMaxKey[K cmp.Ordered, V any, L Location](x KeyedSingleton[K, V, L]) Optional[K, L] {
	return Max(keysOf(x, "GetMaxKey"))
}

// DeferTickKeyedSingleton delays a tick's keyed singleton by one tick: the
// map x holds in tick t, the result holds in tick t+1 (empty in the first).
func DeferTickKeyedSingleton[K comparable, V any, L Location](x KeyedSingleton[K, V, *Tick[L]]) KeyedSingleton[K, V, *Tick[L]] {
	in := x.node()
	n := build[KV[K, V]](x.l, "defer_tick", in.Props, []*ir.Node{in}, compile.DeferTick[KV[K, V]]{}, nil)
	return keyedSingleton[K, V](n, x.l)
}
