// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/mem"
)

// Local runs a whole flow inside the calling goroutine on a virtual clock:
// every process, every member of every cluster, with messages between them
// encoded and delivered in memory after each round of ticks. It is the
// shell for tests, examples and embedding; a deployment drives the same
// compiled graphs over TCP, and a simulator explores their choices.
//
// A Local is not safe for concurrent use.
type Local struct {
	prog   *compile.Program
	byDest map[ir.Dest]*compile.Graph
	byName map[string]*compile.Graph // by node name, under a chooser
	now    time.Duration             // virtual time since start
	next   []time.Duration
	step   *stepper // set under a chooser
	// To restart a crashed node, its location is lowered again.
	flow *Flow
	env  compile.Env
	// ports holds the in-memory clients of external ports (LocalClient).
	ports map[*ir.PortBinding]*localPort
}

// LocalOption configures a Local.
type LocalOption func(*localConfig)

type localConfig struct {
	sizes      map[*ir.Location]int
	byName     map[string]int
	chooser    Chooser
	crashes    int
	crashable  []*ir.Location
	partitions int
	stale      bool
	losses     int
	duplicates int
}

// Size runs n members of cluster c (the default is 1).
func Size[Tag any](c *Cluster[Tag], n int) LocalOption {
	return func(cfg *localConfig) { cfg.sizes[c.l] = n }
}

// SizeOf runs n members of every cluster tagged Tag: for flows built by a
// function that keeps its clusters to itself.
func SizeOf[Tag any](n int) LocalOption {
	return func(cfg *localConfig) { cfg.byName[tagName[Tag]()] = n }
}

// NewLocal compiles f (if needed) and returns a fresh running instance of it:
// its own state, inputs and outputs. Nothing runs until RunTick or
// RunAvailable.
func NewLocal(f *Flow, opts ...LocalOption) (*Local, error) {
	cfg := localConfig{sizes: map[*ir.Location]int{}, byName: map[string]int{}}
	for _, o := range opts {
		o(&cfg)
	}
	size := func(l *ir.Location) int {
		if n, ok := cfg.sizes[l]; ok {
			return n
		}
		if n, ok := cfg.byName[l.Name]; ok {
			return n
		}
		return 1
	}
	env := compile.Env{Size: size}
	var r *Local
	var st *stepper
	if cfg.chooser != nil {
		st = &stepper{c: cfg.chooser, net: mem.NewNetwork(transport.DefaultLimits, mem.Hooks{}), held: map[*ir.Node]int{}, free: true, crashes: cfg.crashes, crashable: cfg.crashable, down: map[ir.Dest]bool{},
			partitions: cfg.partitions, cut: map[[2]ir.Dest]bool{}}
		env.Members = func(l *ir.Location) []uint32 { return r.liveMembers(l) }
		st.lossy, st.losses, st.duplicates = map[uint32]bool{}, cfg.losses, cfg.duplicates
		for _, n := range f.ir.Nodes {
			if n.NonDet != "" {
				st.free = false
			}
			if n.Net != nil && n.Net.Lossy {
				st.lossy[n.Net.Channel] = true
			}
		}
		env.Decide = st.decide
		if cfg.stale {
			env.Stale = st.stale
		}
	}
	p, err := f.lower(env)
	if err != nil {
		return nil, err
	}
	r = &Local{prog: p, byDest: map[ir.Dest]*compile.Graph{}, byName: map[string]*compile.Graph{}, step: st, flow: f, env: env}
	for _, g := range p.Graphs {
		r.byDest[g.Dest] = g
		r.byName[nodeName(g)] = g
		for _, t := range g.Timers {
			r.next = append(r.next, time.Duration(t.Period))
		}
		for _, m := range g.Membership {
			for i := range size(m.Cluster) {
				m.Push(uint32(i), true)
			}
		}
	}
	return r, nil
}

// MustLocal is NewLocal for examples and tests: it panics on error.
func MustLocal(f *Flow, opts ...LocalOption) *Local {
	r, err := NewLocal(f, opts...)
	if err != nil {
		panic(err)
	}
	return r
}

// RunTick runs one tick at every process and member, after taking what is
// ready on the flow's source channels, then sends the messages the ticks
// sent: without a chooser they arrive for the receivers' next ticks; with
// one they wait in their channels for delivery steps.
func (r *Local) RunTick() {
	for _, g := range r.prog.Graphs {
		feed(g.Feeders)
		g.Graph.RunTick()
	}
	for _, g := range r.prog.Graphs {
		r.flush(g)
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

// RunAvailable runs until no process or member has pending work, and
// returns how many steps that took: rounds of ticks, or under a chooser
// single ticks and deliveries. A flow that schedules work on every tick
// never settles; bound it with RunTicks (under a chooser RunAvailable panics
// after a million steps).
func (r *Local) RunAvailable() int {
	steps := 0
	for r.Step() {
		if steps++; r.step != nil && steps > maxSteps {
			panic(fmt.Sprintf("hydro: the flow did not settle within %d steps", maxSteps))
		}
	}
	return steps
}

// RunTicks runs n rounds of ticks.
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
// until the flow settles. Under a chooser each firing is a step of its own,
// interleaved with the others as the chooser decides.
func (r *Local) Advance(d time.Duration) {
	r.now += d
	if r.step == nil {
		r.forDueTimers(func(_ *compile.Graph, fire func()) { fire() })
	}
	r.RunAvailable()
}

// forDueTimers calls f for every timer firing due by now, in order per
// timer; fire pushes the event and schedules the next.
func (r *Local) forDueTimers(f func(g *compile.Graph, fire func())) {
	i := 0
	for _, g := range r.prog.Graphs {
		for _, t := range g.Timers {
			j := i
			for r.next[j] <= r.now {
				due := r.next[j]
				fired := false
				f(g, func() {
					t.Push(int64(due))
					r.next[j] += time.Duration(t.Period)
					fired = true
				})
				if !fired {
					break
				}
			}
			i++
		}
	}
}

// Now returns the virtual time since the flow started.
func (r *Local) Now() time.Duration { return r.now }

// Graphs returns the compiled dfir graph of every process and member, for
// drawing and statistics.
func (r *Local) Graphs() []*dfir.Graph {
	gs := make([]*dfir.Graph, len(r.prog.Graphs))
	for i, g := range r.prog.Graphs {
		gs[i] = g.Graph
	}
	return gs
}

// handles returns what h drives in every process or member that has it.
func (r *Local) handles(h any) []any {
	var out []any
	for _, g := range r.prog.Graphs {
		if v, ok := g.Handles[h]; ok {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		panic(fmt.Sprintf("hydro: %T does not belong to this flow", h))
	}
	return out
}

// handle returns what h drives in member m of its location (0 for a process).
func (r *Local) handle(h any, m int) any {
	hs := r.handles(h)
	if m < 0 || m >= len(hs) {
		panic(fmt.Sprintf("hydro: %T: no member %d (there are %d)", h, m, len(hs)))
	}
	return hs[m]
}
