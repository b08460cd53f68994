// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Map applies f to every item.
func Map[T, U any, L Location](s Stream[T, L], f func(T) U) Stream[U, L] {
	n := build[U](s.l, "map", s.node().Props, []*ir.Node{s.node()}, compile.Map[T, U]{}, f)
	return stream[U](n, s.l)
}

// Filter keeps the items for which keep returns true.
func (s Stream[T, L]) Filter(keep func(T) bool) Stream[T, L] {
	n := build[T](s.l, "filter", s.node().Props, []*ir.Node{s.node()}, compile.Filter[T]{}, keep)
	return stream[T](n, s.l)
}

// FilterMap applies f to every item and keeps the results it returns with
// true.
func FilterMap[T, U any, L Location](s Stream[T, L], f func(T) (U, bool)) Stream[U, L] {
	n := build[U](s.l, "filter_map", s.node().Props, []*ir.Node{s.node()}, compile.FilterMap[T, U]{}, f)
	return stream[U](n, s.l)
}

// FlatMap emits, for every item, the items of f's result in order.
func FlatMap[T, U any, L Location](s Stream[T, L], f func(T) []U) Stream[U, L] {
	n := build[U](s.l, "flat_map", s.node().Props, []*ir.Node{s.node()}, compile.FlatMap[T, U]{}, f)
	return stream[U](n, s.l)
}

// FlatMapUnordered is FlatMap for functions whose results have no meaningful
// order (the items of a map, say): the stream it returns is unordered.
func FlatMapUnordered[T, U any, L Location](s Stream[T, L], f func(T) []U) Stream[U, L] {
	p := s.node().Props
	p.Ordered = false
	n := build[U](s.l, "flat_map_unordered", p, []*ir.Node{s.node()}, compile.FlatMap[T, U]{}, f)
	return stream[U](n, s.l)
}

// Flatten emits the items of every slice, in order.
func Flatten[T any, L Location](s Stream[[]T, L]) Stream[T, L] {
	n := build[T](s.l, "flatten", s.node().Props, []*ir.Node{s.node()}, compile.Flatten[T]{}, nil)
	return stream[T](n, s.l)
}

// FlattenUnordered emits the items of every slice, and promises no order:
// Flatten for a stream whose order does not matter, or is not known.
func FlattenUnordered[T any, L Location](s Stream[[]T, L]) Stream[T, L] {
	p := s.node().Props
	p.Ordered = false
	n := build[T](s.l, "flatten_unordered", p, []*ir.Node{s.node()}, compile.Flatten[T]{}, nil)
	return stream[T](n, s.l)
}

// Inspect calls f on every item and passes the stream on unchanged.
func Inspect[T any, L Location](s Stream[T, L], f func(T)) Stream[T, L] {
	n := build[T](s.l, "inspect", s.node().Props, []*ir.Node{s.node()}, compile.Inspect[T]{}, f)
	return stream[T](n, s.l)
}

// Enumerate pairs every item with its index. It needs a totally ordered,
// exactly-once stream. At a tick the count restarts every tick; at a
// location's top level it counts from the start.
func Enumerate[T any, L Location](s Stream[T, L]) Stream[KV[int, T], L] {
	n := build[KV[int, T]](s.l, "enumerate", s.node().Props, []*ir.Node{s.node()}, compile.Enumerate[T]{}, nil)
	needOrder(n, "Enumerate")
	return stream[KV[int, T]](n, s.l)
}

// Unique drops items seen before: within the tick at a tick, ever at a
// location's top level. The result is exactly-once.
func Unique[T comparable, L Location](s Stream[T, L]) Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = true
	n := build[T](s.l, "unique", p, []*ir.Node{s.node()}, compile.Unique[T]{}, nil)
	return stream[T](n, s.l)
}

// Partition splits s by a predicate: the items for which pred is true, then
// the others.
func Partition[T any, L Location](s Stream[T, L], pred func(T) bool) (yes, no Stream[T, L]) {
	split := build[Pair[bool, T]](s.l, "partition", s.node().Props, []*ir.Node{s.node()}, compile.PartitionSplit[T]{}, pred)
	side := func(op string, want bool) Stream[T, L] {
		n := build[T](s.l, op, s.node().Props, []*ir.Node{split}, compile.PartitionSide[T]{}, nil)
		n.Params = want
		return stream[T](n, s.l)
	}
	return side("partition_yes", true), side("partition_no", false)
}

// Scan threads an accumulator, starting as init(), through the items in
// order and emits what f returns for each. It needs a totally ordered,
// exactly-once stream. At a tick the accumulator restarts every tick.
func Scan[T, A, U any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T) U) Stream[U, L] {
	in := s.node()
	n := build[U](s.l, "scan", in.Props, []*ir.Node{in}, compile.Scan[T, A, U]{}, compile.ScanFns[T, A, U]{Init: init, F: f})
	needOrder(n, "Scan")
	return stream[U](n, s.l)
}
