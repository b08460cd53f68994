// SPDX-License-Identifier: Apache-2.0

package dfir

// Map applies f to every item.
//
// When T and U are the same type, Map rewrites each batch in place, so a
// chain of maps touches each element once per stage without copying.
func Map[T, U any](in Port[T], f func(T) U) Port[U] {
	n := in.node().g.newNode("map", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[U](n, 0)
		if same, ok := any(down).(func([]T)); ok {
			g := any(f).(func(T) T)
			setIn(n, 0, func(b []T) {
				for i := range b {
					b[i] = g(b[i])
				}
				same(b)
			})
			return
		}
		var buf []U
		setIn(n, 0, func(b []T) {
			if cap(buf) < len(b) {
				buf = make([]U, len(b))
			}
			out := buf[:len(b)]
			for i, v := range b {
				out[i] = f(v)
			}
			down(out)
		})
	}
	return output[U](n, 0)
}

// Filter keeps the items for which keep returns true.
func Filter[T any](in Port[T], keep func(T) bool) Port[T] {
	n := in.node().g.newNode("filter", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		setIn(n, 0, func(b []T) {
			out := b[:0]
			for _, v := range b {
				if keep(v) {
					out = append(out, v)
				}
			}
			if len(out) > 0 {
				down(out)
			}
		})
	}
	return output[T](n, 0)
}

// FilterMap applies f to every item and keeps the results it returns with
// true.
func FilterMap[T, U any](in Port[T], f func(T) (U, bool)) Port[U] {
	n := in.node().g.newNode("filter_map", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[U](n, 0)
		var buf []U
		setIn(n, 0, func(b []T) {
			out := buf[:0]
			for _, v := range b {
				if u, ok := f(v); ok {
					out = append(out, u)
				}
			}
			buf = out
			if len(out) > 0 {
				down(out)
			}
		})
	}
	return output[U](n, 0)
}

// FlatMap applies f to every item and emits the items of each result in
// order. The slice f returns is read before f is called again, so f may reuse
// it.
func FlatMap[T, U any](in Port[T], f func(T) []U) Port[U] {
	n := in.node().g.newNode("flat_map", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		e := newEmitter(n, sink[U](n, 0))
		setIn(n, 0, func(b []T) {
			for _, v := range b {
				e.addAll(f(v))
			}
		})
	}
	return output[U](n, 0)
}

// Flatten emits the items of every slice, in order.
func Flatten[T any](in Port[[]T]) Port[T] {
	n := in.node().g.newNode("flatten", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		e := newEmitter(n, sink[T](n, 0))
		setIn(n, 0, func(b [][]T) {
			for _, vs := range b {
				e.addAll(vs)
			}
		})
	}
	return output[T](n, 0)
}

// Inspect calls f on every item and passes the items on unchanged.
func Inspect[T any](in Port[T], f func(T)) Port[T] {
	n := in.node().g.newNode("inspect", 1, 1, nil, 0)
	n.opaque = true
	connect(in, n, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		setIn(n, 0, func(b []T) {
			for _, v := range b {
				f(v)
			}
			down(b)
		})
	}
	return output[T](n, 0)
}

// Enumerate pairs every item with its index in arrival order. The count
// restarts every tick (PerTick, the default) or continues across ticks
// (Static).
func Enumerate[T any](in Port[T], lifetime ...Lifetime) Port[KV[int, T]] {
	n := in.node().g.newNode("enumerate", 1, 1, lifetime, 1)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[KV[int, T]](n, 0)
		var buf []KV[int, T]
		next := 0
		n.keep(&next)
		setIn(n, 0, func(b []T) {
			if cap(buf) < len(b) {
				buf = make([]KV[int, T], len(b))
			}
			out := buf[:len(b)]
			for i, v := range b {
				out[i] = KV[int, T]{next, v}
				next++
			}
			down(out)
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() { next = 0 })
		}
	}
	return output[KV[int, T]](n, 0)
}

// Unique drops items seen before: within the tick (PerTick, the default) or
// ever (Static).
func Unique[T comparable](in Port[T], lifetime ...Lifetime) Port[T] {
	n := in.node().g.newNode("unique", 1, 1, lifetime, 1)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		seen := make(map[T]struct{})
		n.keep(&seen)
		setIn(n, 0, func(b []T) {
			out := b[:0]
			for _, v := range b {
				if _, dup := seen[v]; !dup {
					seen[v] = struct{}{}
					out = append(out, v)
				}
			}
			if len(out) > 0 {
				down(out)
			}
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() { clear(seen) })
		}
	}
	return output[T](n, 0)
}

// emitter gathers items into batches for a downstream sink. A full batch is
// pushed at once; what is left is pushed when the entry that brought the
// items has finished (see node.onFlush), so that operators downstream of a
// splitting or joining operator still get full batches.
type emitter[T any] struct {
	buf  []T
	down func([]T)
}

// newEmitter makes an emitter for n and registers its flush. Only valid while
// wiring.
func newEmitter[T any](n *node, down func([]T)) *emitter[T] {
	e := &emitter[T]{buf: make([]T, 0, batchSize), down: down}
	n.onFlush(e.flush)
	return e
}

func (e *emitter[T]) add(v T) {
	if e.buf = append(e.buf, v); len(e.buf) == batchSize {
		e.flushFull()
	}
}

// flushFull is flush kept out of line, so that add stays small enough to
// inline into the operators' loops.
//
//go:noinline
func (e *emitter[T]) flushFull() { e.flush() }

func (e *emitter[T]) addAll(vs []T) {
	for len(vs) > 0 {
		k := copy(e.buf[len(e.buf):batchSize], vs)
		e.buf, vs = e.buf[:len(e.buf)+k], vs[k:]
		if len(e.buf) == batchSize {
			e.flushFull()
		}
	}
}

// flush pushes what is gathered. The batch is reused: the sink must not keep
// it.
func (e *emitter[T]) flush() {
	if len(e.buf) > 0 {
		e.down(e.buf)
		e.buf = e.buf[:0]
	}
}
