// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Batch gives the tick, at every tick, the items of s that arrived since the
// last batch: a bounded stream. Where a batch ends depends on timing, hence
// the NonDet.
func Batch[T any, L Location](s Stream[T, L], t *Tick[L], nd NonDet) Stream[T, *Tick[L]] {
	return stream[T](batch[T](s.node(), t, nd), t)
}

// BatchKeyed is Batch for keyed streams.
func BatchKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L], t *Tick[L], nd NonDet) KeyedStream[K, V, *Tick[L]] {
	return keyedStream[K, V](batch[KV[K, V]](s.node(), t, nd), t)
}

func batch[T any, L Location](in *ir.Node, t *Tick[L], nd NonDet) *ir.Node {
	p := in.Props
	p.Bounded = true
	n := build[T](t, "batch", p, []*ir.Node{in}, compile.Batch[T]{}, nil)
	needNonDet(n, nd)
	needTick(n)
	return n
}

// AllTicks is the unbounded stream of every tick's items, tick after tick, at
// the tick's location.
func AllTicks[T any, L Location](s Stream[T, *Tick[L]]) Stream[T, L] {
	in := s.node()
	p := in.Props
	p.Bounded = false
	parent := s.l.Parent()
	n := build[T](parent, "all_ticks", p, []*ir.Node{in}, compile.Identity[T]{}, nil)
	n.Crosses = true
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
	n := build[T](t, "snapshot", p, []*ir.Node{in}, compile.Snapshot[T]{}, nil)
	needNonDet(n, nd)
	needTick(n)
	return n
}

// Latest is the value a tick singleton had in the latest tick, at the tick's
// location: an unbounded singleton that changes as ticks run.
func Latest[T any, L Location](x Singleton[T, *Tick[L]]) Singleton[T, L] {
	in := x.node()
	parent := x.l.Parent()
	n := build[T](parent, "latest", ir.Props{Kind: ir.Singleton}, []*ir.Node{in}, compile.Latest[T]{}, nil)
	n.Crosses = true
	return singleton[T](n, parent)
}

// DeferTick delays a tick's stream by one tick: what s holds in tick t, the
// result holds in tick t+1. The delayed items do not by themselves make the
// location run another tick: ticks run when input arrives or a timer fires.
func DeferTick[T any, L Location](s Stream[T, *Tick[L]]) Stream[T, *Tick[L]] {
	in := s.node()
	n := build[T](s.l, "defer_tick", in.Props, []*ir.Node{in}, compile.DeferTick[T]{}, nil)
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
	delay := ir.NoDelay
	if !inTick(l.loc()) {
		delay = ir.Eager
	}
	return forward[T](l, "forward_ref", delay, weaken)
}

// TickCycle returns a tick stream that holds in each tick what completes it
// in the previous tick (empty in the first): state carried from tick to tick.
// Like DeferTick, it does not make the location run ticks by itself.
func TickCycle[T any, L Location](t *Tick[L], weaken ...Weaken) (*Forward[T, *Tick[L]], Stream[T, *Tick[L]]) {
	return forward[T](t, "tick_cycle", ir.Lazy, weaken)
}

func forward[T any, L Location](l L, op string, d ir.Delay, weaken []Weaken) (*Forward[T, L], Stream[T, L]) {
	var w Weaken
	for _, x := range weaken {
		w |= x
	}
	p := streamProps(inTick(l.loc()), w&Unordered == 0, w&AtLeastOnce == 0)
	n := build[T](l, op, p, []*ir.Node{nil}, compile.Forward[T]{}, nil)
	n.Cycle = &ir.Cycle{Delay: d}
	return &Forward[T, L]{n: n, l: l}, stream[T](n, l)
}

// Complete defines the forward reference as s. Compile checks that it is
// called once, with a collection at the reference's location that is as
// ordered and exactly-once as the reference declares.
func (fw *Forward[T, L]) Complete(s Stream[T, L]) {
	in := s.node()
	file, line := callSite()
	c := fw.n.Cycle
	c.Completions = append(c.Completions, ir.Completion{In: in, File: file, Line: line})
	if len(c.Completions) == 1 {
		fw.n.Inputs[0] = in
	}
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
	n.Impl = compile.ForwardInitial[T]{}
	n.Params = initial
	return &SingletonCycle[T, *Tick[L]]{fw: fw}, singleton[T](n, t)
}

// Complete defines the value the next tick sees.
func (sc *SingletonCycle[T, L]) Complete(next Singleton[T, L]) {
	sc.fw.Complete(Stream[T, L]{n: next.node(), l: next.l})
}
