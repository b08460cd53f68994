// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"cmp"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The operators of singletons and optionals. A singleton or optional is
// lowered to a port that carries its value once per tick (nothing, for an
// empty optional). Operators on them therefore work per tick, at a tick or
// at a location's top level alike.

// Constant is the value n.Params, a T, every tick.
type Constant[T any] struct{}

func (Constant[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	return dfir.Persist(dfir.SourceIter(c.Graph, []T{n.Params.(T)}))
}

// Zip pairs the values of two singletons.
type Zip[A, B any] struct{}

func (Zip[A, B]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Zip(port[A](ins, 0), port[B](ins, 1))
}

// UnwrapOr is an optional's value, or n.Params, a T.
type UnwrapOr[T any] struct{}

func (UnwrapOr[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	def := n.Params.(T)
	return dfir.Fold(port[T](ins, 0), func() T { return def }, func(acc *T, v T) { *acc = v })
}

// Or is input 0's value if it has one, else input 1's.
type Or[T any] struct{}

func (Or[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
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
}

// Not negates a bool.
type Not struct{}

func (Not) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Map(port[bool](ins, 0), func(b bool) bool { return !b })
}

// IsSome is true when an optional has a value.
type IsSome[T any] struct{}

func (IsSome[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Fold(port[T](ins, 0), func() bool { return false }, func(acc *bool, _ T) { *acc = true })
}

// IntoStream is a bounded singleton or optional as a stream.
type IntoStream[T any] struct{}

func (IntoStream[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return settled(c, n.Loc, port[T](ins, 0))
}

// Threshold emits n.Params, the bound, once: in the first tick the
// singleton's value is at least the bound. Compile checked that the value
// only grows, so the tick it fires in does not change what it emits.
type Threshold[T cmp.Ordered] struct{}

func (Threshold[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	bound := n.Params.(T)
	fired := false
	return dfir.FilterMap(port[T](ins, 0), func(v T) (T, bool) {
		if fired || v < bound {
			return bound, false
		}
		fired = true
		return bound, true
	})
}

// ThresholdKeyed emits, for each key, the pair of the key and n.Params, the
// bound, once: in the first tick the key's value is at least the bound.
// Compile checked that every key's value only grows. It remembers the keys
// it fired for, no more than the keyed singleton holds.
type ThresholdKeyed[K comparable, T cmp.Ordered] struct{}

func (ThresholdKeyed[K, T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	bound := n.Params.(T)
	fired := make(map[K]struct{})
	return dfir.FilterMap(port[dfir.KV[K, T]](ins, 0), func(kv dfir.KV[K, T]) (dfir.KV[K, T], bool) {
		out := dfir.KV[K, T]{Key: kv.Key, Val: bound}
		if kv.Val < bound {
			return out, false
		}
		if _, ok := fired[kv.Key]; ok {
			return out, false
		}
		fired[kv.Key] = struct{}{}
		return out, true
	})
}
