// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// The operators between a location and its ticks.

// Batch gives a tick the items that arrived since the last batch. Deployed,
// a tick's batch is what arrived since the last tick, so the graph needs
// nothing; under a decider (a simulator) the items are held and the decider
// chooses how many enter each tick: a prefix of them for an ordered stream,
// any of them (Pick) for an unordered one.
type Batch[T any] struct{}

func (Batch[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	p := port[T](ins, 0)
	if c.Pick != nil && !n.Props.Ordered {
		pick := c.Pick
		return dfir.ReleaseSome(p, func(take []bool) { pick(n, take) })
	}
	if c.Decide == nil {
		return p
	}
	decide := c.Decide
	return dfir.Release(p, func(held int) int { return decide(n, held) })
}

// Snapshot gives a tick the value of a singleton. Deployed, a snapshot is
// the value of the tick. Under a chooser that explores staleness, it may be
// a recent earlier one.
type Snapshot[T any] struct{}

func (Snapshot[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	p := port[T](ins, 0)
	if c.Stale == nil {
		return p
	}
	stale := c.Stale
	return dfir.Stale(p, func(v int) int { return stale(n, v) })
}

// Latest is a tick singleton's value in the latest tick.
type Latest[T any] struct{}

func (Latest[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) { *acc = v }, dfir.Static)
}

// DeferTick delays a tick's stream by one tick.
type DeferTick[T any] struct{}

func (DeferTick[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	return dfir.DeferTickLazy(port[T](ins, 0))
}
