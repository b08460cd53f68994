// SPDX-License-Identifier: Apache-2.0

package sim

import "github.com/hydro-go/hydro"

// Finish steps r, a run of a finite flow (hydro.Flow.Finite), until it is
// done (hydro.Local.Done): no process or member has work left and no
// message is in flight. It checks every invariant after each step, as
// RunAvailable does, and returns the number of steps. It fails the
// execution if the flow is not finite, or if no step is possible while it
// is not done.
func (s *Sim) Finish(r *hydro.Local) int {
	if !r.Finite() {
		s.Fatalf("sim: Finish: the flow is not finite (see hydro.Flow.Finite)")
	}
	steps := 0
	defer func() { s.looping = false }()
	for !r.Done() {
		if !s.step(r) {
			s.Fatalf("sim: Finish: no step is possible, yet the flow is not done")
		}
		s.looping = true
		steps++
	}
	return steps
}
