// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The operators of streams, one Impl each. Each reads the user's function
// from n.Fn, as the type its builder put there.

// port returns input i's port with its element type.
func port[T any](ins []any, i int) dfir.Port[T] { return ins[i].(dfir.Port[T]) }

// lifetime is the state lifetime of stateful operators at l: per tick inside
// a tick, across ticks at the top level of a location.
func lifetime(l *ir.Location) dfir.Lifetime {
	if l.Kind == ir.Tick {
		return dfir.PerTick
	}
	return dfir.Static
}

// Identity lowers an operator that only changes how a collection is seen
// (IntoKeyed, Entries, AllTicks, the weakenings and assumptions).
type Identity[T any] struct{}

func (Identity[T]) Lower(c *Ctx, n *ir.Node, ins []any) any { return port[T](ins, 0) }

// Map applies n.Fn, a func(T) U.
type Map[T, U any] struct{}

func (Map[T, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	f := n.Fn.(func(T) U)
	if c.CheckClaims && n.Claims&ir.OrderPreserving != 0 {
		f = checkedMap(c, n, f)
	}
	return dfir.Map(port[T](ins, 0), f)
}

// Filter keeps the items n.Fn, a func(T) bool, accepts.
type Filter[T any] struct{}

func (Filter[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Filter(port[T](ins, 0), n.Fn.(func(T) bool))
}

// FilterMap applies n.Fn, a func(T) (U, bool).
type FilterMap[T, U any] struct{}

func (FilterMap[T, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.FilterMap(port[T](ins, 0), n.Fn.(func(T) (U, bool)))
}

// FlatMap applies n.Fn, a func(T) []U.
type FlatMap[T, U any] struct{}

func (FlatMap[T, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.FlatMap(port[T](ins, 0), n.Fn.(func(T) []U))
}

// Flatten emits the items of every slice.
type Flatten[T any] struct{}

func (Flatten[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Flatten(port[[]T](ins, 0))
}

// Inspect calls n.Fn, a func(T), on every item.
type Inspect[T any] struct{}

func (Inspect[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Inspect(port[T](ins, 0), n.Fn.(func(T)))
}

// Enumerate pairs every item with its index.
type Enumerate[T any] struct{}

func (Enumerate[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Enumerate(port[T](ins, 0), lifetime(n.Loc))
}

// Unique drops items seen before.
type Unique[T comparable] struct{}

func (Unique[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Unique(port[T](ins, 0), lifetime(n.Loc))
}

// PartitionSplit tags every item with n.Fn, a func(T) bool.
type PartitionSplit[T any] struct{}

func (PartitionSplit[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	pred := n.Fn.(func(T) bool)
	return dfir.Map(port[T](ins, 0), func(v T) dfir.Pair[bool, T] { return dfir.Pair[bool, T]{Left: pred(v), Right: v} })
}

// PartitionSide keeps the items a PartitionSplit tagged n.Params, a bool.
type PartitionSide[T any] struct{}

func (PartitionSide[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	want := n.Params.(bool)
	return dfir.FilterMap(port[dfir.Pair[bool, T]](ins, 0), func(p dfir.Pair[bool, T]) (T, bool) { return p.Right, p.Left == want })
}

// ScanFns are Scan's functions.
type ScanFns[T, A, U any] struct {
	Init func() A
	F    func(acc *A, item T) U
}

// Scan threads an accumulator through the items: n.Fn is a ScanFns.
type Scan[T, A, U any] struct{}

func (Scan[T, A, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	fn := n.Fn.(ScanFns[T, A, U])
	return dfir.Scan(port[T](ins, 0), fn.Init, fn.F, lifetime(n.Loc))
}

// ForEach calls n.Fn, a func(T), on every item: a sink.
type ForEach[T any] struct{}

func (ForEach[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	dfir.ForEach(port[T](ins, 0), n.Fn.(func(T)))
	return nil
}
