// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/sim"
)

// envSimHelper makes TestSimNames, re-run by itself, the test whose
// failing seed sim.Random saves.
const envSimHelper = "HYDRO_TEST_SIM_SAVES"

// TestSimNames: the command reads what package sim writes. It re-runs
// itself in a fresh directory, where a subtest fails under sim.Random and
// saves its seed, and reads that seed back as the command does.
func TestSimNames(t *testing.T) {
	if envSimSeed != sim.EnvSeed || envSimChoices != sim.EnvChoices {
		t.Errorf("sim's variables are %s and %s; the command sets %s and %s", sim.EnvSeed, sim.EnvChoices, envSimSeed, envSimChoices)
	}
	if os.Getenv(envSimHelper) != "" {
		t.Run("sub case", func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 1, Seed: 42}, func(s *sim.Sim) { s.Assert(false, "fails on purpose") })
		})
		return
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestSimNames$/^sub_case$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), envSimHelper+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "fails on purpose") {
		t.Fatalf("the failing subtest = %v; want it to fail:\n%s", err, out)
	}
	seeds, err := savedSeeds(dir, "TestSimNames/sub_case")
	if err != nil || len(seeds) != 1 || seeds[0] != "42" {
		t.Errorf("savedSeeds = %v, %v; want the seed sim.Random saved, 42\n%s", seeds, err, out)
	}
}

// simModule writes a module whose tests read the variables the command
// sets: TestFlaky fails with seed 7, TestGroup/sub_case with choices 1,0.
func simModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module simreplay\n\ngo 1.22\n",
		"replay_test.go": `package simreplay

import (
	"os"
	"testing"
)

func TestFlaky(t *testing.T) {
	if os.Getenv("HYDRO_SIM_SEED") == "7" {
		t.Fatal("seed 7 fails")
	}
}

func TestGroup(t *testing.T) {
	t.Run("sub case", func(t *testing.T) {
		if os.Getenv("HYDRO_SIM_CHOICES") == "1,0" {
			t.Fatal("choices 1,0 fail")
		}
	})
}
`,
		"testdata/sim-failures/TestFlaky":          "7\n9\n",
		"testdata/sim-failures/TestGroup_sub_case": "3\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runSim(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := simCommand(context.Background(), args, &stdout, &stderr)
	return stdout.String(), err
}

// TestSimCommandMistakes: every mistake is an error that says what was
// wrong, and runs nothing.
func TestSimCommandMistakes(t *testing.T) {
	dir := simModule(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-run", "Test.*"}, `sim -run "Test.*": want a test's name as its failure printed it`},
		{[]string{"-run", "Flaky"}, `sim -run "Flaky": want a test's name`},
		{[]string{"-run", "TestFlaky", "-seed", "x"}, `sim -seed "x": want a seed`},
		{[]string{"-run", "TestFlaky", "-seed", "-1"}, `sim -seed "-1": want a seed`},
		{[]string{"-run", "TestFlaky", "-choices", "1,,2"}, `sim -choices "1,,2": want choices as numbers`},
		{[]string{"-run", "TestFlaky", "-choices", "1,-2"}, `sim -choices "1,-2": want choices as numbers`},
		{[]string{"-run", "TestFlaky", "-seed", "1", "-choices", "1"}, "sim: -seed replays sim.Random and -choices sim.Exhaustive: give one"},
		{[]string{"-seed", "1"}, "sim: -seed and -choices replay a test: name it with -run"},
		{[]string{"-dir", dir, "-run", "TestOther"}, "sim -run TestOther: no seed is saved for it under " + filepath.Join(dir, "testdata", "sim-failures") + "; seeds are saved for TestFlaky, TestGroup_sub_case"},
		{[]string{"-dir", t.TempDir(), "-run", "TestOther"}, "no seed is saved for it, nor for any test"},
		{[]string{"-run", "TestFlaky", "extra"}, `sim: unexpected arguments ["extra"]`},
	} {
		out, err := runSim(t, tc.args...)
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sim %q = %v; want an ErrUsage containing %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("sim %q printed %q; want nothing", tc.args, out)
		}
	}
	bad := filepath.Join(dir, "testdata", "sim-failures", "TestBad")
	if err := os.WriteFile(bad, []byte("12\nnope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runSim(t, "-dir", dir, "-run", "TestBad"); err == nil || !strings.Contains(err.Error(), `TestBad:2: "nope" is not a seed`) {
		t.Errorf("sim -run TestBad = %v; want the bad line named", err)
	}
}

