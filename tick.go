// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// checkNonDet records a misuse when a non-deterministic operator n was given
// no reason.
func checkNonDet(f *Flow, n *ir.Node, nd NonDet) {
	n.NonDet = string(nd)
	if nd == "" {
		f.misuse(n, `say why the program is correct whatever the choice: hydro.NonDet("...")`,
			"hydro: %s is non-deterministic and needs a NonDet reason", n.Op)
	}
}

// checkTick records a misuse when t is not a tick of the location of in.
func checkTick(f *Flow, n, in *ir.Node, t *ir.Location) {
	if t.Parent != in.Loc {
		f.misuse(n, "make the tick with hydro.NewTick from the collection's own location",
			"hydro: %s into %v of a collection at %v (%s)", n.Op, t, in.Loc, in.Pos())
	}
}

// identity lowers an operator that only changes how a collection is seen.
func identity[T any](c *ir.Ctx, ins []any) dfir.Port[T] { return port[T](ins, 0) }

// batchPort lowers a Batch. Deployed, a tick's batch is what arrived since
// the last tick, so the graph needs nothing; under a decider (a simulator)
// the items are held and the decider chooses how many enter each tick.
func batchPort[T any](c *ir.Ctx, n *ir.Node, p dfir.Port[T]) dfir.Port[T] {
	if c.Decide == nil {
		return p
	}
	return dfir.Release(p, func(held int) int { return c.Decide(n, held) })
}

// Batch gives the tick, at every tick, the items of s that arrived since the
// last batch: a bounded stream. Where a batch ends depends on timing, hence
// the NonDet.
func Batch[T any, L Location](s Stream[T, L], t *Tick[L], nd NonDet) Stream[T, *Tick[L]] {
	in := s.node()
	p := in.Props
	p.Bounded = true
	var n *ir.Node
	n = build(t, "batch", p, []*ir.Node{in}, true, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return batchPort(c, n, port[T](ins, 0))
	})
	checkNonDet(s.l.flow(), n, nd)
	checkTick(s.l.flow(), n, in, t.l)
	return stream[T](n, t)
}

// BatchKeyed is Batch for keyed streams.
func BatchKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L], t *Tick[L], nd NonDet) KeyedStream[K, V, *Tick[L]] {
	in := s.node()
	p := in.Props
	p.Bounded = true
	var n *ir.Node
	n = build(t, "batch", p, []*ir.Node{in}, true, func(c *ir.Ctx, ins []any) dfir.Port[KV[K, V]] {
		return batchPort(c, n, port[KV[K, V]](ins, 0))
	})
	checkNonDet(s.l.flow(), n, nd)
	checkTick(s.l.flow(), n, in, t.l)
	return keyedStream[K, V](n, t)
}

// AllTicks is the unbounded stream of every tick's items, tick after tick, at
// the tick's location.
func AllTicks[T any, L Location](s Stream[T, *Tick[L]]) Stream[T, L] {
	in := s.node()
	p := in.Props
	p.Bounded = false
	parent := s.l.Parent()
	n := build(parent, "all_ticks", p, []*ir.Node{in}, true, identity[T])
	return stream[T](n, parent)
}

// Snapshot gives the tick, at every tick, the value of x at that moment.
// Which version of x a tick sees depends on timing, hence the NonDet.
func Snapshot[T any, L Location](x Singleton[T, L], t *Tick[L], nd NonDet) Singleton[T, *Tick[L]] {
	return singleton[T](snapshot[T](x.node(), t, nd), t)
}

// SnapshotOptional is Snapshot for optionals.
func SnapshotOptional[T any, L Location](x Optional[T, L], t *Tick[L], nd NonDet) Optional[T, *Tick[L]] {
	return optional[T](snapshot[T](x.node(), t, nd), t)
}

// SnapshotKeyed is Snapshot for keyed singletons.
func SnapshotKeyed[K comparable, V any, L Location](x KeyedSingleton[K, V, L], t *Tick[L], nd NonDet) KeyedSingleton[K, V, *Tick[L]] {
	return keyedSingleton[K, V](snapshot[KV[K, V]](x.node(), t, nd), t)
}

// snapshot makes the node of a Snapshot of in (carrying T) into t.
func snapshot[T any, L Location](in *ir.Node, t *Tick[L], nd NonDet) *ir.Node {
	p := in.Props
	p.Bounded = true
	var n *ir.Node
	n = build(t, "snapshot", p, []*ir.Node{in}, true, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		// Deployed, a snapshot is the value of the tick. Under a chooser
		// that explores staleness, it may be a recent earlier one.
		if c.Stale == nil {
			return port[T](ins, 0)
		}
		return dfir.Stale(port[T](ins, 0), func(v int) int { return c.Stale(n, v) })
	})
	checkNonDet(t.flow(), n, nd)
	checkTick(t.flow(), n, in, t.l)
	return n
}

// Latest is the value a tick singleton had in the latest tick, at the tick's
// location: an unbounded singleton that changes as ticks run.
func Latest[T any, L Location](x Singleton[T, *Tick[L]]) Singleton[T, L] {
	in := x.node()
	parent := x.l.Parent()
	n := build(parent, "latest", ir.Props{Kind: ir.Singleton}, []*ir.Node{in}, true, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.Reduce(port[T](ins, 0), func(acc *T, v T) { *acc = v }, dfir.Static)
	})
	return singleton[T](n, parent)
}

// DeferTick delays a tick's stream by one tick: what s holds in tick t, the
// result holds in tick t+1. The delayed items do not by themselves make the
// location run another tick: ticks run when input arrives or a timer fires.
func DeferTick[T any, L Location](s Stream[T, *Tick[L]]) Stream[T, *Tick[L]] {
	in := s.node()
	n := build(s.l, "defer_tick", in.Props, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		return dfir.DeferTickLazy(port[T](ins, 0))
	})
	return stream[T](n, s.l)
}

