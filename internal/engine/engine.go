// SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/mem"
)

// Chooser makes the non-deterministic choices of a stepped run: which step
// comes next, where a batch ends, how stale a snapshot is. The simulator
// implements it from a seed or by enumeration.
type Chooser interface {
	// Choose returns a number in [0, n), n ≥ 1, for the choice point what
	// describes.
	Choose(n int, what string) int
}

// ClaimError is what a run with Config.CheckClaims panics with when an
// aggregation's claim is false.
type ClaimError = compile.ClaimError

// Step is one of the steps a stepped run may take next, described for a
// chooser that reasons about which steps commute (partial-order
// reduction) or follows a script.
type Step struct {
	// What describes the step for traces: "tick Leader", "deliver Leader →
	// Worker/0 (channel 3, 12 bytes)", "crash Worker/1".
	What string
	// Key names the step across choice points: a step offered later with
	// the same key is the same step, provided no step at its Node ran in
	// between.
	Key string
	// Node is the node whose state the step changes: the one that ticks,
	// whose timer fires, or that receives a delivery.
	Node string
	// Fault marks a crash, restart, partition, heal, loss or duplication,
	// which may change any node's state.
	Fault bool
}

// Commutes reports whether taking a then b leaves the run where taking b
// then a would, neither disabling the other: steps at different nodes that
// are not faults. (A tick that sends to another node only appends to the
// channel whose head a delivery takes.)
//
// NB: this holds for the flow's own state. Closures that nodes share in the
// test's process (two ForEach calls appending to one slice) see an order
// the flow does not promise, and which a deployment does not either.
func Commutes(a, b Step) bool { return !a.Fault && !b.Fault && a.Node != b.Node }

// StepChooser is a Chooser that chooses the run's steps itself: the run
// then calls ChooseStep for every step, also when only one is possible,
// and Choose for the choices inside a step (batches, snapshots).
type StepChooser interface {
	Chooser
	// ChooseStep returns the index in steps (one or more) of the step to
	// take. fresh is set when the step is not the continuation of a run of
	// steps the engine took on its own (RunAvailable, Advance): the caller
	// may have changed the flow's inputs since the last step.
	ChooseStep(steps []Step, fresh bool) int
}

// Faults are the failures a stepped run may inject, each as a step the
// Chooser can pick. A run without a Chooser ignores them.
type Faults struct {
	// Crashes is how many nodes may crash; Crashable, if not empty,
	// limits crashes to the nodes of those locations.
	Crashes   int
	Crashable []*ir.Location
	// Durable locations keep their state across a crash, as if it were on
	// disk: a crash loses only what was in flight.
	Durable []*ir.Location
	// Partitions is how many times the network between two nodes may be
	// cut.
	Partitions int
	// Losses and Duplicates are how many messages on lossy channels may be
	// lost, or delivered twice.
	Losses, Duplicates int
	// Stale lets each Snapshot show any of the versions of the last two
	// ticks, never older than what it showed before; the value before any
	// input counts as the version of a tick before the first (see start).
	Stale bool
}

// Config is how a run lowers and drives its flow.
type Config struct {
	// Size returns how many members a cluster has; 1 if nil.
	Size func(l *ir.Location) int
	// Chooser, if set, makes the run stepped (see Step).
	Chooser Chooser
	// Faults are the failures a stepped run may inject.
	Faults Faults
	// WholeArrivals keeps the items pushed into an input together in one
	// tick under a Chooser; without it the chooser splits them (see
	// compile.Env.Arrive).
	WholeArrivals bool
	// CheckClaims makes the aggregations test the claims made of their
	// functions on the items they see; a false one panics with a
	// *ClaimError out of the step that found it.
	CheckClaims bool
	// Output, if set, names the operator an output handle drains, for the
	// trace of a stepped run: ok is false for a handle that is not an
	// output whose items the trace should show.
	Output func(handle any) (n *ir.Node, ok bool)
	// Assign says which of NewVersions' flows the nodes run: a node no
	// Assign names runs the first flow that has its location.
	Assign []Assign
}

// Assign says that members Members of the process or cluster Loc (all of
// them, if Members is empty) run the flow Loc belongs to.
type Assign struct {
	Loc     *ir.Location
	Members []uint32
}

