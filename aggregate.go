// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Algebra states properties of an aggregation function that the flow cannot
// check but relies on: pass them to Fold and Reduce on streams whose order or
// delivery is not guaranteed. A deployment trusts them; the simulator (package
// sim) tests them on the items each aggregation sees, and fails the run at
// the operator's line when one is false.
type Algebra uint8

const (
	// Commutative: the result does not depend on the order of items.
	// Required to aggregate an unordered stream.
	Commutative Algebra = 1 << iota
	// Idempotent: applying an item twice is like applying it once.
	// Required to aggregate an at-least-once stream.
	Idempotent
	// Monotone: the accumulator only grows as items arrive (never becomes
	// less, by <). A Fold so claimed at a location's top level is a value
	// Threshold accepts.
	Monotone
	// OrderPreserving: a MapSingleton function whose result grows when its
	// argument grows, so that it keeps a value monotone.
	OrderPreserving
)

// needAlgebra records the properties the user claims for n's function,
// which the guarantees of n's input may require.
func needAlgebra(n *ir.Node, op string, alg []Algebra) {
	for _, a := range alg {
		n.Claims |= ir.Claims(a)
	}
	n.Need(ir.NeedAlgebra, 0, op, "")
}

func aggProps(in *ir.Node, k ir.Kind) ir.Props {
	return ir.Props{Kind: k, Bounded: in.Props.Bounded, Ordered: true, ExactlyOnce: true}
}

// Fold folds the items of s into an accumulator that starts as init(). At a
// tick the singleton is the fold of the tick's batch; at a location's top
// level it is the fold of everything so far, updated as items arrive.
func Fold[T, A any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T), alg ...Algebra) Singleton[A, L] {
	n := aggregate[A](s, "fold", ir.Singleton, compile.Fold[T, A]{}, compile.FoldFns[T, A]{Init: init, Add: f})
	needAlgebra(n, "Fold", alg)
	return singleton[A](n, s.l)
}

// Reduce combines the items of s with f, the first item being the start. It
// is empty until an item arrives.
func Reduce[T any, L Location](s Stream[T, L], f func(acc *T, item T), alg ...Algebra) Optional[T, L] {
	n := aggregate[T](s, "reduce", ir.Optional, compile.Reduce[T]{}, f)
	needAlgebra(n, "Reduce", alg)
	return optional[T](n, s.l)
}

// foldAll is Fold for the operators of this package whose function is
// known not to depend on the order of s (as building a set or a map of
// distinct keys does): it needs no claim from the user.
func foldAll[T, A any, L Location](s Stream[T, L], op string, init func() A, f func(acc *A, item T)) Singleton[A, L] {
	n := aggregate[A](s, op, ir.Singleton, compile.Fold[T, A]{}, compile.FoldFns[T, A]{Init: init, Add: f})
	return singleton[A](n, s.l)
}

// aggregate appends an aggregation of s into a collection of kind k, of
// element type A, which needs all of s for the tick.
func aggregate[A, T any, L Location](s Stream[T, L], op string, k ir.Kind, impl, fn any) *ir.Node {
	in := s.node()
	n := build[A](s.l, op, aggProps(in, k), []*ir.Node{in}, impl, fn)
	n.Blocking = 1
	return n
}

// Count counts the items of s. It needs an exactly-once stream.
func Count[T any, L Location](s Stream[T, L]) Singleton[int, L] {
	n := aggregate[int](s, "count", ir.Singleton, compile.Count[T]{}, nil)
	n.Need(ir.NeedExactlyOnce, 0, "Count", "")
	return singleton[int](n, s.l)
}

// Min is the least item of s; it accepts any order and duplicates.
func Min[T cmp.Ordered, L Location](s Stream[T, L]) Optional[T, L] {
	return optional[T](aggregate[T](s, "min", ir.Optional, compile.Min[T]{}, nil), s.l)
}

// Max is the greatest item of s; it accepts any order and duplicates.
func Max[T cmp.Ordered, L Location](s Stream[T, L]) Optional[T, L] {
	return optional[T](aggregate[T](s, "max", ir.Optional, compile.Max[T]{}, nil), s.l)
}

// First is the first item of s. It needs a totally ordered stream.
func First[T any, L Location](s Stream[T, L]) Optional[T, L] {
	n := aggregate[T](s, "first", ir.Optional, compile.First[T]{}, nil)
	n.Need(ir.NeedOrdered, 0, "First", "sort a bounded stream first, or use Min or Max")
	return optional[T](n, s.l)
}

// Last is the last item of s (at a location's top level: the latest). It
// needs a totally ordered stream.
func Last[T any, L Location](s Stream[T, L]) Optional[T, L] {
	n := aggregate[T](s, "last", ir.Optional, compile.Last[T]{}, nil)
	n.Need(ir.NeedOrdered, 0, "Last", "sort a bounded stream first, or use Min or Max")
	return optional[T](n, s.l)
}

// Collect gathers the items of s into a slice, in order. It needs a totally
// ordered, exactly-once stream. The slice is shared with later operators:
// treat it as read-only.
func Collect[T any, L Location](s Stream[T, L]) Singleton[[]T, L] {
	n := aggregate[[]T](s, "collect", ir.Singleton, compile.Collect[T]{}, nil)
	needOrder(n, "Collect")
	return singleton[[]T](n, s.l)
}

// IsEmpty is true when s has no items. It needs a bounded stream: whether an
// unbounded stream is empty depends on when one looks.
func IsEmpty[T any, L Location](s Stream[T, L]) Singleton[bool, L] {
	n := aggregate[bool](s, "is_empty", ir.Singleton, compile.IsEmpty[T]{}, nil)
	needBounded(n, 0, "IsEmpty")
	return singleton[bool](n, s.l)
}
