// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"
)

// Finite declares that the flow finishes: it has nothing to do once every
// source has emitted all it has and every message sent has been received.
// Its shells then stop it: Local.Finish runs it until then, the simulator's
// executions end there, and a deployment (package deploy) stops every node
// and exits with status 0 when all of them are idle and every channel has
// delivered what it was sent.
//
// A finite flow's sources must end by themselves. Compile refuses Finite
// with a source that never does, naming it: a timer (SourceInterval,
// SampleEvery, Timeout), a Go channel (SourceChan), or an external port,
// whose clients may always send more. A flow without Finite runs until it
// is stopped, however idle.
func (f *Flow) Finite() {
	file, line := callSite()
	f.finiteAt = fmt.Sprintf("%s:%d", file, line)
	f.ir.Finite = true
}

// endless are the operators whose input does not end by itself.
var endless = map[string]string{
	"source_interval":   "a timer fires forever",
	"sample_every":      "a timer fires forever",
	"timeout":           "a timer fires forever",
	"source_chan":       "a Go channel may always deliver more",
	"external_in":       "an external port's clients may always send more",
	"external_out":      "an external port's clients may always connect",
	"external_requests": "an external port's clients may always send more",
	"external_events":   "an external port's clients may always connect",
	"external_respond":  "an external port's clients may always send more",
}

// checkFinite refuses a finite flow with a source that never ends.
func (f *Flow) checkFinite() []error {
	if !f.ir.Finite {
		return nil
	}
	var errs []error
	for _, n := range f.ir.Nodes {
		if why, ok := endless[n.Op]; ok {
			errs = append(errs, fmt.Errorf("%s: %s in a flow declared Finite at %s: %s, so the flow would never finish; drop Finite, or the operator",
				n.Pos(), n.Op, f.finiteAt, why))
		}
	}
	return errs
}

// Done reports whether a finite flow (Flow.Finite) has finished: no process
// or member has work left and no message is in flight, so that only a
// push into an Input could start more. It is always false for a flow that
// is not finite, which runs until it is stopped.
func (r *Local) Done() bool { return r.finite && r.run.Idle() }

// Finite reports whether r runs a finite flow (Flow.Finite).
func (r *Local) Finite() bool { return r.finite }

// Finish runs a finite flow until it is Done, and returns how many steps
// that took: rounds of ticks, or under the simulator single steps, as
// RunAvailable counts them. It fails for a flow that is not finite, and for
// one still not done after a million steps (under the simulator, with
// faults, a step may also be a crash, a restart or a partition).
func (r *Local) Finish() (int, error) {
	if !r.finite {
		return 0, fmt.Errorf("hydro: Finish: the flow is not finite (see Flow.Finite)")
	}
	steps := 0
	for !r.Done() {
		if steps >= maxFinishSteps {
			return steps, fmt.Errorf("hydro: Finish: the flow did not finish within %d steps", maxFinishSteps)
		}
		if !r.run.Step() {
			return steps, fmt.Errorf("hydro: Finish: no step is possible, yet the flow is not done")
		}
		steps++
	}
	return steps, nil
}

// maxFinishSteps bounds Finish.
const maxFinishSteps = 1 << 20
