// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
)

// Local runs a flow inside the calling goroutine, every location's graph in
// turn, on a virtual clock: for tests, examples and embedding. It is a shell
// with no network, so it suits flows whose locations do not talk to each
// other; a simulator and a deployer drive the same compiled graphs otherwise.
//
// A Local is not safe for concurrent use.
type Local struct {
	prog *compile.Program
	now  time.Duration // virtual time since start
	next []time.Duration
}

// NewLocal compiles f (if needed) and returns a fresh running instance of it:
// its own state, inputs and outputs. Nothing runs until RunTick or
// RunAvailable.
func NewLocal(f *Flow) (*Local, error) {
	p, err := f.lower()
	if err != nil {
		return nil, err
	}
	r := &Local{prog: p}
	for _, g := range p.Graphs {
		for _, t := range g.Timers {
			r.next = append(r.next, time.Duration(t.Period))
		}
	}
	return r, nil
}

// MustLocal is NewLocal for examples and tests: it panics on error.
func MustLocal(f *Flow) *Local {
	r, err := NewLocal(f)
	if err != nil {
		panic(err)
	}
	return r
}

// RunTick runs one tick at every location, after taking what is ready on
// the flow's source channels.
func (r *Local) RunTick() {
	for _, g := range r.prog.Graphs {
		feed(g.Feeders)
		g.Graph.RunTick()
	}
}

func feed(feeders []func() bool) bool {
	moved := false
	for _, f := range feeders {
		if f() {
			moved = true
		}
	}
	return moved
}

// RunAvailable runs ticks until no location has pending work and returns how
// many rounds it ran. A flow that schedules work on every tick never settles;
// bound it with RunTicks.
func (r *Local) RunAvailable() int {
	rounds := 0
	for r.pending() {
		r.RunTick()
		rounds++
	}
	return rounds
}

// RunTicks runs n ticks at every location.
func (r *Local) RunTicks(n int) {
	for range n {
		r.RunTick()
	}
}

func (r *Local) pending() bool {
	for _, g := range r.prog.Graphs {
		if feed(g.Feeders) || g.Graph.Pending() {
			return true
		}
	}
	return false
}

// Advance moves the virtual clock forward by d, firing every timer
// (SourceInterval, SampleEvery, Timeout) whose period elapses, then runs
// ticks until the flow settles.
func (r *Local) Advance(d time.Duration) {
	end := r.now + d
	i := 0
	for _, g := range r.prog.Graphs {
		for _, t := range g.Timers {
			for r.next[i] <= end {
				t.Push(int64(r.next[i]))
				r.next[i] += time.Duration(t.Period)
			}
			i++
		}
	}
	r.now = end
	r.RunAvailable()
}

// Now returns the virtual time since the flow started.
func (r *Local) Now() time.Duration { return r.now }

// Graphs returns the compiled dfir graph of every location, for drawing and
// statistics.
func (r *Local) Graphs() []*dfir.Graph {
	gs := make([]*dfir.Graph, len(r.prog.Graphs))
	for i, g := range r.prog.Graphs {
		gs[i] = g.Graph
	}
	return gs
}

func (r *Local) handle(h any) any {
	v, ok := r.prog.Handles[h]
	if !ok {
		panic(fmt.Sprintf("hydro: %T does not belong to this flow", h))
	}
	return v
}
