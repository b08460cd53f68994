// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The operators that combine collections.

// joinLifetime is the state lifetime of joins and cross products: per tick
// at a tick; at a location's top level, kept across ticks and each result
// emitted once.
func joinLifetime(l *ir.Location) dfir.Lifetime {
	if l.Kind == ir.Tick {
		return dfir.PerTick
	}
	return dfir.Incremental
}

// Chain is all of input 0, then all of input 1.
type Chain[T any] struct{}

func (Chain[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Chain(port[T](ins, 0), port[T](ins, 1))
}

// Merge interleaves its inputs.
type Merge[T any] struct{}

func (Merge[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	ports := make([]dfir.Port[T], len(ins))
	for i := range ins {
		ports[i] = port[T](ins, i)
	}
	return dfir.Union(ports...)
}

// CrossProduct pairs every item of input 0 with every item of input 1.
type CrossProduct[A, B any] struct{}

func (CrossProduct[A, B]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.CrossJoin(port[A](ins, 0), port[B](ins, 1), joinLifetime(n.Loc))
}

// CrossSingleton pairs every item with a bounded singleton's value.
type CrossSingleton[T, U any] struct{}

func (CrossSingleton[T, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.CrossJoin(port[T](ins, 0), port[U](ins, 1))
}

// Join pairs values under equal keys.
type Join[K comparable, V1, V2 any] struct{}

func (Join[K, V1, V2]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Join(port[dfir.KV[K, V1]](ins, 0), port[dfir.KV[K, V2]](ins, 1), joinLifetime(n.Loc))
}

// AntiJoin keeps the pairs whose key is not among input 1's keys.
type AntiJoin[K comparable, V any] struct{}

func (AntiJoin[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.AntiJoin(port[dfir.KV[K, V]](ins, 0), port[K](ins, 1), dfir.PerTick, lifetime(n.Loc))
}

// FilterNotIn keeps the items not in input 1.
type FilterNotIn[T comparable] struct{}

func (FilterNotIn[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Difference(port[T](ins, 0), port[T](ins, 1), dfir.PerTick, lifetime(n.Loc))
}

// Gate keeps the items while input 1, a bool singleton, is n.Params (a
// bool): FilterIf, FilterIfSome and FilterIfNone.
type Gate[T any] struct{}

func (Gate[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	want := n.Params.(bool)
	both := dfir.CrossJoin(port[T](ins, 0), port[bool](ins, 1))
	return dfir.FilterMap(both, func(p dfir.Pair[T, bool]) (T, bool) { return p.Left, p.Right == want })
}

// Sort orders the items by n.Fn, a func(a, b T) int.
type Sort[T any] struct{}

func (Sort[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.SortFunc(port[T](ins, 0), n.Fn.(func(a, b T) int))
}
