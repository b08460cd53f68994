// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Map applies f to every item.
func Map[T, U any, L Location](s Stream[T, L], f func(T) U) Stream[U, L] {
	n := build(s.l, "map", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.Map(port[T](ins, 0), f)
	})
	return stream[U](n, s.l)
}

// Filter keeps the items for which keep returns true.
func (s Stream[T, L]) Filter(keep func(T) bool) Stream[T, L] {
	n := build(s.l, "filter", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Filter(port[T](ins, 0), keep)
	})
	return stream[T](n, s.l)
}

// FilterMap applies f to every item and keeps the results it returns with
// true.
func FilterMap[T, U any, L Location](s Stream[T, L], f func(T) (U, bool)) Stream[U, L] {
	n := build(s.l, "filter_map", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.FilterMap(port[T](ins, 0), f)
	})
	return stream[U](n, s.l)
}

// FlatMap emits, for every item, the items of f's result in order.
func FlatMap[T, U any, L Location](s Stream[T, L], f func(T) []U) Stream[U, L] {
	n := build(s.l, "flat_map", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.FlatMap(port[T](ins, 0), f)
	})
	return stream[U](n, s.l)
}

// FlatMapUnordered is FlatMap for functions whose results have no meaningful
// order (the items of a map, say): the stream it returns is unordered.
func FlatMapUnordered[T, U any, L Location](s Stream[T, L], f func(T) []U) Stream[U, L] {
	p := s.node().Props
	p.Ordered = false
	n := build(s.l, "flat_map_unordered", p, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.FlatMap(port[T](ins, 0), f)
	})
	return stream[U](n, s.l)
}

// Flatten emits the items of every slice, in order.
func Flatten[T any, L Location](s Stream[[]T, L]) Stream[T, L] {
	n := build(s.l, "flatten", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Flatten(port[[]T](ins, 0))
	})
	return stream[T](n, s.l)
}

// Inspect calls f on every item and passes the stream on unchanged.
func Inspect[T any, L Location](s Stream[T, L], f func(T)) Stream[T, L] {
	n := build(s.l, "inspect", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Inspect(port[T](ins, 0), f)
	})
	return stream[T](n, s.l)
}

// Enumerate pairs every item with its index. It needs a totally ordered,
// exactly-once stream. At a tick the count restarts every tick; at a
// location's top level it counts from the start.
func Enumerate[T any, L Location](s Stream[T, L]) Stream[KV[int, T], L] {
	n := build(s.l, "enumerate", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[KV[int, T]] {
		return dfir.Enumerate(port[T](ins, 0), lifetime(s.node().Loc))
	})
	needOrder(s.l.flow(), n, s.node(), "Enumerate")
	return stream[KV[int, T]](n, s.l)
}

// Unique drops items seen before: within the tick at a tick, ever at a
// location's top level. The result is exactly-once.
func Unique[T comparable, L Location](s Stream[T, L]) Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = true
	n := build(s.l, "unique", p, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Unique(port[T](ins, 0), lifetime(s.node().Loc))
	})
	return stream[T](n, s.l)
}

// Partition splits s by a predicate: the items for which pred is true, then
// the others.
func Partition[T any, L Location](s Stream[T, L], pred func(T) bool) (yes, no Stream[T, L]) {
	split := build(s.l, "partition", s.node().Props, []*ir.Node{s.node()}, false, func(c *ir.Ctx, ins []any) dfir.Port[Pair[bool, T]] {
		return dfir.Map(port[T](ins, 0), func(v T) Pair[bool, T] { return Pair[bool, T]{Left: pred(v), Right: v} })
	})
	side := func(op string, want bool) Stream[T, L] {
		n := build(s.l, op, s.node().Props, []*ir.Node{split}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
			return dfir.FilterMap(port[Pair[bool, T]](ins, 0), func(p Pair[bool, T]) (T, bool) { return p.Right, p.Left == want })
		})
		return stream[T](n, s.l)
	}
	return side("partition_yes", true), side("partition_no", false)
}

// needOrder records a misuse when an order- and duplicate-sensitive operator
// n consumes in without a total order or exactly-once delivery.
func needOrder(f *Flow, n, in *ir.Node, op string) {
	needOrdered(f, n, in, op, "sort a bounded stream first, or use an operator that does not depend on order")
	needExactlyOnce(f, n, in, op, "deduplicate first with Unique")
}

// needOrdered records a misuse, with hint, when n needs in totally ordered.
func needOrdered(f *Flow, n, in *ir.Node, op, hint string) {
	if !in.Props.Ordered {
		f.misuse(n, hint, "hydro: %s needs a totally ordered stream, but %s (%s) is unordered", op, in.Op, in.Pos())
	}
}

// needExactlyOnce records a misuse, with hint, when n needs in exactly-once.
func needExactlyOnce(f *Flow, n, in *ir.Node, op, hint string) {
	if !in.Props.ExactlyOnce {
		f.misuse(n, hint, "hydro: %s needs an exactly-once stream, but %s (%s) may deliver an item more than once", op, in.Op, in.Pos())
	}
}

// Scan threads an accumulator, starting as init(), through the items in
// order and emits what f returns for each. It needs a totally ordered,
// exactly-once stream. At a tick the accumulator restarts every tick.
func Scan[T, A, U any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T) U) Stream[U, L] {
	in := s.node()
	n := build(s.l, "scan", in.Props, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.Scan(port[T](ins, 0), init, f, lifetime(in.Loc))
	})
	needOrder(s.l.flow(), n, in, "Scan")
	return stream[U](n, s.l)
}
