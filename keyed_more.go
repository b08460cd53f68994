// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// More operators on keyed streams, after Hydro's: counting, sorting and
// combining keyed streams, pairing them with singletons and keyed
// singletons, and compound keys.

// ValueCounts is the number of values of each key. It needs an exactly-once
// keyed stream; the order of the values does not matter.
func ValueCounts[K comparable, V any, L Location](s KeyedStream[K, V, L]) KeyedSingleton[K, int, L] {
	in := s.node()
	n := build[KV[K, int]](s.l, "value_counts", aggProps(in, ir.KeyedSingleton), []*ir.Node{in}, compile.FoldKeyed[K, V, int]{},
		compile.FoldFns[V, int]{Init: func() int { return 0 }, Add: func(n *int, _ V) { *n++ }})
	n.Blocking = 1
	n.Claims = ir.Commutative // counting ignores the order
	n.Need(ir.NeedExactlyOnce, 0, "ValueCounts", "")
	return keyedSingleton[K, int](n, s.l)
}

// ReduceWatermark is ReduceKeyed that forgets the keys up to a watermark:
// once watermark has held w, keys less than or equal to w are dropped from the result
// and from the state, and values arriving later under such keys are
// ignored. The watermark only rises; a lower one later changes nothing.
// At a location's top level this bounds the state of a reduction over an
// unbounded stream whose old keys are done (rounds, slots, timestamps).
// As for ReduceKeyed, f must be commutative (pass hydro.Commutative) on a
// stream unordered per key, and idempotent on an at-least-once one.
func ReduceWatermark[K cmp.Ordered, V any, L Location](s KeyedStream[K, V, L], watermark Optional[K, L], f func(acc *V, v V), alg ...Algebra) KeyedSingleton[K, V, L] {
	a, b := s.node(), watermark.node()
	n := build[KV[K, V]](s.l, "reduce_watermark", aggProps(a, ir.KeyedSingleton), []*ir.Node{a, b}, compile.ReduceWatermark[K, V]{}, f)
	n.Props.Bounded = a.Props.Bounded && b.Props.Bounded
	n.Blocking = 3
	needAlgebra(n, "ReduceWatermark", alg)
	return keyedSingleton[K, V](n, s.l)
}

// SortValues orders each key's values of a bounded keyed stream by cmp;
// equal values keep their order.
func SortValues[K comparable, V any, L Location](s KeyedStream[K, V, L], cmp func(a, b V) int) KeyedStream[K, V, L] {
	in := s.node()
	p := in.Props
	p.Ordered = true
	n := build[KV[K, V]](s.l, "sort_values", p, []*ir.Node{in}, compile.Sort[KV[K, V]]{},
		func(a, b KV[K, V]) int { return cmp(a.Val, b.Val) })
	n.Blocking = 1
	needBounded(n, 0, "SortValues")
	return keyedStream[K, V](n, s.l)
}

// ChainKeyed is, for each key, first's values and then second's. first
// must be bounded, or second would never start.
func ChainKeyed[K comparable, V any, L Location](first, second KeyedStream[K, V, L]) KeyedStream[K, V, L] {
	a, b := first.node(), second.node()
	p := streamProps(a.Props.Bounded && b.Props.Bounded, a.Props.Ordered && b.Props.Ordered, a.Props.ExactlyOnce && b.Props.ExactlyOnce)
	p.Kind = ir.KeyedStream
	n := build[KV[K, V]](first.l, "chain", p, []*ir.Node{a, b}, compile.Chain[KV[K, V]]{}, nil)
	n.Blocking = 1
	needBounded(n, 0, "ChainKeyed's first input")
	return keyedStream[K, V](n, first.l)
}

// MergeKeyed interleaves the values of several keyed streams as they
// arrive: a key's values from two inputs have no order between them, so
// the result is unordered.
func MergeKeyed[K comparable, V any, L Location](first KeyedStream[K, V, L], rest ...KeyedStream[K, V, L]) KeyedStream[K, V, L] {
	ins := []*ir.Node{first.node()}
	p := ir.Props{Kind: ir.KeyedStream, Bounded: first.node().Props.Bounded, ExactlyOnce: first.node().Props.ExactlyOnce}
	for _, s := range rest {
		ins = append(ins, s.node())
		p.Bounded = p.Bounded && s.node().Props.Bounded
		p.ExactlyOnce = p.ExactlyOnce && s.node().Props.ExactlyOnce
	}
	n := build[KV[K, V]](first.l, "merge", p, ins, compile.Merge[KV[K, V]]{}, nil)
	return keyedStream[K, V](n, first.l)
}

// CrossSingletonKeyed pairs every value of s with the value of x, keeping
// keys and each key's order. x must be bounded, as for CrossSingleton.
func CrossSingletonKeyed[K comparable, V, U any, L Location](s KeyedStream[K, V, L], x Singleton[U, L]) KeyedStream[K, Pair[V, U], L] {
	a, b := s.node(), x.node()
	cross := build[Pair[KV[K, V], U]](s.l, "cross_singleton", a.Props, []*ir.Node{a, b}, compile.CrossSingleton[KV[K, V], U]{}, nil)
	needBounded(cross, 1, "CrossSingletonKeyed")
	n := build[KV[K, Pair[V, U]]](s.l, "map", a.Props, []*ir.Node{cross}, compile.Map[Pair[KV[K, V], U], KV[K, Pair[V, U]]]{},
		func(p Pair[KV[K, V], U]) KV[K, Pair[V, U]] {
			return KV[K, Pair[V, U]]{Key: p.Left.Key, Val: Pair[V, U]{Left: p.Left.Val, Right: p.Right}}
		})
	return keyedStream[K, Pair[V, U]](n, s.l)
}

