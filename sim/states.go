// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"encoding/binary"
	"hash/maphash"

	"github.com/hydro-go/hydro/internal/engine"
)

// State hashing. Exhaustive search re-runs the scenario from the start for
// every execution, and different executions often reach one state by
// different paths: a shard that took its key one tick late is where it
// would have been had it taken it at once, and a front that received two
// reports in one tick or in two holds the same counts. Before each step the
// Sim hashes where the run stands (engine.Run.WriteState: every node's
// state and every message in flight) and stops an execution that reaches a
// state explored before: what can follow was explored then.
//
// Where a run stands includes the scenario itself: the code around the
// Local, which is not state the Sim can read. Within one call of
// RunAvailable (the Sim's or the Local's) the scenario does nothing but
// wait, so what it does next depends on where it stood when the call began
// and on the state the call ends in. Where it stood is a function of the
// choices made before the call, since an execution is a function of its
// choices. So a state is known by the pair (the choices before the run of
// steps it belongs to, the run's state); a step the scenario takes by hand
// (r.Step) starts a run of its own.
//
// Combined with sleep sets (por.go): a state explored with sleep set Z did
// not explore the steps in Z from there. Reaching it again with sleep set
// Z' may be skipped only if Z ⊆ Z' (Godefroid's condition); otherwise the
// execution goes on, and the state is recorded with Z ∩ Z', what has now
// been explored from it.
//
// NB: the flow's functions are taken to be pure, as for the reduction: a
// closure that keeps state of its own hides it from the hash. A flow whose
// state the engine cannot see (ForEach, Inspect, a Go channel source, an
// external port, RoundRobin) is explored without state hashing. The value
// RunAvailable returns (the number of steps) is left out too: a scenario
// must not branch on it.

// states is what an exhaustive search has explored, shared by its
// executions.
type states struct {
	seed maphash.Seed
	// seen maps a state's key to the sleep set it was explored with, as
	// the intersection over its visits.
	seen map[uint64][]string
	// skipped counts the executions stopped at a state explored before.
	skipped int
}

func newStates() *states {
	return &states{seed: maphash.MakeSeed(), seen: map[uint64][]string{}}
}

func (c *chooser) ChooseStepIn(steps []engine.Step, fresh bool, state engine.State) int {
	return (*Sim)(c).chooseStep(steps, fresh, state)
}

var _ engine.StateChooser = (*chooser)(nil)

// segmentKey hashes the choices made so far: at the first step of a run
// of steps, where the scenario stands.
func (s *Sim) segmentKey() uint64 {
	var h maphash.Hash
	h.SetSeed(s.states.seed)
	var b [16]byte
	for _, c := range s.choices {
		binary.LittleEndian.PutUint64(b[:8], uint64(c.n))
		binary.LittleEndian.PutUint64(b[8:], uint64(c.chose))
		h.Write(b[:])
	}
	return h.Sum64()
}

// explored reports whether the run's state, in the current run of steps,
// was explored before with a sleep set within the current one; it records
// the state otherwise.
func (s *Sim) explored(state engine.State) bool {
	var h maphash.Hash
	h.SetSeed(s.states.seed)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], s.segment)
	h.Write(b[:])
	if !state.WriteState(&h) {
		return false
	}
	key := h.Sum64()
	old, ok := s.states.seen[key]
	if !ok {
		z := make([]string, 0, len(s.sleep))
		for k := range s.sleep {
			z = append(z, k)
		}
		s.states.seen[key] = z
		return false
	}
	kept := old[:0]
	for _, k := range old {
		if _, asleep := s.sleep[k]; asleep {
			kept = append(kept, k)
		}
	}
	if len(kept) == len(old) {
		s.states.skipped++
		return true
	}
	s.states.seen[key] = kept
	return false
}
