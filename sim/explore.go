// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"os"
	"path/filepath"
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
}

// Search runs the scenario once per seed, each making its choices at random
// from its seed, and returns how many executions ran and the first failure.
func Search(seeds []uint64, scenario func(*Sim)) (int, *Failure) {
	for i, seed := range seeds {
		s := Seeded(seed)
		if msg := s.run(scenario); msg != "" {
			return i + 1, &Failure{Seed: seed, Choices: s.chosen(), Message: msg, Report: s.report(msg)}
		}
	}
	return len(seeds), nil
}

// Enumerate runs the scenario once for every sequence of choices it can
// make, in depth-first order, up to max executions. It returns how many
// ran, the first failure, and whether the enumeration was complete.
func Enumerate(max int, scenario func(*Sim)) (n int, fail *Failure, complete bool) {
	var prefix []int
	for n = 1; n <= max; n++ {
		s := &Sim{prefix: prefix}
		if msg := s.run(scenario); msg != "" {
			return n, &Failure{Choices: s.chosen(), Message: msg, Report: s.report(msg)}, false
		}
		if prefix = next(s.choices); prefix == nil {
			return n, nil, true
		}
	}
	return max, nil, false
}

// Replay runs the scenario once with the given choices (then choice 0).
func Replay(choices []int, scenario func(*Sim)) *Failure {
	s := &Sim{prefix: choices}
	if msg := s.run(scenario); msg != "" {
		return &Failure{Choices: s.chosen(), Message: msg, Report: s.report(msg)}
	}
	return nil
}

// Random runs the scenario with cfg.Runs seeds and fails the test at the
// first failing execution, printing its seed, choices and trace, and saving
// the seed under cfg.Dir, where it runs first from then on. $HYDRO_SIM_SEED
// runs just that seed.
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
	if _, f := Search(seeds, scenario); f != nil {
		saveSeed(t, file, f.Seed)
		t.Fatalf("sim: seed %d failed: %s\nreplay: %s=%d go test -run '^%s$'", f.Seed, f.Report, EnvSeed, f.Seed, t.Name())
	}
}

// Exhaustive runs the scenario once for every sequence of choices it can
// make and returns how many executions there were. It fails the test at the
// first failing execution, printing its choices (replayed by
// $HYDRO_SIM_CHOICES), or if there are more than cfg.MaxExecutions.
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
		if f := Replay(choices, scenario); f != nil {
			t.Fatalf("sim: replayed execution failed: %s", f.Report)
		}
		return 1
	}
	n, f, complete := Enumerate(cfg.MaxExecutions, scenario)
	switch {
	case f != nil:
		t.Fatalf("sim: execution %d failed: %s\nreplay: %s=%s go test -run '^%s$'", n, f.Report, EnvChoices, joinInts(f.Choices), t.Name())
	case !complete:
		t.Fatalf("sim: more than %d executions; raise MaxExecutions or shrink the scenario", cfg.MaxExecutions)
	}
	return n
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