// DeferTickKeyed delays a tick's keyed stream by one tick, as DeferTick does
// a stream.
func DeferTickKeyed[K comparable, V any, L Location](s KeyedStream[K, V, *Tick[L]]) KeyedStream[K, V, *Tick[L]] {
	in := s.node()
	n := build[KV[K, V]](s.l, "defer_tick", in.Props, []*ir.Node{in}, compile.DeferTick[KV[K, V]]{}, nil)
	return keyedStream[K, V](n, s.l)
}

// Lookup pairs every value of s with the value x has for its key, and
// drops the values whose key x lacks. It keeps each key's order. x must be
// bounded; at a tick, its map is built again in every tick.
func Lookup[K comparable, V, W any, L Location](s KeyedStream[K, V, L], x KeyedSingleton[K, W, L]) KeyedStream[K, Pair[V, W], L] {
	m := foldAll(entriesOf(x, "Lookup's keyed singleton"), "into_map", func() map[K]W { return map[K]W{} },
		func(m *map[K]W, kv KV[K, W]) { (*m)[kv.Key] = kv.Val })
	a, b := s.node(), m.node()
	cross := build[Pair[KV[K, V], map[K]W]](s.l, "cross_singleton", a.Props, []*ir.Node{a, b}, compile.CrossSingleton[KV[K, V], map[K]W]{}, nil)
	n := build[KV[K, Pair[V, W]]](s.l, "lookup", a.Props, []*ir.Node{cross}, compile.FilterMap[Pair[KV[K, V], map[K]W], KV[K, Pair[V, W]]]{},
		func(p Pair[KV[K, V], map[K]W]) (KV[K, Pair[V, W]], bool) {
			w, ok := p.Right[p.Left.Key]
			return KV[K, Pair[V, W]]{Key: p.Left.Key, Val: Pair[V, W]{Left: p.Left.Val, Right: w}}, ok
		})
	return keyedStream[K, Pair[V, W]](n, s.l)
}

// RepeatWithKeys emits every item of s once under each key of keys: a
// keyed stream in which each key's values are s, in s's order. keys must be
// bounded.
func RepeatWithKeys[T any, K comparable, V any, L Location](s Stream[T, L], keys KeyedSingleton[K, V, L]) KeyedStream[K, T, L] {
	// The keys' order in the slice is only the order across keys, which a
	// keyed stream does not keep.
	ks := foldAll(keysOf(keys, "RepeatWithKeys's keys"), "collect_keys", func() []K { return nil },
		func(acc *[]K, k K) { *acc = append(*acc, k) })
	a, b := s.node(), ks.node()
	cross := build[Pair[T, []K]](s.l, "cross_singleton", a.Props, []*ir.Node{a, b}, compile.CrossSingleton[T, []K]{}, nil)
	n := build[KV[K, T]](s.l, "repeat_with_keys", withKind(a.Props, ir.KeyedStream), []*ir.Node{cross}, compile.FlatMap[Pair[T, []K], KV[K, T]]{},
		func(p Pair[T, []K]) []KV[K, T] {
			out := make([]KV[K, T], len(p.Right))
			for i, k := range p.Right {
				out[i] = KV[K, T]{Key: k, Val: p.Left}
			}
			return out
		})
	return keyedStream[K, T](n, s.l)
}

// PrefixKey puts f's result in front of every key: the new key is the pair
// (f(key, value), key). Each old key's values stay under one new key, in
// order.
func PrefixKey[K comparable, V any, K2 comparable, L Location](s KeyedStream[K, V, L], f func(K, V) K2) KeyedStream[Pair[K2, K], V, L] {
	in := s.node()
	n := build[KV[Pair[K2, K], V]](s.l, "prefix_key", in.Props, []*ir.Node{in}, compile.Map[KV[K, V], KV[Pair[K2, K], V]]{},
		func(kv KV[K, V]) KV[Pair[K2, K], V] {
			return KV[Pair[K2, K], V]{Key: Pair[K2, K]{Left: f(kv.Key, kv.Val), Right: kv.Key}, Val: kv.Val}
		})
	return keyedStream[Pair[K2, K], V](n, s.l)
}

// DropKeyPrefix drops the first half of compound keys. Values of keys that
// shared their second half meet under one key with no order between them,
// so the result is unordered.
func DropKeyPrefix[K1, K2 comparable, V any, L Location](s KeyedStream[Pair[K1, K2], V, L]) KeyedStream[K2, V, L] {
	in := s.node()
	p := in.Props
	p.Ordered = false
	n := build[KV[K2, V]](s.l, "drop_key_prefix", p, []*ir.Node{in}, compile.Map[KV[Pair[K1, K2], V], KV[K2, V]]{},
		func(kv KV[Pair[K1, K2], V]) KV[K2, V] { return KV[K2, V]{Key: kv.Key.Right, Val: kv.Val} })
	return keyedStream[K2, V](n, s.l)
}
