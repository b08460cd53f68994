// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// What package sim reads and writes: the variables that replay one
// execution (sim.EnvSeed, sim.EnvChoices) and where sim.Random keeps the
// seeds that failed, one file per test, named after the test with "/" and
// " " made "_", one seed a line. TestSimNames checks them against sim.
const (
	envSimSeed    = "HYDRO_SIM_SEED"
	envSimChoices = "HYDRO_SIM_CHOICES"
	simFailures   = "testdata/sim-failures"
)

// testName is a test's full name as go test prints it: a top-level test
// and its subtests, whose names go test already wrote without spaces.
var testName = regexp.MustCompile(`^(Test|Fuzz)[\p{L}\p{N}_]*(/\S+)*$`)

// simCommand replays the saved failing seeds of a simulator test, or one
// seed or choice list, by running go test in the test's package directory.
func simCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	dir := fs.String("dir", ".", "the `directory` of the test's package, which holds "+simFailures)
	run := fs.String("run", "", "the test to replay, by its full `name` as its failure printed it (TestX, or TestX/sub for a subtest)")
	seed := fs.String("seed", "", "replay this seed of sim.Random, saved or not (default: every seed saved for the test)")
	choices := fs.String("choices", "", "replay this execution of sim.Exhaustive, as the comma-separated `choices` its failure printed")
	dry := fs.Bool("n", false, "print the commands instead of running them")
	if err := parse(fs, args, stderr, func() { simUsage(stderr, fs) }); err != nil {
		return err
	}
	if *run == "" {
		if *seed != "" || *choices != "" {
			return usagef("sim: -seed and -choices replay a test: name it with -run")
		}
		return listFailures(*dir, stdout)
	}
	if !testName.MatchString(*run) {
		return usagef("sim -run %q: want a test's name as its failure printed it (TestX or TestX/sub), not a pattern", *run)
	}
	if *seed != "" && *choices != "" {
		return usagef("sim: -seed replays sim.Random and -choices sim.Exhaustive: give one")
	}
	var envs []string
	switch {
	case *seed != "":
		if _, err := strconv.ParseUint(*seed, 10, 64); err != nil {
			return usagef("sim -seed %q: want a seed, a number from 0 to 2^64-1", *seed)
		}
		envs = []string{envSimSeed + "=" + *seed}
	case *choices != "":
		for c := range strings.SplitSeq(*choices, ",") {
			if n, err := strconv.Atoi(c); err != nil || n < 0 {
				return usagef("sim -choices %q: want choices as numbers from 0 up, separated by commas (0,2,1)", *choices)
			}
		}
		envs = []string{envSimChoices + "=" + *choices}
	default:
		seeds, err := savedSeeds(*dir, *run)
		if err != nil {
			return err
		}
		for _, s := range seeds {
			envs = append(envs, envSimSeed+"="+s)
		}
	}
	if *dry {
		for _, env := range envs {
			fmt.Fprintln(stdout, shellCommand(*dir, env, *run))
		}
		return nil
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("deploy: sim: no go command on PATH; run by hand:\n  %s", shellCommand(*dir, envs[0], *run))
	}
	failed := 0
	for _, env := range envs {
		fail, err := replayOnce(ctx, goTool, *dir, env, *run, stdout)
		if err != nil {
			return err
		}
		if fail {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("deploy: sim: %s still fails with %d of %d replayed", *run, failed, len(envs))
	}
	return nil
}

// simUsage prints sim's help.
func simUsage(w io.Writer, fs *flag.FlagSet) {
	prog := filepath.Base(os.Args[0])
	fmt.Fprintf(w, "Usage: %s sim [-dir DIR]                        list the saved failing seeds\n", prog)
	fmt.Fprintf(w, "       %s sim [-dir DIR] -run TestX [-seed N | -choices C,...] [-n]\n\n", prog)
	fmt.Fprintf(w, "Replays a simulator test's failures with go test, in DIR: every seed sim.Random saved\n")
	fmt.Fprintf(w, "for the test under DIR/%s, or the seed or choices given. It fails while a replay\n", simFailures)
	fmt.Fprintf(w, "still fails, and passes once every one passes.\n\nFlags of sim:\n")
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nExample:\n  %s sim -run TestCounter\n", prog)
}

