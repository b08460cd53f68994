// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Atomic regions, after Hydro's atomic / end_atomic / use::atomic. A
// service that acknowledges a write and answers reads from a Snapshot has
// a race: the acknowledgement may leave before the state a later read sees
// includes the write. Begin the writes' processing in an atomic region of a
// tick: what the region computes (a Count, a Fold) grows as at the
// location's top level, but in the tick's steps, and what leaves it through
// EndAtomic is released only with the state it read. SnapshotAtomic reads
// the region's state into its tick with that promise: a read that follows
// an acknowledgement sees the write.
//
//	tick := hydro.NewTick(srv)
//	processing := hydro.BeginAtomic(incs, tick)
//	count := hydro.Count(processing)
//	acks := hydro.EndAtomic(processing)
//	now := hydro.SnapshotAtomic(count, tick, hydro.NonDet("a read sees the latest acknowledged count"))
//
// The guarantee holds within one process or cluster member.

// Atomic is the atomic region of a tick: a location whose collections grow
// as at the tick's location, computed in the tick's steps. BeginAtomic
// leads into it, EndAtomic out to the tick's location, and SnapshotAtomic
// into the tick.
type Atomic[L Location] struct {
	tick *Tick[L]
	l    *ir.Location
}

func (a *Atomic[L]) loc() *ir.Location { return a.l }
func (a *Atomic[L]) flow() *Flow       { return a.tick.flow() }

// String names the region.
func (a *Atomic[L]) String() string { return a.l.String() }

// Tick returns the tick the region belongs to.
func (a *Atomic[L]) Tick() *Tick[L] { return a.tick }

// newAtomic makes an atomic region of t, at the caller's line.
func newAtomic[L Location](t *Tick[L]) *Atomic[L] {
	tl := t.loc()
	file, line := callSite()
	f := t.flow()
	al := &ir.Location{ID: len(f.ir.Locations), Kind: ir.Atomic, Name: "atomic", Parent: tl.Parent, Tick: tl, File: file, Line: line, Flow: &f.ir}
	f.ir.Locations = append(f.ir.Locations, al)
	return &Atomic[L]{tick: t, l: al}
}

// BeginAtomic makes s enter an atomic region of t, a tick of s's location
// (Compile checks it): each item enters in a tick of t, and what the region
// computes from it is complete by the end of that tick. It needs no NonDet:
// which tick an item enters changes when results leave, not what they are.
func BeginAtomic[T any, L Location](s Stream[T, L], t *Tick[L]) Stream[T, *Atomic[L]] {
	in := s.node()
	a := newAtomic(t)
	n := build[T](a, "begin_atomic", in.Props, []*ir.Node{in}, compile.Batch[T]{}, nil)
	n.Crosses = true
	n.Need(ir.NeedTickOf, 0, "BeginAtomic", "begin the region with a tick made from the stream's own location")
	return stream[T](n, a)
}

// EndAtomic releases the region's stream at the tick's location, each item
// once the tick that computed it has finished: with the state it read.
func EndAtomic[T any, L Location](s Stream[T, *Atomic[L]]) Stream[T, L] {
	parent := s.l.tick.Parent()
	return stream[T](endAtomic[T](s.node(), parent), parent)
}

// EndAtomicSingleton releases the region's singleton x at the tick's
// location: each new value once the tick that computed it has finished, so
// a reader never sees a value that an acknowledgement EndAtomic released
// later would contradict.
func EndAtomicSingleton[T any, L Location](x Singleton[T, *Atomic[L]]) Singleton[T, L] {
	parent := x.l.tick.Parent()
	return singleton[T](endAtomic[T](x.node(), parent), parent)
}

// EndAtomicOptional is EndAtomicSingleton for an optional.
func EndAtomicOptional[T any, L Location](x Optional[T, *Atomic[L]]) Optional[T, L] {
	parent := x.l.tick.Parent()
	return optional[T](endAtomic[T](x.node(), parent), parent)
}

// EndAtomicKeyed is EndAtomic for a keyed stream: each pair released with
// the state it read.
func EndAtomicKeyed[K comparable, V any, L Location](s KeyedStream[K, V, *Atomic[L]]) KeyedStream[K, V, L] {
	parent := s.l.tick.Parent()
	return keyedStream[K, V](endAtomic[KV[K, V]](s.node(), parent), parent)
}

