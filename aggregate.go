// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Algebra states properties of an aggregation function that the flow cannot
// check but relies on: pass them to Fold and Reduce on streams whose order or
// delivery is not guaranteed.
type Algebra uint8

const (
	// Commutative: the result does not depend on the order of items.
	// Required to aggregate an unordered stream.
	Commutative Algebra = 1 << iota
	// Idempotent: applying an item twice is like applying it once.
	// Required to aggregate an at-least-once stream.
	Idempotent
)

// checkAlgebra records a misuse when an aggregation n of in lacks the
// algebraic properties in's guarantees require.
func checkAlgebra(f *Flow, n, in *ir.Node, op string, alg []Algebra) {
	var have Algebra
	for _, a := range alg {
		have |= a
	}
	if !in.Props.Ordered && have&Commutative == 0 {
		f.misuse(n, "pass hydro.Commutative if the function ignores order, or sort a bounded stream first",
			"hydro: %s of an unordered stream (%s at %s) needs a commutative function", op, in.Op, in.Pos())
	}
	if !in.Props.ExactlyOnce && have&Idempotent == 0 {
		f.misuse(n, "pass hydro.Idempotent if applying an item twice changes nothing, or deduplicate with Unique",
			"hydro: %s of an at-least-once stream (%s at %s) needs an idempotent function", op, in.Op, in.Pos())
	}
}

func aggProps(in *ir.Node, k ir.Kind) ir.Props {
	return ir.Props{Kind: k, Bounded: in.Props.Bounded, Ordered: true, ExactlyOnce: true}
}

// Fold folds the items of s into an accumulator that starts as init(). At a
// tick the singleton is the fold of the tick's batch; at a location's top
// level it is the fold of everything so far, updated as items arrive.
func Fold[T, A any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T), alg ...Algebra) Singleton[A, L] {
	in := s.node()
	n := build(s.l, "fold", aggProps(in, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[A] {
		return dfir.Fold(port[T](ins, 0), init, f, lifetime(in.Loc))
	})
	n.Blocking = 1
	checkAlgebra(s.l.flow(), n, in, "Fold", alg)
	return singleton[A](n, s.l)
}

// Reduce combines the items of s with f, the first item being the start. It
// is empty until an item arrives.
func Reduce[T any, L Location](s Stream[T, L], f func(acc *T, item T), alg ...Algebra) Optional[T, L] {
	in := s.node()
	n := build(s.l, "reduce", aggProps(in, ir.Optional), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Reduce(port[T](ins, 0), f, lifetime(in.Loc))
	})
	n.Blocking = 1
	checkAlgebra(s.l.flow(), n, in, "Reduce", alg)
	return optional[T](n, s.l)
}

// Count counts the items of s. It needs an exactly-once stream.
func Count[T any, L Location](s Stream[T, L]) Singleton[int, L] {
	in := s.node()
	n := build(s.l, "count", aggProps(in, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[int] {
		return dfir.Fold(port[T](ins, 0), func() int { return 0 }, func(acc *int, _ T) { *acc++ }, lifetime(in.Loc))
	})
	n.Blocking = 1
	needExactlyOnce(s.l.flow(), n, in, "Count", "deduplicate first with Unique")
	return singleton[int](n, s.l)
}

// Min is the least item of s; it accepts any order and duplicates.
func Min[T cmp.Ordered, L Location](s Stream[T, L]) Optional[T, L] {
	return extreme(s, "min", func(a, b T) bool { return b < a })
}

// Max is the greatest item of s; it accepts any order and duplicates.
func Max[T cmp.Ordered, L Location](s Stream[T, L]) Optional[T, L] {
	return extreme(s, "max", func(a, b T) bool { return b > a })
}

func extreme[T any, L Location](s Stream[T, L], op string, better func(acc, item T) bool) Optional[T, L] {
	in := s.node()
	n := build(s.l, op, aggProps(in, ir.Optional), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) {
			if better(*acc, v) {
				*acc = v
			}
		}, lifetime(in.Loc))
	})
	n.Blocking = 1
	return optional[T](n, s.l)
}

// First is the first item of s. It needs a totally ordered stream.
func First[T any, L Location](s Stream[T, L]) Optional[T, L] {
	return ordinal(s, "first", "First", func(acc *T, v T) {})
}

// Last is the last item of s (at a location's top level: the latest). It
// needs a totally ordered stream.
func Last[T any, L Location](s Stream[T, L]) Optional[T, L] {
	return ordinal(s, "last", "Last", func(acc *T, v T) { *acc = v })
}

func ordinal[T any, L Location](s Stream[T, L], op, name string, f func(acc *T, v T)) Optional[T, L] {
	in := s.node()
	n := build(s.l, op, aggProps(in, ir.Optional), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Reduce(port[T](ins, 0), f, lifetime(in.Loc))
	})
	n.Blocking = 1
	needOrdered(s.l.flow(), n, in, name, "sort a bounded stream first, or use Min or Max")
	return optional[T](n, s.l)
}

// Collect gathers the items of s into a slice, in order. It needs a totally
// ordered, exactly-once stream. The slice is shared with later operators:
// treat it as read-only.
func Collect[T any, L Location](s Stream[T, L]) Singleton[[]T, L] {
	in := s.node()
	n := build(s.l, "collect", aggProps(in, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[[]T] {
		return dfir.Fold(port[T](ins, 0), func() []T { return nil }, func(acc *[]T, v T) { *acc = append(*acc, v) }, lifetime(in.Loc))
	})
	n.Blocking = 1
	needOrder(s.l.flow(), n, in, "Collect")
	return singleton[[]T](n, s.l)
}

// IsEmpty is true when s has no items. It needs a bounded stream: whether an
// unbounded stream is empty depends on when one looks.
func IsEmpty[T any, L Location](s Stream[T, L]) Singleton[bool, L] {
	in := s.node()
	n := build(s.l, "is_empty", aggProps(in, ir.Singleton), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[bool] {
		return dfir.Fold(port[T](ins, 0), func() bool { return true }, func(acc *bool, _ T) { *acc = false }, lifetime(in.Loc))
	})
	n.Blocking = 1
	needBounded(s.l.flow(), n, in, "IsEmpty")
	return singleton[bool](n, s.l)
}

// needBounded records a misuse when n needs in to be bounded.
func needBounded(f *Flow, n, in *ir.Node, op string) {
	if !in.Props.Bounded {
		f.misuse(n, "Batch the stream into a tick first (hydro.Batch), where each batch is bounded",
			"hydro: %s needs a bounded collection, but %s (%s) is unbounded", op, in.Op, in.Pos())
	}
}
