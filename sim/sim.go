// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/engine"
)

// Sim is one execution of a scenario. It makes every choice of the Locals
// the scenario starts with Local, and records each.
type Sim struct {
	rng        *rand.Rand // random search; nil under enumeration
	prefix     []int      // choices to replay before choosing 0 (enumeration)
	choices    []choice
	locals     []*hydro.Local
	invariants []invariant
	pending    map[any][]any // per output, items drained by Next but not returned
	steps      int
	failure    string
	// fuzz holds the bytes a fuzzer gave, read one choice at a time.
	fuzz []byte
	// script, when set, takes every choice from the steps Do queued.
	script *script
	// por is set under enumeration: steps that commute with one explored
	// before them sleep (see ChooseStep).
	por   bool
	sleep map[string]engine.Step
	// claim is the false claim that ended the execution, if one did.
	claim *ClaimError
	// states, when set, holds the states the search explored (see
	// states.go); segment keys the current run of steps.
	states  *states
	segment uint64
	// looping is set while a loop of the Sim's own (RunAvailable) takes
	// its second step and those after it.
	looping bool
	// observed holds what Observe recorded, for the equivalence checks.
	observed []observation
}

type choice struct {
	n, chose int
	what     string
}

// Seeded returns an execution whose choices come from seed, as Random's
// executions do: for driving a Local by hand, in a benchmark say.
func Seeded(seed uint64) *Sim {
	return &Sim{rng: rand.New(rand.NewPCG(seed, 0x5eed))}
}

// Choose returns a number in [0, n) for the choice point what describes:
// replayed, enumerated, drawn from the seed or the fuzzer's bytes, or taken
// from the script.
func (s *Sim) Choose(n int, what string) int {
	i := len(s.choices)
	var c int
	switch {
	case s.script != nil:
		c = s.fromScript(n, what)
	case i < len(s.prefix):
		c = min(s.prefix[i], n-1)
	case s.rng != nil:
		c = s.rng.IntN(n)
	case s.fuzz != nil:
		c = s.fromFuzz(n)
	}
	s.choices = append(s.choices, choice{n: n, chose: c, what: what})
	return c
}

// Local starts the flow under this execution's choices: a hydro.Local that
// the Sim steps, with the faults opts allow (Crashes, Partitions, ...) and
// the clusters' sizes (hydro.Size). After each tick the messages sent wait
// in their channels (first in, first out per pair of nodes) until the Sim
// picks them for delivery; the Sim picks which node with work runs its
// next tick, which of the items it holds every Batch lets in (the oldest
// ones for an ordered stream; none, for at most two ticks in a row), and
// how many of the items pushed into an input together enter each tick
// (see the package doc's "What is chosen"). RunAvailable then runs until no step is
// possible. A flow without NonDet operators has nothing to choose: its
// steps run in a fixed order.
func (s *Sim) Local(f *hydro.Flow, opts ...hydro.LocalOption) *hydro.Local {
	r, err := hydro.NewLocal(f, append(opts, s.Chooser(), checkClaims)...)
	if err != nil {
		// Not a failed execution: the flow is wrong whatever the choices.
		panic(flowError{err})
	}
	s.locals = append(s.locals, r)
	return r
}

// checkClaims makes a Local test the claims of its aggregations.
var checkClaims = option(func(c *engine.Config) { c.CheckClaims = true })

// Chooser returns the option that gives a Local this execution's choices:
// what Local adds, for a caller that starts the Local itself (a benchmark,
// say). The Sim does not record the Local for its failure report.
func (s *Sim) Chooser() hydro.LocalOption {
	return option(func(c *engine.Config) { c.Chooser = (*chooser)(s) })
}

// failed is what Fatalf panics with, for the driver to recover.
type failed struct{}

// discarded is what Assume panics with.
type discarded struct{}

// flowError is what Local panics with when the flow does not compile or
// cannot run with the options given.
type flowError struct{ err error }

// Assume discards the execution unless ok: a precondition of the scenario
// (the client never sends twice, say), not a property of the flow. A
// discarded execution neither passes nor fails; Exhaustive and Random
// report how many they discarded, and fail when every execution was.
func (s *Sim) Assume(ok bool) {
	if !ok {
		panic(discarded{})
	}
}

// Fatalf ends the execution as failed with the message.
func (s *Sim) Fatalf(format string, args ...any) {
	s.failure = fmt.Sprintf(format, args...)
	panic(failed{})
}

// Assert ends the execution as failed unless ok.
func (s *Sim) Assert(ok bool, format string, args ...any) {
	if !ok {
		s.Fatalf(format, args...)
	}
}

// Eventually runs r until it settles, then checks cond: a liveness property
// within the run's bound.
func (s *Sim) Eventually(r *hydro.Local, cond func() bool, format string, args ...any) {
	s.RunAvailable(r)
	if !cond() {
		s.Fatalf("never happened: "+format, args...)
	}
}

// outcome is how one execution of a scenario ended.
type outcome uint8

const (
	passed outcome = iota
	failedRun
	discardedRun
	prunedRun  // partial-order reduction: another execution covered it
	brokenFlow // the flow does not compile: no choice matters
)

// run executes the scenario once and returns how it ended, with the failure
// message of a failed execution or the error of a broken flow.
func (s *Sim) run(scenario func(*Sim)) (o outcome, msg string, err error) {
	defer func() {
		switch v := recover().(type) {
		case nil:
		case failed:
			o, msg = failedRun, s.failure
		case discarded:
			o = discardedRun
		case pruned:
			o = prunedRun
		case flowError:
			o, err = brokenFlow, v.err
		case *engine.IncompatibleError:
			o, msg = failedRun, v.Error()
		case *engine.ClaimError:
			s.claim = claimError(v)
			o, msg = failedRun, s.claim.Error()
		default:
			o, msg = failedRun, fmt.Sprintf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	scenario(s)
	return passed, "", nil
}

// report is the readable account of a failed execution.
func (s *Sim) report(msg string) string {
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString("\nchoices (chosen of possible, at):\n")
	for i, c := range s.choices {
		fmt.Fprintf(&b, "\t%3d: %d of %d  %s\n", i, c.chose, c.n, c.what)
	}
	for i, r := range s.locals {
		fmt.Fprintf(&b, "trace of run %d:\n", i)
		for _, t := range r.Trace() {
			fmt.Fprintf(&b, "\t%s\n", t)
		}
	}
	return b.String()
}

func (s *Sim) chosen() []int {
	out := make([]int, len(s.choices))
	for i, c := range s.choices {
		out[i] = c.chose
	}
	return out
}

// Invariant registers a check that RunAvailable runs after every step; the
// first that fails ends the execution as failed, naming the invariant.
func (s *Sim) Invariant(name string, check func() error) {
	s.invariants = append(s.invariants, invariant{name, check})
}

type invariant struct {
	name  string
	check func() error
}

// RunAvailable steps r until it settles, checking every invariant after
// each step, and returns the number of steps.
func (s *Sim) RunAvailable(r *hydro.Local) int {
	steps := 0
	defer func() { s.looping = false }()
	for s.step(r) {
		s.looping = true
		steps++
	}
	return steps
}

// step takes one step of r and checks the invariants after it.
func (s *Sim) step(r *hydro.Local) bool {
	if !r.Step() {
		return false
	}
	s.steps++
	for _, inv := range s.invariants {
		if err := inv.check(); err != nil {
			s.Fatalf("invariant %q broken after step %d: %v", inv.name, s.steps, err)
		}
	}
	return true
}
