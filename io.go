// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"
	"iter"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// SourceIter emits the items of a slice, in order, when the location starts.
// The stream is bounded: it is complete once emitted.
func SourceIter[T any, L Location](l L, items []T) Stream[T, L] {
	n := build[T](l, "source_iter", streamProps(true, true, true), nil, compile.SourceIter[T]{}, nil)
	n.Params = items
	n.Label = fmt.Sprintf("%d items", len(items))
	return stream[T](n, l)
}

// SourceSeq emits the values of seq, in order, when the location starts.
// The stream is bounded.
func SourceSeq[T any, L Location](l L, seq iter.Seq[T]) Stream[T, L] {
	n := build[T](l, "source_iter", streamProps(true, true, true), nil, compile.SourceSeq[T]{}, seq)
	return stream[T](n, l)
}

// SourceChan emits what arrives on ch: an unbounded, ordered stream. Before
// each tick the shell takes every item ready on the channel without waiting;
// a closed channel simply ends the stream. A deployed node also wakes up
// when an item arrives on ch, and runs a tick for it.
func SourceChan[T any, L Location](l L, ch <-chan T) Stream[T, L] {
	n := build[T](l, "source_chan", streamProps(false, true, true), nil, compile.SourceChan[T]{}, nil)
	n.Params = ch
	return stream[T](n, l)
}

// Input is a stream the program running the flow feeds: a test, or the
// embedding program. Items pushed between ticks arrive in the next tick, in
// push order.
type Input[T any] struct {
	n *ir.Node
}

// NewInput returns an input handle and the unbounded, ordered stream of what
// is pushed into it.
func NewInput[T any, L Location](l L) (*Input[T], Stream[T, L]) {
	in := &Input[T]{}
	in.n = build[T](l, "input", streamProps(false, true, true), nil, compile.Input[T]{}, nil)
	in.n.Params = in
	return in, stream[T](in.n, l)
}

// Push adds items for the next tick of r. At a cluster it pushes to member
// 0; use PushTo for the others.
func (in *Input[T]) Push(r *Local, items ...T) {
	in.PushTo(r, 0, items...)
}

// PushTo adds items for the next tick of member m of the input's cluster.
func (in *Input[T]) PushTo(r *Local, m int, items ...T) {
	r.handle(in, m).(*dfir.Input[T]).PushAll(items)
}

// Output collects a stream for the program running the flow to read.
type Output[T any] struct {
	n *ir.Node
}

// traced is how a Local under a chooser names an output in its trace.
func (o *Output[T]) traced() *ir.Node { return o.n }

// NewOutput collects every item of s. Reading an output is deterministic only
// if s is ordered; tests of unordered streams should compare as multisets.
func NewOutput[T any, L Location](s Stream[T, L]) *Output[T] {
	o := &Output[T]{}
	o.n = sink[T](s.l, "output", s.node(), compile.Output[T]{}, nil)
	o.n.Params = o
	return o
}

// Drain returns the items collected in r since the last Drain; at a cluster,
// every member's, member by member.
func (o *Output[T]) Drain(r *Local) []T {
	return o.DrainInto(r, nil)
}

// DrainInto appends the items collected in r since the last drain to dst and
// returns the extended slice: Drain without allocating.
func (o *Output[T]) DrainInto(r *Local, dst []T) []T {
	for _, h := range r.handles(o) {
		dst = h.(*dfir.Output[T]).Drain(dst)
	}
	return dst
}

// DrainMember returns what member m of the output's cluster collected.
func (o *Output[T]) DrainMember(r *Local, m int) []T {
	return r.handle(o, m).(*dfir.Output[T]).Drain(nil)
}

// ForEach calls f on every item of s, in order. It needs a totally ordered,
// exactly-once stream: f's effects would otherwise depend on arrival order or
// on retries.
func ForEach[T any, L Location](s Stream[T, L], f func(T)) {
	n := sink[T](s.l, "for_each", s.node(), compile.ForEach[T]{}, f)
	n.Need(ir.NeedOrdered, 0, "ForEach", "sort a bounded stream first; or, to handle items as they come in whatever order they arrive (printing them, say), say so with AssumeOrdered and a NonDet reason")
	n.Need(ir.NeedExactlyOnce, 0, "ForEach", "deduplicate first (Unique), or make f idempotent and collect with NewOutput")
}
