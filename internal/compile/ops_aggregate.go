// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"cmp"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The aggregations of streams.

// Fold folds the items: n.Fn is a FoldFns[T, A].
type Fold[T, A any] struct{}

func (Fold[T, A]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	fn := n.Fn.(FoldFns[T, A])
	if c.CheckClaims && n.Claims != 0 {
		fn = checkedFold(c, n, fn)
	}
	return dfir.Fold(port[T](ins, 0), fn.Init, fn.Add, lifetime(n.Loc))
}

// Reduce combines the items with n.Fn, a func(acc *T, item T).
type Reduce[T any] struct{}

func (Reduce[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	f := n.Fn.(func(*T, T))
	if c.CheckClaims && n.Claims != 0 {
		f = checkedReduce(c, n, f)
	}
	return dfir.Reduce(port[T](ins, 0), f, lifetime(n.Loc))
}

// Count counts the items.
type Count[T any] struct{}

func (Count[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Fold(port[T](ins, 0), func() int { return 0 }, func(acc *int, _ T) { *acc++ }, lifetime(n.Loc))
}

// Min is the least item.
type Min[T cmp.Ordered] struct{}

func (Min[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) {
		if v < *acc {
			*acc = v
		}
	}, lifetime(n.Loc))
}

// Max is the greatest item.
type Max[T cmp.Ordered] struct{}

func (Max[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) {
		if v > *acc {
			*acc = v
		}
	}, lifetime(n.Loc))
}

// First is the first item.
type First[T any] struct{}

func (First[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Reduce(port[T](ins, 0), func(*T, T) {}, lifetime(n.Loc))
}

// Last is the last item.
type Last[T any] struct{}

func (Last[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) { *acc = v }, lifetime(n.Loc))
}

// Collect gathers the items into a slice.
type Collect[T any] struct{}

func (Collect[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Fold(port[T](ins, 0), func() []T { return nil }, func(acc *[]T, v T) { *acc = append(*acc, v) }, lifetime(n.Loc))
}

// IsEmpty is true when there are no items.
type IsEmpty[T any] struct{}

func (IsEmpty[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Fold(port[T](ins, 0), func() bool { return true }, func(acc *bool, _ T) { *acc = false }, lifetime(n.Loc))
}
