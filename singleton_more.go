// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// More operators on singletons and optionals, after Hydro's. Like those of
// singleton.go they work per tick, at a tick or at a location's top level.

// IntoOptional views a singleton as an optional that always has a value.
func IntoOptional[T any, L Location](x Singleton[T, L]) Optional[T, L] {
	in := x.node()
	n := build[T](x.l, "into_optional", withKind(in.Props, ir.Optional), []*ir.Node{in}, compile.Identity[T]{}, nil)
	return optional[T](n, x.l)
}

// FilterMapSingleton applies f to the value and keeps the result it returns
// with true.
func FilterMapSingleton[T, U any, L Location](x Singleton[T, L], f func(T) (U, bool)) Optional[U, L] {
	return filterMapOne(x.node(), x.l, f)
}

// FilterMapOptional applies f to the value, if there is one, and keeps the
// result it returns with true.
func FilterMapOptional[T, U any, L Location](o Optional[T, L], f func(T) (U, bool)) Optional[U, L] {
	return filterMapOne(o.node(), o.l, f)
}

func filterMapOne[T, U any, L Location](in *ir.Node, l L, f func(T) (U, bool)) Optional[U, L] {
	n := build[U](l, "filter_map", withKind(in.Props, ir.Optional), []*ir.Node{in}, compile.FilterMap[T, U]{}, f)
	return optional[U](n, l)
}

// FlatMapSingleton emits the items of f's result for the value, in order:
// once per tick, as the singleton has a value each tick.
func FlatMapSingleton[T, U any, L Location](x Singleton[T, L], f func(T) []U) Stream[U, L] {
	in := x.node()
	n := build[U](x.l, "flat_map", streamProps(in.Props.Bounded, true, true), []*ir.Node{in}, compile.FlatMap[T, U]{}, f)
	return stream[U](n, x.l)
}

// Equals is whether the value equals v.
func Equals[T comparable, L Location](x Singleton[T, L], v T) Singleton[bool, L] {
	in := x.node()
	n := build[bool](x.l, "equals", in.Props, []*ir.Node{in}, compile.Map[T, bool]{}, func(t T) bool { return t == v })
	return singleton[bool](n, x.l)
}

// And is whether both values are true.
func And[L Location](a, b Singleton[bool, L]) Singleton[bool, L] {
	return MapSingleton(Zip(a, b), func(p Pair[bool, bool]) bool { return p.Left && p.Right })
}

// Not is the negation of the value.
func Not[L Location](x Singleton[bool, L]) Singleton[bool, L] {
	return MapSingleton(x, func(b bool) bool { return !b })
}

// IfSomeThen is x's value when o has one, and nothing otherwise.
func IfSomeThen[T, U any, L Location](o Optional[T, L], x Singleton[U, L]) Optional[U, L] {
	return MapOptional(ZipOptional(o, IntoOptional(x)), func(p Pair[T, U]) U { return p.Right })
}

// UnwrapOrElse is the optional's value, or other's when it is empty.
func UnwrapOrElse[T any, L Location](o Optional[T, L], other Singleton[T, L]) Singleton[T, L] {
	var never T // Or has a value whenever other has one: always
	return Or(o, IntoOptional(other)).UnwrapOr(never)
}
