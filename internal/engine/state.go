// SPDX-License-Identifier: Apache-2.0

package engine

import (
	"encoding/binary"
	"hash/maphash"

	"github.com/hydro-go/hydro/internal/ir"
)

// StateChooser is a StepChooser that may skip states it has explored
// before: the run then calls ChooseStepIn instead of ChooseStep, with a
// function that hashes the run's state. Two runs of one flow, under one
// configuration, whose states hash alike take the same steps and make the
// same choices from then on, given the same chooser's answers.
type StateChooser interface {
	StepChooser
	// ChooseStepIn is ChooseStep, told the run's state, which state
	// writes on demand.
	ChooseStepIn(steps []Step, fresh bool, state State) int
}

// State is a stepped run's state, as a hash may take it.
type State interface {
	// WriteState writes the state into h and reports false when the run
	// holds state it cannot see (a ForEach or Inspect, whose effects leave
	// the flow; a Go channel source, which holds what it was sent; an
	// external port; a RoundRobin's turn): equal hashes then say nothing.
	WriteState(h *maphash.Hash) bool
}

var _ State = (*Run)(nil)

// chooseStep asks sc for the next step, with the run's state if sc wants
// it.
func (r *Run) chooseStep(sc StepChooser, steps []Step) int {
	if st, ok := sc.(StateChooser); ok {
		return st.ChooseStepIn(steps, !r.continuing, r)
	}
	return sc.ChooseStep(steps, !r.continuing)
}

// WriteState writes into h what a stepped run's future depends on: the
// virtual clock and the timers' next firings; the faults still allowed,
// the nodes down, the pairs cut and how late each batch is; every node's
// graph state (dfir's Graph.WriteState: inputs, deferred items, operator
// state, undrained outputs); and every message waiting in the network, in
// its order. Message sequence numbers and the trace are left out: they
// describe how the run got here, not where it is. It reports false when
// the flow holds state it cannot see (see StateChooser), and for a run
// without a chooser.
func (r *Run) WriteState(h *maphash.Hash) bool {
	s := r.step
	if s == nil {
		return false
	}
	ok := true
	for _, f := range r.flows {
		for _, n := range f.Nodes {
			if n.Net != nil && n.Net.Route == ir.RoundRobin {
				ok = false // its turn lives in the sending closure
			}
		}
	}
	var b []byte
	u := func(x uint64) { b = binary.LittleEndian.AppendUint64(b, x) }
	str := func(x string) { u(uint64(len(x))); b = append(b, x...) }
	flag := func(x bool) {
		if x {
			u(1)
		} else {
			u(0)
		}
	}
	u(uint64(r.now))
	for _, t := range r.next {
		u(uint64(t))
	}
	u(uint64(s.crashes))
	u(uint64(s.partitions))
	u(uint64(s.losses))
	u(uint64(s.duplicates))
	for v, f := range r.flows {
		for _, n := range f.Nodes {
			if k := s.held[n]; k != 0 {
				u(uint64(v))
				u(uint64(n.ID))
				u(uint64(k))
			}
		}
	}
	for i, a := range r.prog.Graphs {
		flag(s.down[NodeName(a.Dest)])
		for _, c := range r.prog.Graphs[i+1:] {
			flag(s.cut[pair(a.Dest, c.Dest)])
		}
	}
	for _, m := range s.net.Queued() {
		str(m.From)
		str(m.To)
		u(uint64(m.Frame.Channel))
		u(uint64(m.Frame.Sender))
		u(uint64(len(m.Frame.Payload)))
		b = append(b, m.Frame.Payload...)
	}
	u(uint64(len(s.net.Held())))
	h.Write(b)
	for _, g := range r.prog.Graphs {
		if len(g.Feeders) > 0 || len(g.Ports) > 0 {
			ok = false
		}
		if !g.Graph.WriteState(h) {
			ok = false
		}
	}
	return ok
}