// failureFile is the file where sim.Random saves the failing seeds of the
// test named name.
func failureFile(dir, name string) string {
	return filepath.Join(dir, filepath.FromSlash(simFailures), strings.NewReplacer("/", "_", " ", "_").Replace(name))
}

// savedSeeds reads the seeds saved for the test named name, in order.
func savedSeeds(dir, name string) ([]string, error) {
	file := failureFile(dir, name)
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		saved, _ := savedTests(dir)
		if len(saved) == 0 {
			return nil, usagef("sim -run %s: no seed is saved for it, nor for any test, under %s; give one with -seed", name, filepath.Dir(file))
		}
		return nil, usagef("sim -run %s: no seed is saved for it under %s; seeds are saved for %s", name, filepath.Dir(file), strings.Join(saved, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("deploy: sim: reading the saved seeds: %w", err)
	}
	var seeds []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if _, err := strconv.ParseUint(line, 10, 64); err != nil {
			return nil, fmt.Errorf("deploy: sim: %s:%d: %q is not a seed", file, i+1, line)
		}
		seeds = append(seeds, line)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("deploy: sim: %s holds no seed", file)
	}
	return seeds, nil
}

// savedTests lists the files of saved seeds under dir: the names of the
// tests whose seeds they hold, with "_" for "/" and " ".
func savedTests(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(simFailures)))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// listFailures prints every test with saved seeds, and how to replay them.
func listFailures(dir string, stdout io.Writer) error {
	names, err := savedTests(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("deploy: sim: listing the saved seeds: %w", err)
	}
	where := filepath.Join(dir, filepath.FromSlash(simFailures))
	if len(names) == 0 {
		fmt.Fprintf(stdout, "no failing seed is saved under %s\n", where)
		return nil
	}
	fmt.Fprintf(stdout, "failing seeds saved under %s:\n", where)
	for _, n := range names {
		seeds, err := savedSeeds(dir, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %s: %s\n", n, strings.Join(seeds, " "))
	}
	fmt.Fprintf(stdout, "replay one test's with: %s sim -run NAME (a subtest as TestX/sub)\n", filepath.Base(os.Args[0]))
	return nil
}

// runPattern is the -run pattern of go test that matches exactly the test
// named name: each level of the name anchored and quoted.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// shellCommand is the command that replays one execution, for a shell.
func shellCommand(dir, env, name string) string {
	cmd := fmt.Sprintf("%s go test -count=1 -run '%s' .", env, runPattern(name))
	if dir != "." {
		cmd = fmt.Sprintf("cd '%s' && %s", dir, cmd)
	}
	return cmd
}

// replayOnce runs the test named name once in dir with env set, copying
// go test's output to stdout, and tells whether it failed. It is an error
// if go test did not run the test at all, or could not build it.
func replayOnce(ctx context.Context, goTool, dir, env, name string, stdout io.Writer) (failed bool, err error) {
	fmt.Fprintf(stdout, "=== replay: %s\n", shellCommand(dir, env, name))
	cmd := exec.CommandContext(ctx, goTool, "test", "-count=1", "-v", "-run", runPattern(name), ".")
	cmd.Dir = dir
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, envSimSeed+"=") || strings.HasPrefix(kv, envSimChoices+"=")
	}), env)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(stdout, &out)
	cmd.Stderr = cmd.Stdout
	runErr := cmd.Run()
	top, _, _ := strings.Cut(name, "/")
	switch {
	case ctx.Err() != nil:
		return false, fmt.Errorf("deploy: sim: replaying %s: %w", name, ctx.Err())
	case !strings.Contains(out.String(), "=== RUN   "+top+"\n"):
		if runErr != nil {
			return false, fmt.Errorf("deploy: sim: go test in %s failed before running %s: %v", dir, name, runErr)
		}
		return false, fmt.Errorf("deploy: sim: go test in %s has no test %s", dir, name)
	case runErr != nil:
		var exit *exec.ExitError
		if !errors.As(runErr, &exit) {
			return false, fmt.Errorf("deploy: sim: running go test: %w", runErr)
		}
		fmt.Fprintf(stdout, "=== replay: %s: %s still fails\n", env, name)
		return true, nil
	}
	if name != top && !strings.Contains(out.String(), "=== RUN   "+name+"\n") {
		return false, fmt.Errorf("deploy: sim: go test in %s ran %s but no subtest %s", dir, top, name)
	}
	fmt.Fprintf(stdout, "=== replay: %s: %s passes\n", env, name)
	return false, nil
}