// Weaken declares a forward reference's stream weaker than the default
// (totally ordered, exactly-once), so that a weaker stream may complete it.
type Weaken uint8

const (
	// Unordered declares the stream unordered.
	Unordered Weaken = 1 << iota
	// AtLeastOnce declares that items may repeat.
	AtLeastOnce
)

// Forward is a stream used before it is defined: Complete it with the stream
// that defines it, exactly once, before compiling.
type Forward[T any, L Location] struct {
	n *ir.Node
	l L
}

// ForwardRef returns a stream to use now and the handle that defines it
// later. At a tick, the stream holds in each tick what completes it in the
// same tick (a fixpoint cycle: it must not go through an aggregation); at a
// location's top level, items reach it asynchronously.
func ForwardRef[T any, L Location](l L, weaken ...Weaken) (*Forward[T, L], Stream[T, L]) {
	delay := noDelay
	if !inTick(l.loc()) {
		delay = eager
	}
	return forward[T](l, "forward_ref", delay, weaken)
}

// TickCycle returns a tick stream that holds in each tick what completes it
// in the previous tick (empty in the first): state carried from tick to tick.
// Like DeferTick, it does not make the location run ticks by itself.
func TickCycle[T any, L Location](t *Tick[L], weaken ...Weaken) (*Forward[T, *Tick[L]], Stream[T, *Tick[L]]) {
	return forward[T](t, "tick_cycle", lazy, weaken)
}

// How a forward reference's input reaches it.
type delay uint8

const (
	noDelay delay = iota // in the same tick: a fixpoint cycle
	eager                // in the next tick, which it asks for
	lazy                 // in the next tick, whenever that runs
)

func forward[T any, L Location](l L, op string, d delay, weaken []Weaken) (*Forward[T, L], Stream[T, L]) {
	var w Weaken
	for _, x := range weaken {
		w |= x
	}
	p := streamProps(inTick(l.loc()), w&Unordered == 0, w&AtLeastOnce == 0)
	n := build[T](l, op, p, []*ir.Node{nil}, false, nil)
	n.NewCycle = func(c *ir.Ctx) (any, any) {
		c.Graph.SetPosition(n.File, n.Line)
		defer c.Graph.SetPosition("", 0)
		return dfir.NewCycle[T](c.Graph)
	}
	n.Close = func(cycle, in any) {
		p := in.(dfir.Port[T])
		switch d {
		case eager:
			p = dfir.DeferTick(p)
		case lazy:
			p = dfir.DeferTickLazy(p)
		}
		cycle.(*dfir.Cycle[T]).Close(p)
	}
	return &Forward[T, L]{n: n, l: l}, stream[T](n, l)
}

// Complete defines the forward reference as s.
func (fw *Forward[T, L]) Complete(s Stream[T, L]) {
	f := fw.l.flow()
	in := s.node()
	file, line := callSite()
	at := &ir.Node{Op: "Complete", File: file, Line: line}
	switch {
	case fw.n.Inputs[0] != nil:
		f.misuse(at, "complete each forward reference once", "hydro: %s (%s) completed twice", fw.n.Op, fw.n.Pos())
		return
	case in.Loc != fw.n.Loc:
		f.misuse(at, "complete it with a collection at its own location",
			"hydro: %s (%s) at %v completed with a collection at %v", fw.n.Op, fw.n.Pos(), fw.n.Loc, in.Loc)
	case fw.n.Props.Ordered && !in.Props.Ordered:
		f.misuse(at, "declare the reference with hydro.Unordered",
			"hydro: %s (%s) is declared ordered but completed with an unordered stream (%s at %s)", fw.n.Op, fw.n.Pos(), in.Op, in.Pos())
	case fw.n.Props.ExactlyOnce && !in.Props.ExactlyOnce:
		f.misuse(at, "declare the reference with hydro.AtLeastOnce",
			"hydro: %s (%s) is declared exactly-once but completed with an at-least-once stream (%s at %s)", fw.n.Op, fw.n.Pos(), in.Op, in.Pos())
	}
	fw.n.Inputs[0] = in
}

// SingletonCycle is a tick singleton defined by the previous tick: Complete
// it with the value the next tick should see.
type SingletonCycle[T any, L Location] struct {
	fw *Forward[T, L]
}

// TickCycleWithInitial returns a tick singleton that is initial in the first
// tick and, in every later tick, the value it was completed with in the tick
// before: state carried across ticks, such as a counter.
func TickCycleWithInitial[T any, L Location](t *Tick[L], initial T) (*SingletonCycle[T, *Tick[L]], Singleton[T, *Tick[L]]) {
	fw, s := TickCycle[T](t)
	n := s.node()
	n.Op = "tick_cycle_with_initial"
	n.Props.Kind = ir.Singleton
	makeCycle := n.NewCycle
	n.NewCycle = func(c *ir.Ctx) (any, any) {
		cycle, prev := makeCycle(c)
		c.Graph.SetPosition(n.File, n.Line)
		defer c.Graph.SetPosition("", 0)
		// The cycle is empty in the first tick only: the initial value
		// fills it then.
		return cycle, dfir.Union(prev.(dfir.Port[T]), dfir.SourceIter(c.Graph, []T{initial}))
	}
	return &SingletonCycle[T, *Tick[L]]{fw: fw}, singleton[T](n, t)
}

// Complete defines the value the next tick sees.
func (sc *SingletonCycle[T, L]) Complete(next Singleton[T, L]) {
	sc.fw.Complete(Stream[T, L]{n: next.node(), l: next.l})
}