// TestSimCommandPrint: without -run the command lists the saved seeds;
// with -n it prints the commands that replay them.
func TestSimCommandPrint(t *testing.T) {
	dir := simModule(t)
	out, err := runSim(t, "-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  TestFlaky: 7 9\n", "  TestGroup_sub_case: 3\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("sim printed %q; want it to list %q", out, want)
		}
	}
	out, err = runSim(t, "-dir", dir, "-run", "TestFlaky", "-n")
	want := "cd '" + dir + "' && HYDRO_SIM_SEED=7 go test -count=1 -run '^TestFlaky$' .\n" +
		"cd '" + dir + "' && HYDRO_SIM_SEED=9 go test -count=1 -run '^TestFlaky$' .\n"
	if err != nil || out != want {
		t.Errorf("sim -run TestFlaky -n = %q, %v; want %q", out, err, want)
	}
	out, err = runSim(t, "-run", "TestGroup/sub_case", "-choices", "1,0", "-n")
	if want := "HYDRO_SIM_CHOICES=1,0 go test -count=1 -run '^TestGroup$/^sub_case$' .\n"; err != nil || out != want {
		t.Errorf("sim -choices -n = %q, %v; want %q", out, err, want)
	}
	if out, err := runSim(t, "-dir", t.TempDir()); err != nil || !strings.Contains(out, "no failing seed is saved") {
		t.Errorf("sim in a directory without seeds = %q, %v", out, err)
	}
}

// TestSimCommandReplay runs go test: a replay that still fails fails the
// command, one that passes does not, and a test that does not exist is an
// error rather than a pass.
func TestSimCommandReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := simModule(t)
	out, err := runSim(t, "-dir", dir, "-run", "TestFlaky")
	if err == nil || !strings.Contains(err.Error(), "TestFlaky still fails with 1 of 2 replayed") {
		t.Errorf("sim -run TestFlaky = %v; want it to fail with 1 of 2", err)
	}
	for _, want := range []string{"seed 7 fails", "HYDRO_SIM_SEED=7: TestFlaky still fails", "HYDRO_SIM_SEED=9: TestFlaky passes"} {
		if !strings.Contains(out, want) {
			t.Errorf("sim -run TestFlaky printed no %q:\n%s", want, out)
		}
	}
	if out, err := runSim(t, "-dir", dir, "-run", "TestGroup/sub_case", "-choices", "0,1"); err != nil || !strings.Contains(out, "TestGroup/sub_case passes") {
		t.Errorf("sim -choices 0,1 = %v; want a pass:\n%s", err, out)
	}
	if _, err := runSim(t, "-dir", dir, "-run", "TestGroup/sub_case", "-choices", "1,0"); err == nil || !strings.Contains(err.Error(), "still fails with 1 of 1") {
		t.Errorf("sim -choices 1,0 = %v; want the failure", err)
	}
	if _, err := runSim(t, "-dir", dir, "-run", "TestGone", "-seed", "1"); err == nil || !strings.Contains(err.Error(), "has no test TestGone") {
		t.Errorf("sim -run TestGone = %v; want no such test", err)
	}
	if _, err := runSim(t, "-dir", dir, "-run", "TestGroup/other", "-seed", "1"); err == nil || !strings.Contains(err.Error(), "no subtest TestGroup/other") {
		t.Errorf("sim -run TestGroup/other = %v; want no such subtest", err)
	}
}
