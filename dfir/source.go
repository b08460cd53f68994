// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"fmt"
	"iter"
)

// SourceIter emits the items of a slice, in order, in the first tick. The
// slice is read, never modified; it must not change until that tick has run.
func SourceIter[T any](g *Graph, items []T) Port[T] {
	n := g.newNode("source_iter", 0, 1, nil, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		n.onEntry(func() int {
			if n.g.tick != 0 || len(items) == 0 {
				return 0
			}
			// Operators may reuse the batches they are given, so copy.
			buf := make([]T, min(len(items), batchSize))
			for i := 0; i < len(items); i += batchSize {
				down(buf[:copy(buf, items[i:])])
			}
			return len(items)
		})
	}
	return output[T](n, 0)
}

// SourceSeq emits the values of seq, in order, in the first tick.
func SourceSeq[T any](g *Graph, seq iter.Seq[T]) Port[T] {
	n := g.newNode("source_iter", 0, 1, nil, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		n.onEntry(func() int {
			if n.g.tick != 0 {
				return 0
			}
			buf := make([]T, 0, batchSize)
			total := 0
			for v := range seq {
				if buf = append(buf, v); len(buf) == batchSize {
					down(buf)
					total, buf = total+len(buf), buf[:0]
				}
			}
			if len(buf) > 0 {
				down(buf)
				total += len(buf)
			}
			return total
		})
	}
	return output[T](n, 0)
}

// NullSource emits nothing.
func NullSource[T any](g *Graph) Port[T] {
	n := g.newNode("null", 0, 1, nil, 0)
	n.wire = func() {}
	return output[T](n, 0)
}

// Input is a handle through which the shell gives a graph data from outside:
// what is pushed between ticks is emitted in the next tick, in push order. It
// is DFIR's source_stream, without the channel: the shell owns the waiting.
//
// An Input is not safe for concurrent use, and must not be pushed into while
// a tick runs.
type Input[T any] struct {
	h *handoffOf[T]
}

// SourceInput returns an input handle and the port it emits on.
func SourceInput[T any](g *Graph) (*Input[T], Port[T]) {
	n := g.newNode("source_input", 0, 1, nil, 0)
	h := newHandoff[T](nil, true)
	g.inputs = append(g.inputs, h)
	n.wire = func() {
		h.sink = sink[T](n, 0)
		n.onEntry(h.drain)
	}
	return &Input[T]{h: h}, output[T](n, 0)
}

// Push adds one item for the next tick.
func (in *Input[T]) Push(v T) { in.h.buf = append(in.h.buf, v) }

// PushAll adds items for the next tick, copying them.
func (in *Input[T]) PushAll(vs []T) { in.h.push(vs) }

// Len reports how many items wait for the next tick.
func (in *Input[T]) Len() int { return len(in.h.buf) }

// ForEach calls f on every item, in order.
func ForEach[T any](in Port[T], f func(T)) {
	n := in.node().g.newNode("for_each", 1, 0, nil, 0)
	n.opaque = true
	connect(in, n, 0)
	n.wire = func() {
		setIn(n, 0, func(b []T) {
			for _, v := range b {
				f(v)
			}
		})
	}
}

// Null discards every item.
func Null[T any](in Port[T]) {
	n := in.node().g.newNode("null", 1, 0, nil, 0)
	connect(in, n, 0)
	n.wire = func() { setIn(n, 0, func([]T) {}) }
}

// Output is a buffer the shell drains after each tick: a graph's way of
// handing data to the outside world (a socket, a test) without touching it.
type Output[T any] struct {
	buf []T
}

// SinkOutput collects every item into an output buffer.
func SinkOutput[T any](in Port[T]) *Output[T] {
	n := in.node().g.newNode("sink_output", 1, 0, nil, 0)
	connect(in, n, 0)
	o := &Output[T]{}
	n.wire = func() {
		n.keep(o)
		setIn(n, 0, func(b []T) { o.buf = append(o.buf, b...) })
	}
	return o
}

// Drain appends the buffered items to dst, empties the buffer and returns the
// extended slice. Drain(nil) returns a slice the caller owns.
func (o *Output[T]) Drain(dst []T) []T {
	if dst == nil && len(o.buf) > 0 {
		dst, o.buf = o.buf, nil
		return dst
	}
	dst = append(dst, o.buf...)
	clear(o.buf)
	o.buf = o.buf[:0]
	return dst
}

// Len reports how many items are buffered.
func (o *Output[T]) Len() int { return len(o.buf) }

// Describe formats the buffered items from index from on, at most max of
// them, for traces and logs.
func (o *Output[T]) Describe(from, max int) string {
	if from >= len(o.buf) {
		return "[]"
	}
	items := o.buf[from:]
	if len(items) > max {
		return fmt.Sprintf("%v … (%d more)", items[:max], len(items)-max)
	}
	return fmt.Sprint(items)
}
