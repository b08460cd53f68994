// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
)

const cleanerPlan = `{"decouple": [{"names": ["clean"], "to": "Cleaner"}]}`

// The flow with its clean stage moved to a process of its own by a plan
// counts what the original does, in one process.
func TestWordCountPlanLocal(t *testing.T) {
	p, err := hydro.ParsePlan([]byte(cleanerPlan))
	if err != nil {
		t.Fatal(err)
	}
	f := hydro.NewFlow()
	var last string
	BuildWith(f, func(c []string) { last = "counts: " + strings.Join(c, " ") })
	if err := p.Apply(f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Mermaid(), "Process[Cleaner]") {
		t.Fatalf("the planned flow has no process Cleaner:\n%s", f.Mermaid())
	}
	r := hydro.MustLocal(f, hydro.SizeOf[Worker](3))
	if _, err := r.Finish(); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	if last != want {
		t.Errorf("last report = %q; want %q", last, want)
	}
}

// The fleet run with -plan (YAML here) has a fifth member, Cleaner, and
// prints the same counts before it finishes by itself.
func TestWordCountPlanFleet(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(file, []byte("decouple:\n  - names: [clean]\n    to: Cleaner\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := deploytest.Start(t, ".", "-cluster", "Worker=3", "-plan", file)
	if err := f.Wait(60 * time.Second); err != nil {
		t.Fatalf("the deployer exited with %v; want status 0\n%s", err, f.Output())
	}
	out := f.Output()
	last := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "[Leader] counts: ") {
			last = strings.TrimPrefix(l, "[Leader] ")
		}
	}
	if last != want {
		t.Errorf("the leader's last counts = %q; want %q\n%s", last, want, out)
	}
	if !strings.Contains(out, "[deployer] finished: 5 members idle, every message delivered") ||
		!strings.Contains(out, `msg="node stopped" node=Cleaner`) {
		t.Errorf("the fleet did not run and stop Cleaner as its fifth member:\n%s", out)
	}
}