// Run is one running instance of a flow: its own state, inputs and outputs.
// A Run is not safe for concurrent use.
type Run struct {
	prog   *compile.Program
	byDest map[compile.Dest]*compile.Graph
	byName map[string]*compile.Graph // by node name, when stepped
	now    time.Duration             // virtual time since start
	next   []time.Duration
	step   *stepper // set when stepped
	// continuing is set while RunAvailable takes its second step and
	// those after it: no input can have changed since the last.
	continuing bool
	// To restart a crashed node, its location is lowered again, from the
	// flow it runs (flows[version[name]]).
	flows   []*ir.Flow
	version map[string]int
	env     compile.Env
	cfg     Config
}

// New lowers f, which must have passed the language's checks, and returns a
// fresh run of it. Nothing runs until RunTick, RunAvailable or Step.
func New(f *ir.Flow, cfg Config) (*Run, error) { return NewVersions([]*ir.Flow{f}, cfg) }

// NewVersions is New for several builds of one program side by side, the
// versions of a rolling upgrade: each process and cluster member runs one
// of the flows, as cfg.Assign says, and the nodes know each other by name
// (a process's, or a cluster's and the member's index), whichever flow
// they run. A message reaches the channel of the same id at its receiver
// (named channels agree across builds: see ir.ChannelID); one for a
// channel the receiver's flow does not have is dropped, as a deployed node
// drops it, and one the receiver cannot decode panics with an
// *IncompatibleError. A cluster has the members cfg.Size gives it in any
// flow, whichever flow each runs.
func NewVersions(flows []*ir.Flow, cfg Config) (*Run, error) {
	if cfg.Size == nil {
		cfg.Size = func(*ir.Location) int { return 1 }
	}
	cfg.Size = compile.Sized(cfg.Size)
	env := compile.Env{Size: cfg.Size, CheckClaims: cfg.CheckClaims}
	r := &Run{byDest: map[compile.Dest]*compile.Graph{}, byName: map[string]*compile.Graph{}, flows: flows, version: map[string]int{}, cfg: cfg}
	if cfg.Chooser != nil {
		fl := cfg.Faults
		st := &stepper{c: cfg.Chooser, net: mem.NewNetwork(transport.DefaultLimits, mem.Hooks{}), held: map[*ir.Node]int{}, free: true,
			crashes: fl.Crashes, durable: map[string]bool{}, down: map[string]bool{},
			partitions: fl.Partitions, cut: map[[2]string]bool{}, lossy: map[uint32]bool{}, losses: fl.Losses, duplicates: fl.Duplicates}
		for _, l := range fl.Durable {
			st.durable[l.Name] = true
		}
		for _, l := range fl.Crashable {
			st.crashable = append(st.crashable, l.Name)
		}
		env.Members = r.liveMembers
		for _, f := range flows {
			for _, n := range f.Nodes {
				if n.NonDet != "" {
					st.free = false
				}
				if n.Net != nil && n.Net.Lossy {
					st.lossy[n.Net.Channel] = true
				}
			}
		}
		env.Decide = st.decide
		env.Pick = st.pick
		env.Order = st.order
		if !st.free && !cfg.WholeArrivals {
			// A flow without NonDet computes the same whatever the
			// ticks its inputs arrive in.
			env.Arrive = st.arrive
		}
		if fl.Stale {
			env.Stale = st.stale
		}
		r.step = st
	}
	r.env = env
	p, err := r.lower()
	if err != nil {
		return nil, err
	}
	r.prog = p
	if r.step != nil && len(flows) > 1 {
		vs := make([]string, len(p.Graphs))
		for i, g := range p.Graphs {
			vs[i] = fmt.Sprintf("%s runs %d", NodeName(g.Dest), r.version[NodeName(g.Dest)])
		}
		r.step.trace = append(r.step.trace, "versions: "+strings.Join(vs, ", "))
	}
	for _, g := range p.Graphs {
		r.byDest[g.Dest] = g
		r.byName[NodeName(g.Dest)] = g
		r.start(g)
		for _, t := range g.Timers {
			r.next = append(r.next, time.Duration(t.Period))
		}
		for _, m := range g.Membership {
			for i := range cfg.Size(m.Cluster) {
				m.Push(uint32(i), true)
			}
		}
	}
	return r, nil
}

