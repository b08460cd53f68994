// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Chain is all of first, then all of second. first must be bounded, or
// second would never start.
func Chain[T any, L Location](first, second Stream[T, L]) Stream[T, L] {
	a, b := first.node(), second.node()
	p := streamProps(a.Props.Bounded && b.Props.Bounded, a.Props.Ordered && b.Props.Ordered, a.Props.ExactlyOnce && b.Props.ExactlyOnce)
	n := build[T](first.l, "chain", p, []*ir.Node{a, b}, compile.Chain[T]{}, nil)
	n.Blocking = 1
	needBounded(n, 0, "Chain's first input")
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
	n := build[T](first.l, "merge", p, ins, compile.Merge[T]{}, nil)
	return stream[T](n, first.l)
}

// CrossProduct pairs every item of a with every item of b. At a location's
// top level each pair is emitted once, when its second item arrives.
func CrossProduct[A, B any, L Location](a Stream[A, L], b Stream[B, L]) Stream[Pair[A, B], L] {
	x, y := a.node(), b.node()
	p := streamProps(x.Props.Bounded && y.Props.Bounded, false, x.Props.ExactlyOnce && y.Props.ExactlyOnce)
	n := build[Pair[A, B]](a.l, "cross_product", p, []*ir.Node{x, y}, compile.CrossProduct[A, B]{}, nil)
	return stream[Pair[A, B]](n, a.l)
}

// CrossSingleton pairs every item of s with the value of x. x must be
// bounded (at a tick, or fixed from the start); to pair with a changing
// value, Snapshot it into a tick.
func CrossSingleton[T, U any, L Location](s Stream[T, L], x Singleton[U, L]) Stream[Pair[T, U], L] {
	return crossSingleton(s, x, "CrossSingleton")
}

// crossSingleton is CrossSingleton for the operator op.
func crossSingleton[T, U any, L Location](s Stream[T, L], x Singleton[U, L], op string) Stream[Pair[T, U], L] {
	a, b := s.node(), x.node()
	n := build[Pair[T, U]](s.l, "cross_singleton", a.Props, []*ir.Node{a, b}, compile.CrossSingleton[T, U]{}, nil)
	needBounded(n, 1, op)
	return stream[Pair[T, U]](n, s.l)
}

// Join pairs the values of a and b under equal keys. Duplicates on either
// side give duplicate matches; the result's order is per key at best, so it
// is unordered.
func Join[K comparable, V1, V2 any, L Location](a KeyedStream[K, V1, L], b KeyedStream[K, V2, L]) KeyedStream[K, Pair[V1, V2], L] {
	x, y := a.node(), b.node()
	p := ir.Props{Kind: ir.KeyedStream, Bounded: x.Props.Bounded && y.Props.Bounded, ExactlyOnce: x.Props.ExactlyOnce && y.Props.ExactlyOnce}
	n := build[KV[K, Pair[V1, V2]]](a.l, "join", p, []*ir.Node{x, y}, compile.Join[K, V1, V2]{}, nil)
	return keyedStream[K, Pair[V1, V2]](n, a.l)
}

// AntiJoin keeps the entries of s whose key is not in keys. keys must be
// bounded: an entry can only be let through once every key is known.
func AntiJoin[K comparable, V any, L Location](s KeyedStream[K, V, L], keys Stream[K, L]) KeyedStream[K, V, L] {
	a, b := s.node(), keys.node()
	n := build[KV[K, V]](s.l, "anti_join", a.Props, []*ir.Node{a, b}, compile.AntiJoin[K, V]{}, nil)
	n.Blocking = 2
	needBounded(n, 1, "AntiJoin's keys")
	return keyedStream[K, V](n, s.l)
}

// FilterNotIn keeps the items of s that are not in other. other must be
// bounded, as for AntiJoin.
func FilterNotIn[T comparable, L Location](s Stream[T, L], other Stream[T, L]) Stream[T, L] {
	a, b := s.node(), other.node()
	n := build[T](s.l, "filter_not_in", a.Props, []*ir.Node{a, b}, compile.FilterNotIn[T]{}, nil)
	n.Blocking = 2
	needBounded(n, 1, "FilterNotIn's other input")
	return stream[T](n, s.l)
}

// FilterIf keeps the items of s when cond is true. cond must be bounded, as
// for CrossSingleton.
func FilterIf[T any, L Location](s Stream[T, L], cond Singleton[bool, L]) Stream[T, L] {
	return gate(s, cond.node(), "filter_if", true)
}

// FilterIfSome keeps the items of s when o has a value.
func FilterIfSome[T, U any, L Location](s Stream[T, L], o Optional[U, L]) Stream[T, L] {
	return gate(s, presence[U](o.node(), o.l), "filter_if_some", true)
}

// FilterIfNone keeps the items of s when o has no value.
func FilterIfNone[T, U any, L Location](s Stream[T, L], o Optional[U, L]) Stream[T, L] {
	return gate(s, presence[U](o.node(), o.l), "filter_if_none", false)
}

// gate keeps the items of s while cond, a bool singleton, is want.
func gate[T any, L Location](s Stream[T, L], cond *ir.Node, op string, want bool) Stream[T, L] {
	a := s.node()
	n := build[T](s.l, op, a.Props, []*ir.Node{a, cond}, compile.Gate[T]{}, nil)
	n.Params = want
	needBounded(n, 1, op)
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
	n := build[T](s.l, "sort", p, []*ir.Node{in}, compile.Sort[T]{}, cmp)
	n.Blocking = 1
	needBounded(n, 0, "Sort")
	return stream[T](n, s.l)
}
