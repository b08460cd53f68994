// SPDX-License-Identifier: Apache-2.0

package dfir

import "fmt"

// Tee copies every item to n outputs, in order.
func Tee[T any](in Port[T], n int) []Port[T] {
	g := in.node().g
	nd := g.newNode("tee", 1, max(n, 1), nil, 0)
	if n < 1 {
		g.errorf("%v: needs at least one output, got %d", nd, n)
		n = 1
	}
	connect(in, nd, 0)
	nd.wire = func() {
		downs := make([]func([]T), n)
		for i := range downs {
			downs[i] = sink[T](nd, i)
		}
		if n == 1 {
			setIn(nd, 0, downs[0])
			return
		}
		var scratch []T
		setIn(nd, 0, func(b []T) {
			// Each consumer may rewrite its batch, so all but the last get
			// a copy.
			for _, d := range downs[:n-1] {
				scratch = append(scratch[:0], b...)
				d(scratch)
			}
			downs[n-1](b)
		})
	}
	outs := make([]Port[T], n)
	for i := range outs {
		outs[i] = output[T](nd, i)
	}
	return outs
}

// Union merges its inputs into one stream. Items keep their order within each
// input; the interleaving of inputs follows the order their producers run.
func Union[T any](ins ...Port[T]) Port[T] {
	if len(ins) == 0 {
		panic("dfir: Union needs at least one input")
	}
	n := ins[0].node().g.newNode("union", len(ins), 1, nil, 0)
	for i, in := range ins {
		connect(in, n, i)
	}
	n.forwards = true
	n.wire = func() {
		down := sink[T](n, 0)
		for i := range ins {
			setIn(n, i, down)
		}
	}
	return output[T](n, 0)
}

// Partition splits its input by a predicate: the items for which pred is true
// go to the first output, the others to the second.
func Partition[T any](in Port[T], pred func(T) bool) (yes, no Port[T]) {
	nd := in.node().g.newNode("partition", 1, 2, nil, 0)
	connect(in, nd, 0)
	nd.wire = func() {
		y, n := newEmitter(nd, sink[T](nd, 0)), newEmitter(nd, sink[T](nd, 1))
		setIn(nd, 0, func(b []T) {
			for _, v := range b {
				if pred(v) {
					y.add(v)
				} else {
					n.add(v)
				}
			}
		})
	}
	return output[T](nd, 0), output[T](nd, 1)
}

// PartitionN splits its input n ways: each item goes to the output whose
// index f returns. An index outside [0, n) is a programming error and panics
// naming the operator.
//
// Where two outputs meet again before any handoff (a Union of the branches,
// a sink they share), the items reach the meeting point in input order, as
// DFIR, which pushes each item on at once, delivers them. The outputs are
// then flushed at every change of output, so batches are shorter; outputs
// that never meet keep full batches. Branches that meet only past handoffs
// (each its own, drained in turn) are not ordered, in DFIR either.
// Partition does not order its branches: they are flushed in turn.
func PartitionN[T any](in Port[T], n int, f func(T) int) []Port[T] {
	return route(in, "partition_n", n, func(v T) (int, T) { return f(v), v })
}

// Demux routes each item to one of n outputs, transformed: f returns the
// output's index and the value to emit there. An index outside [0, n) is a
// programming error and panics naming the operator. Outputs that meet again
// keep the input's order, as PartitionN's do.
//
// A Demux with no outputs (n == 0) is a sink, as a DFIR demux with no
// outputs is: f is called on every item, for its effects, and the item is
// dropped.
func Demux[T, U any](in Port[T], n int, f func(T) (int, U)) []Port[U] {
	if n == 0 {
		return demuxNone(in, f)
	}
	return route(in, "demux", n, f)
}

// DemuxTagged sends each tagged value to the output its tag names. With no
// outputs it drops every value, as Demux does.
func DemuxTagged[T any](in Port[Tagged[T]], n int) []Port[T] {
	f := func(t Tagged[T]) (int, T) { return t.Tag, t.Val }
	if n == 0 {
		return demuxNone(in, f)
	}
	return route(in, "demux", n, f)
}

func demuxNone[T, U any](in Port[T], f func(T) (int, U)) []Port[U] {
	nd := in.node().g.newNode("demux", 1, 0, nil, 0)
	connect(in, nd, 0)
	nd.wire = func() {
		setIn(nd, 0, func(b []T) {
			for _, v := range b {
				f(v)
			}
		})
	}
	return nil
}

func route[T, U any](in Port[T], op string, n int, f func(T) (int, U)) []Port[U] {
	g := in.node().g
	nd := g.newNode(op, 1, max(n, 1), nil, 0)
	if n < 1 {
		g.errorf("%v: needs at least one output, got %d", nd, n)
		n = 1
	}
	connect(in, nd, 0)
	nd.order = &orderPlan{}
	nd.wire = func() {
		ems := make([]*emitter[U], n)
		for i := range ems {
			ems[i] = newEmitter(nd, sink[U](nd, i))
		}
		ord := nd.order
		last := -1
		setIn(nd, 0, func(b []T) {
			if ord.meet {
				routeOrdered(nd, b, f, ems, &last)
				return
			}
			for _, v := range b {
				i, u := f(v)
				if uint(i) >= uint(n) {
					panic(fmt.Sprintf("dfir: %v: output index %d out of range [0, %d)", nd, i, n))
				}
				ems[i].add(u)
			}
		})
	}
	outs := make([]Port[U], n)
	for i := range outs {
		outs[i] = output[U](nd, i)
	}
	return outs
}

// routeOrdered is route's loop when outputs meet again: before an item goes
// to another output than the last one, what the last output gathered is
// pushed all the way to where the branches meet, so that they see the items
// in input order.
func routeOrdered[T, U any](nd *node, b []T, f func(T) (int, U), ems []*emitter[U], last *int) {
	for _, v := range b {
		i, u := f(v)
		if uint(i) >= uint(len(ems)) {
			panic(fmt.Sprintf("dfir: %v: output index %d out of range [0, %d)", nd, i, len(ems)))
		}
		if i != *last && *last >= 0 {
			ems[*last].flush()
			for _, fl := range nd.order.flushers {
				fl()
			}
		}
		*last = i
		ems[i].add(u)
	}
}
