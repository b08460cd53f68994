// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// EnvSeed replays one seed of Random; EnvChoices replays one execution of
// Exhaustive, given as the comma-separated choices its failure printed.
const (
	EnvSeed    = "HYDRO_SIM_SEED"
	EnvChoices = "HYDRO_SIM_CHOICES"
)

// Config bounds a search.
type Config struct {
	// Runs is how many seeds Random tries (default 100).
	Runs int
	// Seed is the first seed Random tries (default 1).
	Seed uint64
	// MaxExecutions bounds Exhaustive (default 100000): reaching it fails
	// the test, since the search was not complete.
	MaxExecutions int
	// NoReduction makes Exhaustive try every order of the steps that
	// commute too, and run on from states explored before (it turns
	// state hashing off as well): slower, for checking the reduction
	// itself.
	NoReduction bool
	// NoStateHashing makes Exhaustive run on from a state an earlier
	// execution explored, rather than stop there (see the package doc):
	// slower, for checking the hashing itself.
	NoStateHashing bool
	// Dir holds failing seeds, replayed first (default
	// testdata/sim-failures); a failing seed is added to the file named
	// after the test.
	Dir string
}

func (c Config) withDefaults() Config {
	if c.Runs == 0 {
		c.Runs = 100
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.MaxExecutions == 0 {
		c.MaxExecutions = 100000
	}
	if c.Dir == "" {
		c.Dir = filepath.Join("testdata", "sim-failures")
	}
	return c
}

// Failure is a failed execution: how to replay it, and what happened.
type Failure struct {
	Seed    uint64 // the seed of a random execution
	Choices []int  // every choice made, in order: replays any execution
	Message string // what the scenario reported
	Report  string // Message, the choices with their NonDet reasons, the traces
	// Claim is set when the execution failed because a claim of an
	// aggregation was found false (see ClaimError).
	Claim *ClaimError
	// Flow is set when the flow itself is wrong (it does not compile, or
	// an option does not fit it): whatever the choices, it cannot run.
	// Seed and Choices are then zero.
	Flow error
}

// stats count the executions of a search.
type stats struct {
	// ran counts the executions started, pruned those partial-order
	// reduction cut short as covered by others, discarded those Assume
	// discarded.
	ran, pruned, discarded int
	// revisits counts the executions stopped at a state explored before
	// (state hashing), among those pruned.
	revisits int
	// branches sums, per kind of choice point, how often it offered more
	// than one choice and how many it offered in all: what makes a search
	// large.
	branches map[string]*branching
}

type branching struct{ times, ways int }

// outcomeFailure makes the Failure of an execution that did not pass, or nil.
func (s *Sim) outcomeFailure(o outcome, msg string, err error, seed uint64) *Failure {
	switch o {
	case failedRun:
		return &Failure{Seed: seed, Choices: s.chosen(), Message: msg, Report: s.report(msg), Claim: s.claim}
	case brokenFlow:
		return &Failure{Message: err.Error(), Report: err.Error(), Flow: err}
	}
	return nil
}

// Search runs the scenario once per seed, each making its choices at random
// from its seed, and returns how many executions ran and the first failure.
func Search(seeds []uint64, scenario func(*Sim)) (int, *Failure) {
	st, f := search(seeds, scenario)
	return st.ran, f
}

func search(seeds []uint64, scenario func(*Sim)) (stats, *Failure) {
	var st stats
	for _, seed := range seeds {
		s := Seeded(seed)
		o, msg, err := s.run(scenario)
		st.ran++
		if o == discardedRun {
			st.discarded++
		}
		if f := s.outcomeFailure(o, msg, err, seed); f != nil {
			return st, f
		}
	}
	return st, nil
}

// Enumerate runs the scenario once for every sequence of choices it can
// make, in depth-first order, up to max executions. It returns how many
// ran, the first failure, and whether the enumeration was complete.
func Enumerate(max int, scenario func(*Sim)) (n int, fail *Failure, complete bool) {
	st, f, complete := enumerate(max, true, scenario)
	return st.ran - st.pruned, f, complete
}

func enumerate(max int, por bool, scenario func(*Sim)) (st stats, fail *Failure, complete bool) {
	return explore(max, reduction{por: por, states: por}, scenario)
}

// reduction says what an exhaustive search leaves out: orders of steps
// that commute (por), and states explored before (states, only with por).
type reduction struct{ por, states bool }

func explore(max int, red reduction, scenario func(*Sim)) (st stats, fail *Failure, complete bool) {
	st.branches = map[string]*branching{}
	var seen *states
	if red.por && red.states {
		seen = newStates()
		defer func() { st.revisits = seen.skipped }()
	}
	var prefix []int
	for st.ran < max {
		s := &Sim{prefix: prefix, por: red.por, states: seen}
		o, msg, err := s.run(scenario)
		st.ran++
		switch o {
		case discardedRun:
			st.discarded++
		case prunedRun:
			st.pruned++
		}
		for _, c := range s.choices {
			if c.n > 1 {
				k := pointKind(c.what)
				b := st.branches[k]
				if b == nil {
					b = &branching{}
					st.branches[k] = b
				}
				b.times++
				b.ways += c.n
			}
		}
		if f := s.outcomeFailure(o, msg, err, 0); f != nil {
			return st, f, false
		}
		if prefix = next(s.choices); prefix == nil {
			return st, nil, true
		}
	}
	return st, nil, false
}

// Replay runs the scenario once with the given choices (then choice 0): the
// choices of a Failure that Enumerate or Exhaustive found.
func Replay(choices []int, scenario func(*Sim)) *Failure {
	return replay(choices, scenario, true)
}

// replay runs the scenario once with the given choices, with partial-order
// reduction (por) as the run that made them had it or not: the choices of
// a step are indices among the steps awake.
func replay(choices []int, scenario func(*Sim), por bool) *Failure {
	s := &Sim{prefix: choices, por: por}
	o, msg, err := s.run(scenario)
	return s.outcomeFailure(o, msg, err, 0)
}

// Random runs the scenario with cfg.Runs seeds and fails the test at the
// first failing execution, printing its seed, choices and trace, and saving
// the seed under cfg.Dir, where it runs first from then on. $HYDRO_SIM_SEED
// runs just that seed. A flow that does not compile fails the test with
// its error, and saves nothing.
func Random(t *testing.T, cfg Config, scenario func(*Sim)) {
	t.Helper()
	cfg = cfg.withDefaults()
	file := filepath.Join(cfg.Dir, sanitize(t.Name()))
	seeds := savedSeeds(file)
	if v := os.Getenv(EnvSeed); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("sim: bad %s=%q: %v", EnvSeed, v, err)
		}
		seeds = []uint64{seed}
	} else {
		for i := range uint64(cfg.Runs) {
			seeds = append(seeds, cfg.Seed+i)
		}
	}
	st, f := search(seeds, scenario)
	switch {
	case f != nil && f.Flow != nil:
		t.Fatalf("sim: %v", f.Flow)
	case f != nil:
		saveSeed(t, file, f.Seed)
		t.Fatalf("sim: seed %d failed: %s\nreplay: %s=%d go test -run '^%s$'", f.Seed, f.Report, EnvSeed, f.Seed, t.Name())
	}
	checkDiscards(t, st)
}

