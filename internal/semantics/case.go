// SPDX-License-Identifier: Apache-2.0

package semantics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro"
)

// Server tags the process every case's flow runs on.
type Server struct{}

type (
	// Proc is the process of every case.
	Proc = *hydro.Process[Server]
	// Tick is a tick of Proc.
	Tick = *hydro.Tick[Proc]
)

// ND is the NonDet reason of every Batch and Snapshot in the corpus: the
// runner decides what each tick holds.
const ND = hydro.NonDet("the runner decides what each tick holds")

// Runner names one of the three ways the corpus runs.
type Runner int

const (
	// Plain runs a case in hydro.Local, one tick per case tick.
	Plain Runner = iota
	// Sim runs a case under the simulator, which picks steps and batches.
	Sim
	// Fleet runs a case in a localhost deployment of real processes.
	Fleet
)

// Runners lists the three runners.
var Runners = []Runner{Plain, Sim, Fleet}

func (r Runner) String() string {
	switch r {
	case Plain:
		return "plain"
	case Sim:
		return "sim"
	case Fleet:
		return "fleet"
	}
	return fmt.Sprintf("Runner(%d)", int(r))
}

// Case is one flow of the corpus and what it must do.
type Case struct {
	// Name says what the case runs, as "Map(x*10)" or "Join in a tick".
	Name string
	// Build adds the case's flow to e's process, taking its inputs from
	// Input, and returns its outputs with what each must emit. A runner
	// calls it once per flow it builds.
	Build func(e *Env) []Out
	// Refused, if set, says why the flow must not compile: every runner
	// then checks that Compile refuses it, and runs nothing.
	Refused string
	// UntilIdle makes the plain runner run each case tick until the flow
	// is idle (RunTick, then RunAvailable) instead of one tick, and check
	// that it took Runs[i] ticks: for cases about which work asks for a
	// tick. The other runners always run until idle.
	UntilIdle bool
	Runs      []int
	// NotUnder names the runners that cannot run the case, and why; the
	// runner skips it with that reason.
	NotUnder map[Runner]string
}

// Skip returns why the case cannot run under r, or "".
func (c Case) Skip(r Runner) string { return c.NotUnder[r] }

// Out is one output of a case: the stream, rendered with fmt, and what it
// must emit.
type Out struct {
	// Name tells a case's outputs apart in messages; "" for the only one.
	Name string
	// S is the output stream.
	S hydro.Stream[string, Proc]
	// Ticks is what S emits in each tick under the plain runner.
	Ticks [][]string
	// Unordered compares each tick as a multiset: S has no order.
	Unordered bool
	// Every is what every execution must satisfy, whatever its batching
	// and delivery: checked on everything S emitted, in order. The zero
	// Check is the concatenation of Ticks (their multiset if Unordered).
	Every Check
}

// Check is a property of everything an output emitted in one execution.
type Check struct {
	// What says what is checked, for messages and the corpus's doc.
	What string
	// OK returns an error saying how all breaks the property.
	OK func(all []string) error
	// Done reports that all is complete: a deployment, which never says
	// it is idle, waits until Done holds (nil: until the end of the run).
	Done func(all []string) bool
}

// Check returns the property every execution must satisfy.
func (o Out) Check() Check {
	if o.Every.OK != nil {
		return o.Every
	}
	all := slices.Concat(o.Ticks...)
	if o.Unordered {
		return Multiset(all...)
	}
	return Concat(all...)
}

// CheckTicks compares what each tick emitted under the plain runner with
// Ticks, and returns an error saying how they differ.
func (o Out) CheckTicks(got [][]string) error {
	g, w := ticks(got, o.Unordered), ticks(o.Ticks, o.Unordered)
	if len(g) != len(w) || !slices.EqualFunc(g, w, slices.Equal) {
		order := ""
		if o.Unordered {
			order = " (each tick in any order)"
		}
		return fmt.Errorf("per tick %s; want%s %s", render(got), order, render(o.Ticks))
	}
	return nil
}

// ticks returns a copy of ts with every tick sorted if unordered.
func ticks(ts [][]string, unordered bool) [][]string {
	out := make([][]string, len(ts))
	for i, t := range ts {
		out[i] = slices.Clone(t)
		if out[i] == nil {
			out[i] = []string{}
		}
		if unordered {
			slices.Sort(out[i])
		}
	}
	return out
}

// render prints ticks as [[a b] [] [c]].
func render(ts [][]string) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "[" + strings.Join(t, " ") + "]"
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Ordered is an ordered output: want gives what each tick emits.
func Ordered[T any](s hydro.Stream[T, Proc], want ...[]T) Out {
	return Out{S: Show(s), Ticks: strings2(want)}
}

// Unordered is an output without order: each tick compares as a multiset.
func Unordered[T any](s hydro.Stream[T, Proc], want ...[]T) Out {
	return Out{S: Show(s), Ticks: strings2(want), Unordered: true}
}

