// SPDX-License-Identifier: Apache-2.0

package dfir

// DeferTick holds its input until the next tick: what arrives in tick t is
// emitted in tick t+1, and its arrival asks for that tick (see Pending). A
// cycle through DeferTick carries state from tick to tick; it is never a
// fixpoint cycle, so negation and aggregation may sit on it.
func DeferTick[T any](in Port[T]) Port[T] { return deferTick(in, "defer_tick", edgeTick) }

// DeferTickLazy is DeferTick without asking for a tick: the data waits for
// the next tick that something else causes.
func DeferTickLazy[T any](in Port[T]) Port[T] {
	return deferTick(in, "defer_tick_lazy", edgeTickLazy)
}

func deferTick[T any](in Port[T], op string, kind edgeKind) Port[T] {
	n := in.node().g.newNode(op, 1, 1, nil, 0)
	connect(in, n, 0)
	if e := n.ins[0]; e != nil {
		e.delay = kind
	}
	n.forwards = true
	n.wire = func() { setIn(n, 0, sink[T](n, 0)) }
	return output[T](n, 0)
}

// NextStratum passes its input on unchanged, in a later stratum than every
// producer of it: everything downstream sees the whole of it within the tick.
func NextStratum[T any](in Port[T]) Port[T] {
	n := in.node().g.newNode("next_stratum", 1, 1, nil, 0)
	connect(in, n, 0)
	// NB: the input passes after the stratum's loads and replays (see
	// RunTick), not among the loads: passing items on while the stratum
	// loads would let them reach a Difference whose negative input is not
	// loaded yet, or overtake a Persist's replay.
	n.blocking[0], n.passes[0] = true, true
	n.forwards = true
	n.wire = func() { setIn(n, 0, sink[T](n, 0)) }
	return output[T](n, 0)
}

// Persist stores every item and emits, every tick, all the items received in
// earlier ticks followed by the tick's own: DFIR's persist::<'static>.
func Persist[T any](in Port[T]) Port[T] {
	n := in.node().g.newNode("persist", 1, 1, nil, 0)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[T](n, 0)
		var kept, scratch []T
		old := 0
		n.keep(&kept, &old)
		setIn(n, 0, func(b []T) {
			kept = append(kept, b...)
			down(b)
		})
		n.onReplay(func() int {
			for i := 0; i < old; i += batchSize {
				scratch = append(scratch[:0], kept[i:min(i+batchSize, old)]...)
				down(scratch)
			}
			return old
		})
		n.onTickEnd(func() { old = len(kept) })
	}
	return output[T](n, 0)
}

// Cycle is a port used before the operator that feeds it exists: the way to
// build a loop. Close it with that operator's port before compiling.
type Cycle[T any] struct {
	n *node
}

// NewCycle returns a cycle and the port it emits on.
func NewCycle[T any](g *Graph) (*Cycle[T], Port[T]) {
	n := g.newNode("cycle", 1, 1, nil, 0)
	n.forwards = true
	n.wire = func() { setIn(n, 0, sink[T](n, 0)) }
	return &Cycle[T]{n: n}, output[T](n, 0)
}

// Close feeds p into the cycle. A cycle is closed exactly once, and not with
// its own port: a cycle that only feeds itself carries nothing.
func (c *Cycle[T]) Close(p Port[T]) {
	file, line := callSite()
	switch {
	case c.n.ins[0] != nil:
		c.n.g.errorf("%v: closed twice, again at %s:%d", c.n, file, line)
		return
	case p.node() == c.n:
		// Connect all the same, so that this is the only problem reported.
		c.n.g.errorf("%v: closed with its own output at %s:%d; close it with the port of the operator that feeds it", c.n, file, line)
	}
	connect(p, c.n, 0)
}