// checkDiscards reports the executions Assume discarded, and fails the test
// when it discarded them all: nothing was checked.
func checkDiscards(t *testing.T, st stats) {
	t.Helper()
	switch {
	case st.discarded == 0:
	case st.discarded == st.ran:
		t.Fatalf("sim: Assume discarded all %d executions: nothing was checked", st.ran)
	default:
		t.Logf("sim: Assume discarded %d of %d executions", st.discarded, st.ran)
	}
}

// Exhaustive runs the scenario once for every sequence of choices it can
// make, but one order of the steps that commute (partial-order reduction)
// and no state explored before (state hashing), and returns how many
// executions ran to their end. It fails the test at the
// first failing execution, printing its choices (replayed by
// $HYDRO_SIM_CHOICES), or if there are more than cfg.MaxExecutions, naming
// the choice points that branch most. A flow that does not compile fails
// the test with its error.
func Exhaustive(t *testing.T, cfg Config, scenario func(*Sim)) int {
	t.Helper()
	cfg = cfg.withDefaults()
	if v := os.Getenv(EnvChoices); v != "" {
		var choices []int
		for _, f := range strings.Split(v, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				t.Fatalf("sim: bad %s=%q: %v", EnvChoices, v, err)
			}
			choices = append(choices, c)
		}
		if f := replay(choices, scenario, !cfg.NoReduction); f != nil {
			t.Fatalf("sim: replayed execution failed: %s", f.Report)
		}
		return 1
	}
	st, f, complete := explore(cfg.MaxExecutions, reduction{por: !cfg.NoReduction, states: !cfg.NoStateHashing}, scenario)
	switch {
	case f != nil && f.Flow != nil:
		t.Fatalf("sim: %v", f.Flow)
	case f != nil:
		t.Fatalf("sim: execution %d failed: %s\nreplay: %s=%s go test -run '^%s$'", st.ran, f.Report, EnvChoices, joinInts(f.Choices), t.Name())
	case !complete:
		t.Fatalf("sim: more than %d executions: the search did not finish. The choice points that branch most:\n%s"+
			"Raise MaxExecutions, shrink the scenario (fewer items, members or faults), or use Random.", cfg.MaxExecutions, st.top(6))
	}
	checkDiscards(t, st)
	return st.ran - st.pruned
}

