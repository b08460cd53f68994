// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"strings"

	"github.com/hydro-go/hydro/internal/engine"
)

// Partial-order reduction. Steps at different nodes commute
// (engine.Commutes): taking a then b reaches the state b then a does. So
// once Enumerate has explored every execution that takes a at some point,
// an execution that takes b there instead need not take a before a step
// that does not commute with it: that order was covered. This is Godefroid's
// sleep set. Each step offered at a choice point is asleep if it is in the
// sleep set; the awake ones are the choice. Taking c, the sleep set of what
// follows is every step of the old set, and every awake step explored
// before c at this point (those of lower index: the depth-first order of
// next), that commutes with c. When every possible step is asleep, the
// execution only repeats a state reached before, and it is pruned.
//
// The sleep set holds across the steps of one run of the engine or of the
// Sim's own loops; a step that a scenario takes by hand (r.Step) may follow
// a change of the inputs, and starts afresh.

// pruned is what ChooseStep panics with for an execution that could only
// repeat what another covered.
type pruned struct{}

// chooser is the Sim as the engine sees it: its Choose, and ChooseStep,
// which only the engine calls.
type chooser Sim

var _ engine.StepChooser = (*chooser)(nil)

func (c *chooser) Choose(n int, what string) int { return (*Sim)(c).Choose(n, what) }

func (c *chooser) ChooseStep(steps []engine.Step, fresh bool) int {
	return (*Sim)(c).chooseStep(steps, fresh, nil)
}

// chooseStep chooses the next step of a run: by the script, at random, or
// under enumeration among the steps awake. state, if not nil, hashes the
// run's state (see states.go).
func (s *Sim) chooseStep(steps []engine.Step, fresh bool, state engine.State) int {
	if s.script != nil && len(steps) == 1 {
		s.forced(steps[0].What)
		return 0
	}
	if !s.por {
		if len(steps) == 1 {
			return 0
		}
		return s.Choose(len(steps), stepsWhat(steps, nil))
	}
	if fresh && !s.looping {
		clear(s.sleep)
		if s.states != nil {
			s.segment = s.segmentKey()
		}
	}
	// States on the prefix an execution replays were recorded by the
	// execution it replays: only what follows is new.
	if s.states != nil && state != nil && len(s.choices) >= len(s.prefix) && s.explored(state) {
		panic(pruned{})
	}
	awake := make([]int, 0, len(steps))
	for i, st := range steps {
		if _, asleep := s.sleep[st.Key]; !asleep {
			awake = append(awake, i)
		}
	}
	if len(awake) == 0 {
		panic(pruned{})
	}
	c := 0
	if len(awake) > 1 {
		c = s.Choose(len(awake), stepsWhat(steps, awake))
	}
	taken := steps[awake[c]]
	if s.sleep == nil {
		s.sleep = map[string]engine.Step{}
	}
	for k, st := range s.sleep {
		if !engine.Commutes(st, taken) {
			delete(s.sleep, k)
		}
	}
	for _, j := range awake[:c] {
		if st := steps[j]; engine.Commutes(st, taken) {
			s.sleep[st.Key] = st
		}
	}
	return awake[c]
}

// stepsWhat describes a choice among steps (those of index in only, if
// not nil).
func stepsWhat(steps []engine.Step, only []int) string {
	names := make([]string, 0, len(steps))
	if only == nil {
		for _, st := range steps {
			names = append(names, st.What)
		}
	}
	for _, j := range only {
		names = append(names, steps[j].What)
	}
	return "next step: " + strings.Join(names, " | ")
}
