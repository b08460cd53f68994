// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/engine"
)

// Scripted runs: the test takes every choice itself, step by step, as
// Hydro's simulation hooks let it. The scenario queues what comes next with
// s.Do and then drives the Local (Step, RunAvailable); each choice the run
// meets takes the next queued step, which must fit it.

// script is the queue of a scripted execution.
type script struct{ steps []string }

// Script runs the scenario once, with every choice taken from the steps it
// queues with Do. A choice the script does not make, a step that does not
// fit the choice at hand, and steps left untaken at the end fail the test,
// each naming the choice and the step.
func Script(t *testing.T, scenario func(*Sim)) {
	t.Helper()
	s := &Sim{script: &script{}}
	o, msg, err := s.run(func(s *Sim) {
		scenario(s)
		if len(s.script.steps) > 0 {
			s.Fatalf("the script's steps %q were never taken", s.script.steps)
		}
	})
	switch o {
	case brokenFlow:
		t.Fatalf("sim: %v", err)
	case failedRun:
		t.Fatalf("sim: scripted execution failed: %s", s.report(msg))
	case discardedRun:
		t.Fatalf("sim: Assume discarded the scripted execution")
	}
}

// Do queues the next steps of a scripted execution, each taken by the next
// choice the run meets (a step that was the only one possible may be named
// too, or left out):
//
//   - "tick Leader", "deliver Leader → Worker/0", "crash Worker/1",
//     "restart Worker/1", "partition A | B", "heal A | B", "lose ...",
//     "duplicate ...", "timer fires at Leader": which step comes next (the
//     start of one of the possible steps, up to a word boundary; the first
//     that fits is taken);
//   - "batch K": the batch at hand lets in the K oldest of the items it
//     holds;
//   - "batch 1,3" or "batch {1, 3}": the batch at hand lets in the items
//     at these positions (1 for the oldest item it holds), the others stay
//     for a later tick; "batch {}" lets none in. Only a batch of an
//     unordered stream takes items other than its oldest ones. Past the
//     first engine.MaxPick-1 positions, items enter or stay together;
//   - "arrive K": K of the items pending at the input at hand (pushed,
//     or waiting on a Go channel source) arrive in the next tick, the
//     oldest;
//   - "snapshot K": the snapshot at hand shows the version K ticks old;
//   - "choose K": the K-th of whatever the choice offers (a Menu's action,
//     a test's own s.Choose);
//   - the name of one of a Menu's actions.
//
// Do outside Script panics.
func (s *Sim) Do(steps ...string) {
	if s.script == nil {
		panic("sim: Do outside Script")
	}
	s.script.steps = append(s.script.steps, steps...)
}

// fromScript takes the choice at hand from the script's next step.
func (s *Sim) fromScript(n int, what string) int {
	if len(s.script.steps) == 0 {
		s.Fatalf("the script does not say what to choose at: %s", what)
	}
	step := s.script.steps[0]
	s.script.steps = s.script.steps[1:]
	c, ok := fit(step, n, what)
	if !ok {
		s.Fatalf("the script says %q, which does not fit the choice at hand: %s", step, what)
	}
	return c
}

// forced takes the script's next step if it names the step the run took
// for want of another: a script may name such steps or leave them out.
func (s *Sim) forced(what string) {
	if len(s.script.steps) == 0 {
		return
	}
	if step := s.script.steps[0]; what == step || strings.HasPrefix(what, step+" ") {
		s.script.steps = s.script.steps[1:]
	}
}