// start runs a first tick at g before any input, membership event or
// timer reaches it, when snapshots may be stale: the versions a Snapshot
// may show then start from the value its singleton has before any input
// (Hydro's quickstart counter reads 0 after increments were sent), not from
// the value of the first tick that had input.
func (r *Run) start(g *compile.Graph) {
	if r.step == nil || !r.cfg.Faults.Stale {
		return
	}
	r.step.trace = append(r.step.trace, "start "+NodeName(g.Dest)+": a tick before any input")
	g.Graph.RunTick()
	r.flush(g)
}

// Program returns the run's lowered graphs. A restart after a crash
// replaces a node's graph in place.
func (r *Run) Program() *compile.Program { return r.prog }

// Stepped reports whether the run has a Chooser.
func (r *Run) Stepped() bool { return r.step != nil }

// NodeName names a process ("Leader") or a cluster member ("Worker/2"), as
// traces and deployments do.
func NodeName(d compile.Dest) string {
	if d.Loc.Kind == ir.Cluster {
		return fmt.Sprintf("%s/%d", d.Loc.Name, d.Member)
	}
	return d.Loc.Name
}

// RunTick runs one tick at every process and member, after taking what is
// ready on the flow's source channels, then sends the messages the ticks
// sent: without a chooser they arrive for the receivers' next ticks; with
// one they wait in their channels for delivery steps.
func (r *Run) RunTick() {
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

// MaxSteps bounds RunAvailable when stepped: a flow that never settles is a
// bug the run should report, not hang on.
const MaxSteps = 1 << 20

// RunAvailable runs until no process or member has pending work, and
// returns how many steps that took: rounds of ticks, or when stepped single
// steps. A flow that schedules work on every tick never settles; bound it
// with RunTicks (a stepped run panics after MaxSteps).
func (r *Run) RunAvailable() int {
	steps := 0
	defer func() { r.continuing = false }()
	for r.Step() {
		r.continuing = true
		if steps++; r.step != nil && steps > MaxSteps {
			panic(fmt.Sprintf("hydro: the flow did not settle within %d steps", MaxSteps))
		}
	}
	return steps
}

// RunTicks runs n rounds of ticks.
func (r *Run) RunTicks(n int) {
	for range n {
		r.RunTick()
	}
}

func (r *Run) pending() bool {
	for _, g := range r.prog.Graphs {
		if feed(g.Feeders) || g.Graph.Pending() {
			return true
		}
	}
	return false
}

// Advance moves the virtual clock forward by d, firing every timer whose
// period elapses, then runs until the flow settles. When stepped, each
// firing is a step of its own, interleaved with the others as the chooser
// decides.
func (r *Run) Advance(d time.Duration) {
	r.now += d
	if r.step == nil {
		r.forDueTimers(func(_ *compile.Graph, _ compile.Timer, fire func()) { fire() })
	}
	r.RunAvailable()
}

// forDueTimers calls f for every timer firing due by now, in order per
// timer; fire pushes the event and schedules the next.
func (r *Run) forDueTimers(f func(g *compile.Graph, t compile.Timer, fire func())) {
	i := 0
	for _, g := range r.prog.Graphs {
		for _, t := range g.Timers {
			j := i
			for r.next[j] <= r.now {
				due := r.next[j]
				fired := false
				f(g, t, func() {
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
func (r *Run) Now() time.Duration { return r.now }

// Graphs returns the dfir graph of every process and member.
func (r *Run) Graphs() []*dfir.Graph {
	gs := make([]*dfir.Graph, len(r.prog.Graphs))
	for i, g := range r.prog.Graphs {
		gs[i] = g.Graph
	}
	return gs
}

// Handles returns what h drives in every process or member that has it, in
// member order.
func (r *Run) Handles(h any) []any {
	var out []any
	for _, g := range r.prog.Graphs {
		if v, ok := g.Handles[h]; ok {
			out = append(out, v)
		}
	}
	return out
}

// liveMembers lists the members of cluster l that are up.
func (r *Run) liveMembers(l *ir.Location) []uint32 {
	var ms []uint32
	for i := range r.env.Size(l) {
		if r.step == nil || !r.step.down[NodeName(compile.Dest{Loc: l, Member: uint32(i)})] {
			ms = append(ms, uint32(i))
		}
	}
	return ms
}
