// SPDX-License-Identifier: Apache-2.0

package dfir

// An Observer is told when each operator of a graph starts and stops
// working, so that a shell can time its operators or label its profiles by
// them: the graph itself reads no clock.
//
// Enter(op) comes before an operator works on a batch or emits what it
// holds, and Exit(op) after, with the operator's id as in
// OperatorStats.ID. The calls nest: an operator pushing a batch to the
// next one of its subgraph calls it directly, so Enter(next) and
// Exit(next) come between its own Enter and Exit, and the same operator
// may be entered again inside itself (a handoff's drain, then its input).
// Time between an operator's Enter and Exit not spent inside a nested pair
// is that operator's own. Both are called on the goroutine running the
// tick, and must not use the graph.
type Observer interface {
	Enter(op int)
	Exit(op int)
}

// Observe makes the graph tell o about every operator's work from the next
// batch on; nil stops it. It costs a check per batch and operator when no
// Observer is set.
func (g *Graph) Observe(o Observer) { g.obs = o }

// observed wraps an operator's flusher to tell the Observer.
func (n *node) observed(f func()) func() {
	g := n.g
	return func() {
		if o := g.obs; o != nil {
			o.Enter(n.id)
			f()
			o.Exit(n.id)
			return
		}
		f()
	}
}

// enter runs an entry, telling the Observer when it is an operator's own
// work.
func (g *Graph) enter(e entry) int {
	if o := g.obs; o != nil && e.node != nil {
		o.Enter(e.node.id)
		k := e.run()
		o.Exit(e.node.id)
		return k
	}
	return e.run()
}
