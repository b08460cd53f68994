// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// joinLifetime is the state lifetime of joins and cross products: per tick
// at a tick; at a location's top level, kept across ticks and each result
// emitted once.
func joinLifetime(l *ir.Location) dfir.Lifetime {
	if inTick(l) {
		return dfir.PerTick
	}
	return dfir.Incremental
}

// Chain is all of first, then all of second. first must be bounded, or
// second would never start.
func Chain[T any, L Location](first, second Stream[T, L]) Stream[T, L] {
	a, b := first.node(), second.node()
	p := streamProps(a.Props.Bounded && b.Props.Bounded, a.Props.Ordered && b.Props.Ordered, a.Props.ExactlyOnce && b.Props.ExactlyOnce)
	n := build(first.l, "chain", p, []*ir.Node{a, b}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Chain(port[T](ins, 0), port[T](ins, 1))
	})
	n.Blocking = 1
	needBounded(first.l.flow(), n, a, "Chain's first input")
	return stream[T](n, first.l)
}

// Merge interleaves the items of several streams as they arrive: the result
// is unordered.
func Merge[T any, L Location](first Stream[T, L], rest ...Stream[T, L]) Stream[T, L] {
	ins := []*ir.Node{first.node()}
	p := streamProps(first.node().Props.Bounded, false, first.node().Props.ExactlyOnce)
	for _, s := range rest {
		ins = append(ins, s.node())
		p.Bounded = p.Bounded && s.node().Props.Bounded
		p.ExactlyOnce = p.ExactlyOnce && s.node().Props.ExactlyOnce
	}
	n := build(first.l, "merge", p, ins, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		ports := make([]dfir.Port[T], len(ins))
		for i := range ins {
			ports[i] = port[T](ins, i)
		}
		return dfir.Union(ports...)
	})
	return stream[T](n, first.l)
}

// CrossProduct pairs every item of a with every item of b. At a location's
// top level each pair is emitted once, when its second item arrives.
func CrossProduct[A, B any, L Location](a Stream[A, L], b Stream[B, L]) Stream[Pair[A, B], L] {
	x, y := a.node(), b.node()
	p := streamProps(x.Props.Bounded && y.Props.Bounded, false, x.Props.ExactlyOnce && y.Props.ExactlyOnce)
	n := build(a.l, "cross_product", p, []*ir.Node{x, y}, false, func(c *ir.Ctx, ins []any) dfir.Port[Pair[A, B]] {
		return dfir.CrossJoin(port[A](ins, 0), port[B](ins, 1), joinLifetime(x.Loc))
	})
	return stream[Pair[A, B]](n, a.l)
}

// CrossSingleton pairs every item of s with the value of x. x must be
// bounded (at a tick, or fixed from the start); to pair with a changing
// value, Snapshot it into a tick.
func CrossSingleton[T, U any, L Location](s Stream[T, L], x Singleton[U, L]) Stream[Pair[T, U], L] {
	a, b := s.node(), x.node()
	n := build(s.l, "cross_singleton", a.Props, []*ir.Node{a, b}, false, func(c *ir.Ctx, ins []any) dfir.Port[Pair[T, U]] {
		return dfir.CrossJoin(port[T](ins, 0), port[U](ins, 1))
	})
	needBounded(s.l.flow(), n, b, "CrossSingleton")
	return stream[Pair[T, U]](n, s.l)
}

// Join pairs the values of a and b under equal keys. Duplicates on either
// side give duplicate matches; the result's order is per key at best, so it
// is unordered.
func Join[K comparable, V1, V2 any, L Location](a KeyedStream[K, V1, L], b KeyedStream[K, V2, L]) KeyedStream[K, Pair[V1, V2], L] {
	x, y := a.node(), b.node()
	p := ir.Props{Kind: ir.KeyedStream, Bounded: x.Props.Bounded && y.Props.Bounded, ExactlyOnce: x.Props.ExactlyOnce && y.Props.ExactlyOnce}
	n := build(a.l, "join", p, []*ir.Node{x, y}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, Pair[V1, V2]]] {
		return dfir.Join(port[KV[K, V1]](ins, 0), port[KV[K, V2]](ins, 1), joinLifetime(x.Loc))
	})
	return keyedStream[K, Pair[V1, V2]](n, a.l)
}

// AntiJoin keeps the entries of s whose key is not in keys. keys must be
// bounded: an entry can only be let through once every key is known.
func AntiJoin[K comparable, V any, L Location](s KeyedStream[K, V, L], keys Stream[K, L]) KeyedStream[K, V, L] {
	a, b := s.node(), keys.node()
	n := build(s.l, "anti_join", a.Props, []*ir.Node{a, b}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, V]] {
		return dfir.AntiJoin(port[KV[K, V]](ins, 0), port[K](ins, 1), dfir.PerTick, lifetime(b.Loc))
	})
	n.Blocking = 2
	needBounded(s.l.flow(), n, b, "AntiJoin's keys")
	return keyedStream[K, V](n, s.l)
}

// FilterNotIn keeps the items of s that are not in other. other must be
// bounded, as for AntiJoin.
func FilterNotIn[T comparable, L Location](s Stream[T, L], other Stream[T, L]) Stream[T, L] {
	a, b := s.node(), other.node()
	n := build(s.l, "filter_not_in", a.Props, []*ir.Node{a, b}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Difference(port[T](ins, 0), port[T](ins, 1), dfir.PerTick, lifetime(b.Loc))
	})
	n.Blocking = 2
	needBounded(s.l.flow(), n, b, "FilterNotIn's other input")
	return stream[T](n, s.l)
}

// FilterIf keeps the items of s when cond is true. cond must be bounded, as
// for CrossSingleton.
func FilterIf[T any, L Location](s Stream[T, L], cond Singleton[bool, L]) Stream[T, L] {
	return gate(s, cond.node(), "filter_if", func(c bool) bool { return c })
}

// FilterIfSome keeps the items of s when o has a value.
func FilterIfSome[T, U any, L Location](s Stream[T, L], o Optional[U, L]) Stream[T, L] {
	return gate(s, presence[U](o.node(), o.l), "filter_if_some", func(c bool) bool { return c })
}

// FilterIfNone keeps the items of s when o has no value.
func FilterIfNone[T, U any, L Location](s Stream[T, L], o Optional[U, L]) Stream[T, L] {
	return gate(s, presence[U](o.node(), o.l), "filter_if_none", func(c bool) bool { return !c })
}

func gate[T any, L Location](s Stream[T, L], cond *ir.Node, op string, pass func(bool) bool) Stream[T, L] {
	a := s.node()
	n := build(s.l, op, a.Props, []*ir.Node{a, cond}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		both := dfir.CrossJoin(port[T](ins, 0), port[bool](ins, 1))
		return dfir.FilterMap(both, func(p Pair[T, bool]) (T, bool) { return p.Left, pass(p.Right) })
	})
	needBounded(s.l.flow(), n, cond, op)
	return stream[T](n, s.l)
}

// Sort orders a bounded stream.
func Sort[T cmp.Ordered, L Location](s Stream[T, L]) Stream[T, L] {
	return SortFunc(s, cmp.Compare[T])
}

// SortFunc orders a bounded stream by cmp; equal items keep their order.
func SortFunc[T any, L Location](s Stream[T, L], cmp func(a, b T) int) Stream[T, L] {
	in := s.node()
	p := in.Props
	p.Ordered = true
	n := build(s.l, "sort", p, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.SortFunc(port[T](ins, 0), cmp)
	})
	n.Blocking = 1
	needBounded(s.l.flow(), n, in, "Sort")
	return stream[T](n, s.l)
}
