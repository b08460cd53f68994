// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/engine"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
)

// Local runs a whole flow inside the calling goroutine on a virtual clock:
// every process, every member of every cluster, with messages between them
// encoded and delivered in memory after each round of ticks. It is the
// runner for tests, examples and embedding; a deployment (package deploy)
// drives the same compiled graphs over TCP, and the simulator (package sim)
// runs a Local whose every choice it makes.
//
// A Local is not safe for concurrent use.
type Local struct {
	run *engine.Run
	// finite is the flow's Finite.
	finite bool
	// ports holds the in-memory clients of external ports (LocalClient).
	ports map[*compile.PortBinding]*localPort
}

// LocalOption configures a Local: the size of a cluster, or, from package
// sim, the choices and faults of a simulated run.
type LocalOption func(*localConfig)

type localConfig struct {
	sizes  map[*ir.Location]int
	byName map[string]int
	engine engine.Config
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
func NewLocal(f *Flow, opts ...LocalOption) (*Local, error) { return newLocal([]*Flow{f}, opts) }

// newLocal is NewLocal for several builds of one program, which run side
// by side as engine.NewVersions says.
func newLocal(fs []*Flow, opts []LocalOption) (*Local, error) {
	irs := make([]*ir.Flow, len(fs))
	finite := true
	for i, f := range fs {
		if err := f.Compile(); err != nil {
			return nil, err
		}
		irs[i] = &f.ir
		finite = finite && f.ir.Finite
	}
	cfg := localConfig{sizes: map[*ir.Location]int{}, byName: map[string]int{}}
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.check(irs); err != nil {
		return nil, err
	}
	cfg.engine.Size = func(l *ir.Location) int {
		if n, ok := cfg.sizes[l]; ok {
			return n
		}
		for m, n := range cfg.sizes {
			// The same cluster, of another version.
			if m.Kind == l.Kind && m.Name == l.Name {
				return n
			}
		}
		if n, ok := cfg.byName[l.Name]; ok {
			return n
		}
		return 1
	}
	cfg.engine.Output = func(h any) (*ir.Node, bool) {
		o, ok := h.(interface{ traced() *ir.Node })
		if !ok {
			return nil, false
		}
		return o.traced(), true
	}
	run, err := engine.NewVersions(irs, cfg.engine)
	if err != nil {
		return nil, err
	}
	return &Local{run: run, finite: finite}, nil
}

// check refuses sizes that name no cluster of the flows, or are below 1.
func (cfg *localConfig) check(fs []*ir.Flow) error {
	var errs []error
	for l, n := range cfg.sizes {
		if n < 1 {
			errs = append(errs, fmt.Errorf("hydro: Size(%v, %d): a cluster has at least one member", l, n))
		}
	}
	for name, n := range cfg.byName {
		kind := ""
		for _, f := range fs {
			for _, l := range f.Locations {
				if l.Name == name && l.Kind != ir.Tick && kind != ir.Cluster.String() {
					kind = l.Kind.String()
				}
			}
		}
		switch {
		case kind == "":
			errs = append(errs, fmt.Errorf("hydro: SizeOf[%s](%d): the flow has no cluster %s", name, n, name))
		case kind != ir.Cluster.String():
			errs = append(errs, fmt.Errorf("hydro: SizeOf[%s](%d): %s is a %s, which has one member; only clusters are sized", name, n, name, strings.ToLower(kind)))
		case n < 1:
			errs = append(errs, fmt.Errorf("hydro: SizeOf[%s](%d): a cluster has at least one member", name, n))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
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
// sent, for the receivers' next ticks. (Under the simulator they wait in
// their channels for delivery steps instead.)
func (r *Local) RunTick() { r.run.RunTick() }

// RunAvailable runs until no process or member has pending work, and
// returns how many steps that took: rounds of ticks, or under the simulator
// single steps. A flow that schedules work on every tick never settles;
// bound it with RunTicks (under the simulator RunAvailable panics after a
// million steps).
func (r *Local) RunAvailable() int { return r.run.RunAvailable() }

// RunTicks runs n rounds of ticks.
func (r *Local) RunTicks(n int) { r.run.RunTicks(n) }

// Step takes one step: a round of ticks if any node has work, or under the
// simulator the one step it picks. It reports false when no step is
// possible.
func (r *Local) Step() bool { return r.run.Step() }

// Advance moves the virtual clock forward by d, firing every timer
// (SourceInterval, SampleEvery, Timeout) whose period elapses, then runs
// until the flow settles. Under the simulator each firing is a step of its
// own, interleaved with the others as it decides.
func (r *Local) Advance(d time.Duration) { r.run.Advance(d) }

// Now returns the virtual time since the flow started.
func (r *Local) Now() time.Duration { return r.run.Now() }

// Graphs returns the compiled dfir graph of every process and member, for
// drawing and statistics.
func (r *Local) Graphs() []*dfir.Graph { return r.run.Graphs() }

// Trace returns the steps and decisions the simulator took, in order: what
// a failing simulation prints. It is nil outside the simulator.
func (r *Local) Trace() []string { return r.run.Trace() }

// handles returns what h drives in every process or member that has it.
func (r *Local) handles(h any) []any {
	out := r.run.Handles(h)
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

// The shells of this module reach the language through package lang.
func init() {
	lang.Flow = func(f any) (*ir.Flow, error) {
		fl := f.(*Flow)
		if err := fl.Compile(); err != nil {
			return nil, err
		}
		return &fl.ir, nil
	}
	lang.Location = func(l any) *ir.Location { return l.(Location).loc() }
	lang.Output = func(o any) *ir.Node { return o.(interface{ traced() *ir.Node }).traced() }
	lang.Option = func(set func(*engine.Config)) any {
		return LocalOption(func(cfg *localConfig) { set(&cfg.engine) })
	}
	lang.Versions = func(flows []any, opts []any) (any, error) {
		fs := make([]*Flow, len(flows))
		for i, f := range flows {
			fs[i] = f.(*Flow)
		}
		os := make([]LocalOption, len(opts))
		for i, o := range opts {
			os[i] = o.(LocalOption)
		}
		return newLocal(fs, os)
	}
}
