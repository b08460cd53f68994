// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// A singleton or optional is lowered to a port that carries its value once
// per tick (nothing, for an empty optional). Operators on them therefore
// work per tick, at a tick or at a location's top level alike.

// SingletonOf is the constant v at l.
func SingletonOf[T any, L Location](l L, v T) Singleton[T, L] {
	n := build(l, "singleton", ir.Props{Kind: ir.Singleton, Bounded: true}, nil, false, func(c *ir.Ctx, _ []any) dfir.Port[T] {
		return dfir.Persist(dfir.SourceIter(c.Graph, []T{v}))
	})
	return singleton[T](n, l)
}

// MapSingleton applies f to the value.
func MapSingleton[T, U any, L Location](x Singleton[T, L], f func(T) U) Singleton[U, L] {
	in := x.node()
	n := build(x.l, "map", in.Props, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.Map(port[T](ins, 0), f)
	})
	return singleton[U](n, x.l)
}

// MapOptional applies f to the value, if there is one.
func MapOptional[T, U any, L Location](o Optional[T, L], f func(T) U) Optional[U, L] {
	in := o.node()
	n := build(o.l, "map", in.Props, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[U] {
		return dfir.Map(port[T](ins, 0), f)
	})
	return optional[U](n, o.l)
}

// Filter keeps the value if keep returns true.
func (x Singleton[T, L]) Filter(keep func(T) bool) Optional[T, L] {
	return filterOne(x.node(), x.l, keep)
}

// Filter keeps the value if there is one and keep returns true.
func (o Optional[T, L]) Filter(keep func(T) bool) Optional[T, L] {
	return filterOne(o.node(), o.l, keep)
}

func filterOne[T any, L Location](in *ir.Node, l L, keep func(T) bool) Optional[T, L] {
	n := build(l, "filter", withKind(in.Props, ir.Optional), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Filter(port[T](ins, 0), keep)
	})
	return optional[T](n, l)
}

// Zip pairs the values of two singletons.
func Zip[A, B any, L Location](a Singleton[A, L], b Singleton[B, L]) Singleton[Pair[A, B], L] {
	return singleton[Pair[A, B]](zip[A, B](a.node(), b.node(), a.l, ir.Singleton), a.l)
}

// ZipOptional pairs the values of two optionals; it is empty if either is.
func ZipOptional[A, B any, L Location](a Optional[A, L], b Optional[B, L]) Optional[Pair[A, B], L] {
	return optional[Pair[A, B]](zip[A, B](a.node(), b.node(), a.l, ir.Optional), a.l)
}

func zip[A, B any](x, y *ir.Node, l Location, k ir.Kind) *ir.Node {
	p := ir.Props{Kind: k, Bounded: x.Props.Bounded && y.Props.Bounded}
	n := build(l, "zip", p, []*ir.Node{x, y}, false, func(c *ir.Ctx, ins []any) dfir.Port[Pair[A, B]] {
		return dfir.Zip(port[A](ins, 0), port[B](ins, 1))
	})
	n.Blocking = 3
	return n
}

// UnwrapOr is the optional's value, or def when it is empty.
func (o Optional[T, L]) UnwrapOr(def T) Singleton[T, L] {
	in := o.node()
	n := build(o.l, "unwrap_or", withKind(in.Props, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Fold(port[T](ins, 0), func() T { return def }, func(acc *T, v T) { *acc = v })
	})
	n.Blocking = 1
	return singleton[T](n, o.l)
}

// Or is o's value if it has one, else other's. (A function rather than a
// method of Optional, to keep its code out of programs that do not use it:
// see cast.go.)
func Or[T any, L Location](o, other Optional[T, L]) Optional[T, L] {
	x, y := o.node(), other.node()
	p := ir.Props{Kind: ir.Optional, Bounded: x.Props.Bounded && y.Props.Bounded}
	n := build(o.l, "or", p, []*ir.Node{x, y}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		tag := func(i int) func(T) dfir.Tagged[T] {
			return func(v T) dfir.Tagged[T] { return dfir.Tagged[T]{Tag: i, Val: v} }
		}
		both := dfir.Union(dfir.Map(port[T](ins, 0), tag(0)), dfir.Map(port[T](ins, 1), tag(1)))
		first := dfir.Reduce(both, func(acc *dfir.Tagged[T], v dfir.Tagged[T]) {
			if v.Tag < acc.Tag {
				*acc = v
			}
		})
		return dfir.Map(first, func(t dfir.Tagged[T]) T { return t.Val })
	})
	n.Blocking = 3
	return optional[T](n, o.l)
}

// IsSome is true when the optional has a value.
func (o Optional[T, L]) IsSome() Singleton[bool, L] {
	return singleton[bool](presence[T](o.node(), o.l), o.l)
}

// IsNone is true when the optional is empty.
func (o Optional[T, L]) IsNone() Singleton[bool, L] {
	some := presence[T](o.node(), o.l)
	n := build(o.l, "is_none", some.Props, []*ir.Node{some}, false, func(c *ir.Ctx, ins []any) dfir.Port[bool] {
		return dfir.Map(port[bool](ins, 0), func(b bool) bool { return !b })
	})
	return singleton[bool](n, o.l)
}

func presence[T any](in *ir.Node, l Location) *ir.Node {
	n := build(l, "is_some", withKind(in.Props, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[bool] {
		return dfir.Fold(port[T](ins, 0), func() bool { return false }, func(acc *bool, _ T) { *acc = true })
	})
	n.Blocking = 1
	return n
}

// IntoStream is the singleton as a stream of one item. The singleton must be
// bounded: an unbounded one has no single value to emit.
func (x Singleton[T, L]) IntoStream() Stream[T, L] {
	return intoStream[T](x.node(), x.l)
}

// IntoStream is the optional as a stream of zero or one item; it must be
// bounded.
func (o Optional[T, L]) IntoStream() Stream[T, L] {
	return intoStream[T](o.node(), o.l)
}

func intoStream[T any, L Location](in *ir.Node, l L) Stream[T, L] {
	n := build(l, "into_stream", streamProps(in.Props.Bounded, true, true), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return settled(c, in.Loc, port[T](ins, 0))
	})
	needBounded(l.flow(), n, in, "IntoStream")
	return stream[T](n, l)
}

// settled turns the port of a bounded singleton-like collection into a
// stream's port. At a tick the value is the tick's, so nothing changes. At a
// location's top level a bounded collection is final from the first tick it
// has a value, and is carried again every tick; a stream there carries each
// item once, so only that first tick's values pass.
func settled[T any](c *ir.Ctx, l *ir.Location, p dfir.Port[T]) dfir.Port[T] {
	if inTick(l) {
		return p
	}
	g := c.Graph
	first, seen := uint64(0), false
	return dfir.Filter(p, func(T) bool {
		if !seen {
			first, seen = g.Tick(), true
		}
		return g.Tick() == first
	})
}
