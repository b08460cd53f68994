// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The operators of keyed streams and keyed singletons.

// Values is every pair's value.
type Values[K comparable, V any] struct{}

func (Values[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Map(port[dfir.KV[K, V]](ins, 0), func(kv dfir.KV[K, V]) V { return kv.Val })
}

// Keys is every pair's key.
type Keys[K comparable, V any] struct{}

func (Keys[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Map(port[dfir.KV[K, V]](ins, 0), func(kv dfir.KV[K, V]) K { return kv.Key })
}

// MapValues applies n.Fn, a func(V) U, to every value.
type MapValues[K comparable, V, U any] struct{}

func (MapValues[K, V, U]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	f := n.Fn.(func(V) U)
	return dfir.Map(port[dfir.KV[K, V]](ins, 0), func(kv dfir.KV[K, V]) dfir.KV[K, U] { return dfir.KV[K, U]{Key: kv.Key, Val: f(kv.Val)} })
}

// FoldFns are the functions of a fold: the accumulator's start and how an
// item changes it.
type FoldFns[T, A any] struct {
	Init func() A
	Add  func(acc *A, item T)
}

// FoldKeyed folds each key's values: n.Fn is a FoldFns[V, A].
type FoldKeyed[K comparable, V, A any] struct{}

func (FoldKeyed[K, V, A]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	fn := n.Fn.(FoldFns[V, A])
	in := port[dfir.KV[K, V]](ins, 0)
	if c.CheckClaims && n.Claims != 0 {
		in = dfir.Inspect(in, checkedFoldKeyed[K](c, n, fn))
	}
	return dfir.FoldKeyed(in, fn.Init, fn.Add, lifetime(n.Loc))
}

// ReduceKeyed combines each key's values with n.Fn, a func(acc *V, v V).
type ReduceKeyed[K comparable, V any] struct{}

func (ReduceKeyed[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	f := n.Fn.(func(*V, V))
	in := port[dfir.KV[K, V]](ins, 0)
	if c.CheckClaims && n.Claims != 0 {
		in = dfir.Inspect(in, checkedReduceKeyed[K](c, n, f))
	}
	return dfir.ReduceKeyed(in, f, lifetime(n.Loc))
}

// FirstKeyed keeps each key's first value.
type FirstKeyed[K comparable, V any] struct{}

func (FirstKeyed[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.ReduceKeyed(port[dfir.KV[K, V]](ins, 0), func(*V, V) {}, lifetime(n.Loc))
}

// SettledEntries is a bounded keyed singleton's pairs as a stream.
type SettledEntries[K comparable, V any] struct{}

func (SettledEntries[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return settled(c, n.Loc, port[dfir.KV[K, V]](ins, 0))
}

// SettledKeys is a bounded keyed singleton's keys as a stream.
type SettledKeys[K comparable, V any] struct{}

func (SettledKeys[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Map(settled(c, n.Loc, port[dfir.KV[K, V]](ins, 0)), func(kv dfir.KV[K, V]) K { return kv.Key })
}

// SettledValues is a bounded keyed singleton's values as a stream.
type SettledValues[K comparable, V any] struct{}

func (SettledValues[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Map(settled(c, n.Loc, port[dfir.KV[K, V]](ins, 0)), func(kv dfir.KV[K, V]) V { return kv.Val })
}

// settled turns the port of a bounded singleton-like collection into a
// stream's port. At a tick the value is the tick's, so nothing changes. At a
// location's top level a bounded collection is final from the first tick it
// has a value, and is carried again every tick; a stream there carries each
// item once, so only that first tick's values pass.
func settled[T any](c *Ctx, l *ir.Location, p dfir.Port[T]) dfir.Port[T] {
	if l.Kind == ir.Tick {
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
