// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// More operators on optionals and singletons, and on a tick's state, after
// Hydro's.

// Option is an optional's value seen as one value: Val and true when the
// optional has a value, the zero value and false when it has none.
type Option[T any] struct {
	Val T
	Ok  bool
}

// None is an optional at l that never has a value.
func None[T any, L Location](l L) Optional[T, L] {
	var zero T
	o := SingletonOf(l, zero).Filter(func(T) bool { return false })
	o.node().Op = "none"
	return o
}

// OptionalFirstTick is an optional at tick t that holds v in t's first tick
// and nothing in every later one.
func OptionalFirstTick[T any, L Location](t *Tick[L], v T) Optional[T, *Tick[L]] {
	cycle, first := TickCycleWithInitial(t, true)
	cycle.Complete(SingletonOf(t, false))
	o := MapOptional(Zip(SingletonOf(t, v), first).Filter(func(p Pair[T, bool]) bool { return p.Right }),
		func(p Pair[T, bool]) T { return p.Left })
	o.node().Op = "optional_first_tick"
	return o
}

// ZipSingletonOptional pairs the value of x with that of o; it is empty
// when o is.
func ZipSingletonOptional[A, B any, L Location](x Singleton[A, L], o Optional[B, L]) Optional[Pair[A, B], L] {
	return ZipOptional(IntoOptional(x), o)
}

// IntoSingleton is the optional as a singleton that always has a value: an
// Option that says whether the optional had one.
func IntoSingleton[T any, L Location](o Optional[T, L]) Singleton[Option[T], L] {
	return MapOptional(o, func(v T) Option[T] { return Option[T]{Val: v, Ok: true} }).UnwrapOr(Option[T]{})
}

// DeferTickOptional delays a tick's optional by one tick: the value o has in
// tick t, the result has in tick t+1 (none in the first).
func DeferTickOptional[T any, L Location](o Optional[T, *Tick[L]]) Optional[T, *Tick[L]] {
	return optional[T](deferOne[T](o.node(), o.l), o.l)
}

// DeferTickSingleton delays a tick's singleton by one tick. In the first
// tick there is no earlier value, so the result is an optional.
func DeferTickSingleton[T any, L Location](x Singleton[T, *Tick[L]]) Optional[T, *Tick[L]] {
	return optional[T](deferOne[T](x.node(), x.l), x.l)
}

func deferOne[T any](in *ir.Node, l Location) *ir.Node {
	return build[T](l, "defer_tick", withKind(in.Props, ir.Optional), []*ir.Node{in}, compile.DeferTick[T]{}, nil)
}

// LatestOptional is, at the tick's location, the value a tick optional had
// in the latest tick that had one: an unbounded optional, empty until the
// first such tick.
func LatestOptional[T any, L Location](o Optional[T, *Tick[L]]) Optional[T, L] {
	in := o.node()
	parent := o.l.Parent()
	n := build[T](parent, "latest", ir.Props{Kind: ir.Optional}, []*ir.Node{in}, compile.Latest[T]{}, nil)
	n.Crosses = true
	return optional[T](n, parent)
}

// Persist is, in every tick, the items s had in every tick so far: the
// earlier ticks' first, in order, then this tick's. What it holds grows
// with every tick; it keeps s's order and retries.
func Persist[T any, L Location](s Stream[T, *Tick[L]]) Stream[T, *Tick[L]] {
	p := s.node().Props
	var w []Weaken
	if !p.Ordered {
		w = append(w, Unordered)
	}
	if !p.ExactlyOnce {
		w = append(w, AtLeastOnce)
	}
	cycle, before := TickCycle[T](s.l, w...)
	all := Chain(before, s)
	all.node().Op = "persist"
	cycle.Complete(all)
	return all
}

// MergeOrdered interleaves two totally ordered streams into one that keeps
// the order of each: the items of first stay in their order, and so do
// those of second. How they interleave depends on when they arrive, hence
// the NonDet.
func MergeOrdered[T any, L Location](first, second Stream[T, L], nd NonDet) Stream[T, L] {
	a, b := first.node(), second.node()
	p := streamProps(a.Props.Bounded && b.Props.Bounded, true, a.Props.ExactlyOnce && b.Props.ExactlyOnce)
	n := build[T](first.l, "merge_ordered", p, []*ir.Node{a, b}, compile.Merge[T]{}, nil)
	n.Need(ir.NeedOrdered, 0, "MergeOrdered", "use Merge, whose result is unordered")
	n.Need(ir.NeedOrdered, 1, "MergeOrdered", "use Merge, whose result is unordered")
	needNonDet(n, nd)
	return stream[T](n, first.l)
}