// fit returns the choice among n that step makes at the point what
// describes.
func fit(step string, n int, what string) (int, bool) {
	verb, arg, _ := strings.Cut(step, " ")
	k, err := strconv.Atoi(arg)
	number := err == nil
	switch {
	case verb == "choose" && number:
		return k, k >= 0 && k < n
	case verb == "batch" && strings.HasPrefix(what, "batch at "):
		return fitBatch(arg, n, what)
	case verb == "arrive" && number && strings.HasPrefix(what, "input at "):
		return k - 1, k >= 1 && k <= n
	case verb == "snapshot" && number && strings.HasPrefix(what, "snapshot at "):
		return k, k >= 0 && k < n
	}
	// A choice among named alternatives: "next step: a | b", a Menu's
	// "what: a | b".
	_, list, ok := strings.Cut(what, ": ")
	if !ok {
		return 0, false
	}
	alts := strings.Split(list, " | ")
	if len(alts) != n {
		return 0, false
	}
	for i, alt := range alts {
		if alt == step || strings.HasPrefix(alt, step+" ") {
			return i, true
		}
	}
	return 0, false
}

// fromFuzz takes the next choice from the fuzzer's bytes: one byte for up
// to 256 alternatives, two beyond; 0 once they run out.
func (s *Sim) fromFuzz(n int) int {
	if len(s.fuzz) == 0 || n == 1 {
		return 0
	}
	v := int(s.fuzz[0])
	s.fuzz = s.fuzz[1:]
	if n > 256 && len(s.fuzz) > 0 {
		v = v<<8 | int(s.fuzz[0])
		s.fuzz = s.fuzz[1:]
	}
	return v % n
}

// Fuzz runs the scenario under Go's fuzzer: the bytes of each input are the
// execution's choices, so the fuzzer's coverage feedback steers the search
// towards runs that reach new code. Call it from a fuzz test:
//
//	func FuzzCounter(f *testing.F) { sim.Fuzz(f, scenario) }
//
// `go test -fuzz FuzzCounter` searches; a failing input is kept under
// testdata/fuzz/FuzzCounter and replays under a plain `go test`, which also
// runs the seeds (the empty input: every first choice, and a few more). A
// failure prints the choices it made, each with its NonDet reason.
func Fuzz(f *testing.F, scenario func(*Sim)) {
	f.Helper()
	f.Add([]byte{})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Fuzz(func(t *testing.T, data []byte) {
		if fail := fuzzOne(data, scenario); fail != nil {
			if fail.Flow != nil {
				t.Fatalf("sim: %v", fail.Flow)
			}
			t.Fatalf("sim: execution failed: %s", fail.Report)
		}
	})
}

// fuzzOne runs the scenario once with its choices drawn from data.
func fuzzOne(data []byte, scenario func(*Sim)) *Failure {
	s := &Sim{fuzz: data}
	if data == nil {
		s.fuzz = []byte{}
	}
	o, msg, err := s.run(scenario)
	return s.outcomeFailure(o, msg, err, 0)
}

// fitBatch returns the choice at a batch that arg ("2", "1,3", "{1, 3}",
// "{}") makes: how many items enter, or which.
func fitBatch(arg string, n int, what string) (int, bool) {
	held, late := 0, strings.Contains(what, "late ")
	if _, after, ok := strings.Cut(what, " holding "); ok {
		f, _, _ := strings.Cut(after, " ")
		held, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(f, ","), ":"))
	}
	var pos []int
	if k, err := strconv.Atoi(arg); err == nil {
		if k < 0 || k > held {
			return 0, false
		}
		for p := range k {
			pos = append(pos, p+1)
		}
	} else {
		list := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(arg, "{"), "}"))
		for _, f := range strings.Split(list, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			p, err := strconv.Atoi(f)
			if err != nil || p < 1 || p > held {
				return 0, false
			}
			pos = append(pos, p)
		}
	}
	var c int
	if strings.Contains(what, "subset") {
		bits := min(held, engine.MaxPick)
		for _, p := range pos {
			c |= 1 << min(p-1, bits-1)
		}
	} else {
		// A prefix: the positions must be 1..k.
		slices.Sort(pos)
		for i, p := range pos {
			if p != i+1 {
				return 0, false
			}
		}
		c = len(pos)
	}
	if late {
		c--
	}
	return c, c >= 0 && c < n
}