// top lists the n kinds of choice point that branched most, one a line.
func (st stats) top(n int) string {
	kinds := make([]string, 0, len(st.branches))
	for k := range st.branches {
		kinds = append(kinds, k)
	}
	weight := func(k string) int { b := st.branches[k]; return b.ways - b.times }
	slices.SortFunc(kinds, func(a, b string) int {
		if c := cmp.Compare(weight(b), weight(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var sb strings.Builder
	for _, k := range kinds[:min(n, len(kinds))] {
		b := st.branches[k]
		fmt.Fprintf(&sb, "\t%s: branched %d times, %.1f ways on average\n", k, b.times, float64(b.ways)/float64(b.times))
	}
	return sb.String()
}

// pointKind names the kind of a choice point from its description: the
// operator and NonDet reason of a batch or snapshot, the kinds of step a
// "next step" choice was among, or what a test's own choice is about.
func pointKind(what string) string {
	switch {
	case strings.HasPrefix(what, "next step: "):
		count := map[string]int{}
		for _, alt := range strings.Split(strings.TrimPrefix(what, "next step: "), " | ") {
			verb, _, _ := strings.Cut(alt, " ")
			count[verb]++
		}
		verbs := slices.Sorted(maps.Keys(count))
		return "next step among " + strings.Join(verbs, ", ")
	case strings.HasPrefix(what, "batch at "), strings.HasPrefix(what, "snapshot at "):
		// "batch at f.go:12 holding 3 (NonDet: r)": drop the count.
		head, reason, _ := strings.Cut(what, " (NonDet: ")
		words := strings.Fields(head)
		if len(words) >= 3 {
			head = strings.TrimSuffix(strings.Join(words[:3], " "), ":")
		}
		return head + " (NonDet: " + reason
	}
	head, _, _ := strings.Cut(what, ":")
	return head
}

// next returns the choices of the next execution in depth-first order: the
// last choice that has an untried alternative, advanced, after the same
// choices before it; nil when every execution has run.
func next(cs []choice) []int {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].chose+1 < cs[i].n {
			p := make([]int, i+1)
			for j := range i {
				p[j] = cs[j].chose
			}
			p[i] = cs[i].chose + 1
			return p
		}
	}
	return nil
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func sanitize(name string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(name)
}

func savedSeeds(file string) []uint64 {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var seeds []uint64
	for _, line := range strings.Fields(string(data)) {
		if s, err := strconv.ParseUint(line, 10, 64); err == nil {
			seeds = append(seeds, s)
		}
	}
	return seeds
}

func saveSeed(t *testing.T, file string, seed uint64) {
	for _, s := range savedSeeds(file) {
		if s == seed {
			return
		}
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Logf("sim: cannot save seed: %v", err)
		return
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Logf("sim: cannot save seed: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, seed)
	t.Logf("sim: seed %d saved to %s; it will run first from now on", seed, file)
}
