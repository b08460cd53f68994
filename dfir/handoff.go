// SPDX-License-Identifier: Apache-2.0

package dfir

import "reflect"

// batchSize bounds the batches that flow through a subgraph: small enough to
// stay in the first-level cache across a chain of operators, large enough that
// the call per batch costs nothing next to the work per element.
const batchSize = 1024

func newHandoff[T any](e *edge, delayed bool) *handoffOf[T] {
	return &handoffOf[T]{e: e, delayed: delayed, pointers: hasPointers(reflect.TypeFor[T]())}
}

// hasPointers reports whether values of t hold pointers the garbage collector
// follows.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}

// handoff is a buffer between two subgraphs. Producers append to it; the
// scheduler drains it into the consumer's input sink. Draining swaps two
// reusable slices, so a consumer that feeds the same handoff again (a cycle)
// appends to the other slice.
type handoff interface {
	// drain pushes the items ready for the consumer to it, in batches, and
	// returns how many there were.
	drain() int
	// release makes the items buffered so far ready (tick and input handoffs).
	release()
	// buffered reports the items waiting for the next release or drain.
	buffered() int
	setSink(s any)
	// forwardTo records that the consumer passes everything on to next.
	forwardTo(next handoff)
	stats() HandoffStats
	// writeState writes the items held into a state hash.
	writeState(w *stateWriter)
	edge() *edge
}

type handoffOf[T any] struct {
	e *edge
	// delayed handoffs (defer_tick, inputs) hold what is pushed until the
	// next release; the others are ready as soon as they are pushed.
	delayed bool
	buf     []T
	ready   []T
	sink    func([]T)
	// next is the handoff the consumer forwards everything to, when the
	// consumer only passes items on (DeferTick, a cycle, NextStratum):
	// draining then hands the slice over instead of copying it.
	next *handoffOf[T]
	// pointers is set when T holds pointers, so that drained slots must be
	// cleared.
	pointers bool
	items    uint64
	drains   uint64
}

var _ handoff = (*handoffOf[int])(nil)

func (h *handoffOf[T]) push(b []T) { h.buf = append(h.buf, b...) }

func (h *handoffOf[T]) release() {
	if len(h.ready) == 0 {
		h.buf, h.ready = h.ready[:0], h.buf
		return
	}
	h.ready = append(h.ready, h.buf...)
	if h.pointers {
		clear(h.buf)
	}
	h.buf = h.buf[:0]
}

func (h *handoffOf[T]) drain() int {
	if !h.delayed {
		if len(h.buf) == 0 {
			return 0
		}
		h.release()
	}
	b := h.ready
	n := len(b)
	if n == 0 {
		return 0
	}
	if h.next != nil && len(h.next.buf) == 0 {
		h.ready, h.next.buf = h.next.buf[:0], b
	} else {
		for i := 0; i < n; i += batchSize {
			h.sink(b[i:min(i+batchSize, n)])
		}
		if h.pointers {
			clear(b) // let the garbage collector have what the items point to
		}
		h.ready = b[:0]
	}
	h.items += uint64(n)
	h.drains++
	return n
}

func (h *handoffOf[T]) buffered() int { return len(h.buf) }

func (h *handoffOf[T]) setSink(s any) { h.sink = s.(func([]T)) }

func (h *handoffOf[T]) forwardTo(next handoff) { h.next = next.(*handoffOf[T]) }

func (h *handoffOf[T]) edge() *edge { return h.e }

func (h *handoffOf[T]) stats() HandoffStats {
	s := HandoffStats{Kind: h.e.kind.String(), Items: h.items, Drains: h.drains, Buffered: len(h.buf) + len(h.ready)}
	s.From, s.To = h.e.src.String(), h.e.dst.String()
	return s
}

// chunks pushes b to down in batches of at most batchSize.
func chunks[T any](b []T, down func([]T)) {
	for i := 0; i < len(b); i += batchSize {
		down(b[i:min(i+batchSize, len(b))])
	}
}