// EndAtomicKeyedSingleton is EndAtomicSingleton for a keyed singleton.
func EndAtomicKeyedSingleton[K comparable, V any, L Location](x KeyedSingleton[K, V, *Atomic[L]]) KeyedSingleton[K, V, L] {
	parent := x.l.tick.Parent()
	return keyedSingleton[K, V](endAtomic[KV[K, V]](x.node(), parent), parent)
}

// endAtomic makes the node that releases in, of element type T, at the
// region's location l. The region's collections are computed in its
// tick's steps, and a tick's outputs leave when it ends: passing them on
// as they are is the release.
func endAtomic[T any](in *ir.Node, l Location) *ir.Node {
	n := build[T](l, "end_atomic", in.Props, []*ir.Node{in}, compile.Identity[T]{}, nil)
	n.Crosses = true
	return n
}

// SnapshotAtomic gives t, at every tick, the value of the region's x. t
// must be the tick the region was begun with (Compile checks it). Unlike
// Snapshot's, the value is never older than what the region has released:
// every item EndAtomic let out before the tick is in it. Which newer
// version the tick sees still depends on timing, hence the NonDet.
func SnapshotAtomic[T any, L Location](x Singleton[T, *Atomic[L]], t *Tick[L], nd NonDet) Singleton[T, *Tick[L]] {
	in := x.node()
	p := in.Props
	p.Bounded = true
	n := build[T](t, "snapshot_atomic", p, []*ir.Node{in}, compile.Identity[T]{}, nil)
	n.Crosses = true
	needNonDet(n, nd)
	n.Need(ir.NeedAtomicTick, 0, "SnapshotAtomic", "")
	return singleton[T](n, t)
}

// AcrossTicks computes a value over every tick's batch so far, and gives
// each tick its value after that tick's items, after Hydro's across_ticks.
// f receives s's items of all ticks as a stream of an atomic region of s's
// tick and returns what it computes from them there (a Count, a Fold); the
// result is that value inside the tick. It needs no NonDet: the value a
// tick sees is the one its own items brought it to.
//
//	batch := hydro.Batch(xs, tick, hydro.NonDet("any batches"))
//	sofar := hydro.AcrossTicks(batch, hydro.Count) // 4 after a first batch of 4, 7 after a second of 3
//
// f must return a value of the region it is given (Compile checks it).
func AcrossTicks[T, U any, L Location](s Stream[T, *Tick[L]], f func(Stream[T, *Atomic[L]]) Singleton[U, *Atomic[L]]) Singleton[U, *Tick[L]] {
	t := s.l
	all := allTicksAtomic(s, t)
	out := f(all)
	return singleton[U](batchedAtomic[U](out.node(), t, "AcrossTicks"), t)
}

// AcrossTicksKeyed is AcrossTicks for a value per key: f computes a keyed
// singleton (a FoldKeyed, a ValueCounts) from the items of all ticks so
// far, and each tick sees every key's value after its own items.
func AcrossTicksKeyed[T any, K comparable, V any, L Location](s Stream[T, *Tick[L]], f func(Stream[T, *Atomic[L]]) KeyedSingleton[K, V, *Atomic[L]]) KeyedSingleton[K, V, *Tick[L]] {
	t := s.l
	all := allTicksAtomic(s, t)
	out := f(all)
	return keyedSingleton[K, V](batchedAtomic[KV[K, V]](out.node(), t, "AcrossTicksKeyed"), t)
}

// allTicksAtomic is s's items of every tick, in an atomic region of t, the
// tick they come from.
func allTicksAtomic[T any, L Location](s Stream[T, *Tick[L]], t *Tick[L]) Stream[T, *Atomic[L]] {
	in := s.node()
	a := newAtomic(t)
	p := in.Props
	p.Bounded = false
	n := build[T](a, "all_ticks_atomic", p, []*ir.Node{in}, compile.Identity[T]{}, nil)
	n.Crosses = true
	return stream[T](n, a)
}

// batchedAtomic brings in, a value of an atomic region of t, into t: the
// region's state after t's current tick.
func batchedAtomic[T any, L Location](in *ir.Node, t *Tick[L], op string) *ir.Node {
	p := in.Props
	p.Bounded = true
	n := build[T](t, "batched_atomic", p, []*ir.Node{in}, compile.Identity[T]{}, nil)
	n.Crosses = true
	n.Need(ir.NeedAtomicTick, 0, op, "return a value computed from the stream the function is given")
	return n
}
