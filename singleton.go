// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// A singleton or optional is lowered to a port that carries its value once
// per tick (nothing, for an empty optional). Operators on them therefore
// work per tick, at a tick or at a location's top level alike.

// SingletonOf is the constant v at l.
func SingletonOf[T any, L Location](l L, v T) Singleton[T, L] {
	n := build[T](l, "singleton", ir.Props{Kind: ir.Singleton, Bounded: true}, nil, compile.Constant[T]{}, nil)
	n.Params = v
	return singleton[T](n, l)
}

// MapSingleton applies f to the value. Pass hydro.OrderPreserving if f's
// result grows whenever its argument grows: the result of a monotone value
// is then monotone too (see Threshold).
func MapSingleton[T, U any, L Location](x Singleton[T, L], f func(T) U, alg ...Algebra) Singleton[U, L] {
	in := x.node()
	n := build[U](x.l, "map", in.Props, []*ir.Node{in}, compile.Map[T, U]{}, f)
	for _, a := range alg {
		n.Claims |= ir.Claims(a)
	}
	return singleton[U](n, x.l)
}

// MapOptional applies f to the value, if there is one.
func MapOptional[T, U any, L Location](o Optional[T, L], f func(T) U) Optional[U, L] {
	in := o.node()
	n := build[U](o.l, "map", in.Props, []*ir.Node{in}, compile.Map[T, U]{}, f)
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
	n := build[T](l, "filter", withKind(in.Props, ir.Optional), []*ir.Node{in}, compile.Filter[T]{}, keep)
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
	n := build[Pair[A, B]](l, "zip", p, []*ir.Node{x, y}, compile.Zip[A, B]{}, nil)
	n.Blocking = 3
	return n
}

// UnwrapOr is the optional's value, or def when it is empty.
func (o Optional[T, L]) UnwrapOr(def T) Singleton[T, L] {
	in := o.node()
	n := build[T](o.l, "unwrap_or", withKind(in.Props, ir.Singleton), []*ir.Node{in}, compile.UnwrapOr[T]{}, nil)
	n.Params = def
	n.Blocking = 1
	return singleton[T](n, o.l)
}

// Or is o's value if it has one, else other's. (A function rather than a
// method of Optional, to keep its code out of programs that do not use it:
// see cast.go.)
func Or[T any, L Location](o, other Optional[T, L]) Optional[T, L] {
	x, y := o.node(), other.node()
	p := ir.Props{Kind: ir.Optional, Bounded: x.Props.Bounded && y.Props.Bounded}
	n := build[T](o.l, "or", p, []*ir.Node{x, y}, compile.Or[T]{}, nil)
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
	n := build[bool](o.l, "is_none", some.Props, []*ir.Node{some}, compile.Not{}, nil)
	return singleton[bool](n, o.l)
}

func presence[T any](in *ir.Node, l Location) *ir.Node {
	n := build[bool](l, "is_some", withKind(in.Props, ir.Singleton), []*ir.Node{in}, compile.IsSome[T]{}, nil)
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
	n := build[T](l, "into_stream", streamProps(in.Props.Bounded, true, true), []*ir.Node{in}, compile.IntoStream[T]{}, nil)
	needBounded(n, 0, "IntoStream")
	return stream[T](n, l)
}
