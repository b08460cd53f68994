// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/internal/ir"
)

// checkCycles reports operators that need all of an input for the tick
// (aggregations, sorts, negations; ir.Node.Blocking) whose input depends on
// their own output within the same tick: such a cycle has no well-defined
// result. Every forward reference must be completed.
func checkCycles(f *ir.Flow, ps *problems) {
	// Only same-tick forward references close such cycles, so start from
	// each of them and walk forward to the nodes fed by it.
	consumers := f.Consumers()
	for _, ref := range f.Nodes {
		if ref.Cycle == nil || ref.Cycle.Delay != ir.NoDelay || ref.Loc.Kind != ir.Tick {
			continue
		}
		// Nodes downstream of ref (same tick), then those among them that
		// lead back to ref's input.
		down := map[*ir.Node]bool{ref: true}
		queue := []*ir.Node{ref}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, c := range consumers[n] {
				if !down[c] && c.Cycle == nil {
					down[c] = true
					queue = append(queue, c)
				}
			}
		}
		onCycle := map[*ir.Node]bool{}
		seen := map[*ir.Node]bool{}
		var back func(n *ir.Node) bool
		back = func(n *ir.Node) bool {
			if n == ref {
				return true
			}
			if seen[n] || !down[n] {
				return onCycle[n]
			}
			seen[n] = true
			for _, in := range n.Inputs {
				if back(in) {
					onCycle[n] = true
				}
			}
			return onCycle[n]
		}
		back(ref.Inputs[0])
		for _, n := range f.Nodes {
			if !onCycle[n] || n.Blocking == 0 {
				continue
			}
			for i, in := range n.Inputs {
				if n.Blocking&(1<<i) != 0 && (onCycle[in] || in == ref) {
					ps.add(n.File, n.Line, "carry the result to the next tick with TickCycle or DeferTick, or move the aggregation out of the cycle",
						"hydro: %s needs all of its input for the tick, but that input depends on its own output within the tick, through the cycle closed by the forward reference at %s", n.Op, ref.Pos())
					break
				}
			}
		}
	}
}