// Named returns o named name.
func (o Out) Named(name string) Out { o.Name = name; return o }

// Holds returns o with c as what every execution must satisfy.
func (o Out) Holds(c Check) Out { o.Every = c; return o }

// Show renders every item with fmt.
func Show[T any, L hydro.Location](s hydro.Stream[T, L]) hydro.Stream[string, L] {
	if s, ok := any(s).(hydro.Stream[string, L]); ok {
		return s
	}
	return hydro.Map(s, func(v T) string { return fmt.Sprint(v) })
}

func strings2[T any](ts [][]T) [][]string {
	out := make([][]string, len(ts))
	for i, t := range ts {
		out[i] = Strings(t...)
	}
	return out
}

// Strings renders items with fmt.
func Strings[T any](items ...T) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// Env is where a case's flow runs: its process, and inputs that the
// runner feeds tick by tick, in process (hydro.NewInput) or, in a
// deployment, through channels the node reads (hydro.SourceChan).
type Env struct {
	// P is the process the case's flow runs on.
	P       Proc
	fleet   bool
	n       int // case ticks: the longest input
	inputs  []input
	effects []func() error
}

type input struct {
	push func(r *hydro.Local, tick int) // in process
	feed func(tick int)                 // in a deployment
	show string
}

// NewEnv returns an Env whose inputs are pushed in process: the plain and
// simulator runners.
func NewEnv(p Proc) *Env { return &Env{P: p} }

// NewFleetEnv returns an Env whose inputs arrive on channels, each tick's
// items as one message, for a deployed node to read: Feed sends them.
func NewFleetEnv(p Proc) *Env { return &Env{P: p, fleet: true} }

// Input adds an input to the case: ticks[i] arrives in case tick i, all
// at once. The stream is unbounded and ordered, as hydro.NewInput's.
func Input[T any](e *Env, ticks ...[]T) hydro.Stream[T, Proc] {
	e.n = max(e.n, len(ticks))
	in := input{show: fmt.Sprint(ticks)}
	var s hydro.Stream[T, Proc]
	if e.fleet {
		ch := make(chan []T)
		s = hydro.Flatten(hydro.SourceChan(e.P, (<-chan []T)(ch)))
		in.feed = func(tick int) {
			if tick < len(ticks) && len(ticks[tick]) > 0 {
				ch <- ticks[tick]
			}
		}
	} else {
		h, is := hydro.NewInput[T](e.P)
		s = is
		in.push = func(r *hydro.Local, tick int) {
			if tick < len(ticks) {
				h.Push(r, ticks[tick]...)
			}
		}
	}
	e.inputs = append(e.inputs, in)
	return s
}

// Ticks returns how many case ticks the inputs span.
func (e *Env) Ticks() int { return e.n }

// Push pushes every input's items of case tick i into r.
func (e *Env) Push(r *hydro.Local, i int) {
	for _, in := range e.inputs {
		in.push(r, i)
	}
}

// Feed sends every input's items of case tick i to the node, blocking until
// it has taken each.
func (e *Env) Feed(i int) {
	for _, in := range e.inputs {
		in.feed(i)
	}
}

// Inputs renders the inputs, for messages.
func (e *Env) Inputs() string {
	parts := make([]string, len(e.inputs))
	for i, in := range e.inputs {
		parts[i] = in.show
	}
	return strings.Join(parts, ", ")
}

// Effect registers a check of the flow's side effects (what Inspect's
// function saw, say), run once the flow is idle by the runners that run it
// in their own process, plain and simulated; a deployed node's effects
// happen out of the test's sight.
func (e *Env) Effect(check func() error) { e.effects = append(e.effects, check) }

// Effects runs the effect checks and returns their errors, joined.
func (e *Env) Effects() error {
	var errs []string
	for _, c := range e.effects {
		if err := c(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if errs == nil {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(errs, "; "))
}

// InTick runs build on each tick's batch of s and gathers what it returns
// back out of the tick.
func InTick[I, O any](s hydro.Stream[I, Proc], build func(hydro.Stream[I, Tick]) hydro.Stream[O, Tick]) hydro.Stream[O, Proc] {
	tk := hydro.NewTick(s.Location())
	return hydro.AllTicks(build(hydro.Batch(s, tk, ND)))
}

// InTick2 is InTick for two inputs, batched into the same tick.
func InTick2[A, B, O any](a hydro.Stream[A, Proc], b hydro.Stream[B, Proc], build func(hydro.Stream[A, Tick], hydro.Stream[B, Tick]) hydro.Stream[O, Tick]) hydro.Stream[O, Proc] {
	tk := hydro.NewTick(a.Location())
	return hydro.AllTicks(build(hydro.Batch(a, tk, ND), hydro.Batch(b, tk, ND)))
}
