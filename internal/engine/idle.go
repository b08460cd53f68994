// SPDX-License-Identifier: Apache-2.0

package engine

// Idle reports whether nothing is left to do but what new input or a timer
// would start: no live node has work (what its feeders bring in included)
// and, when stepped, no message waits in a channel. Fault steps (crash,
// restart, partition) do not count: they are not the flow's work.
func (r *Run) Idle() bool {
	for _, g := range r.prog.Graphs {
		if r.step != nil && r.step.down[NodeName(g.Dest)] {
			continue
		}
		if feed(g.Feeders) || g.Graph.Pending() {
			return false
		}
	}
	return r.step == nil || len(r.step.net.InFlight()) == 0
}
