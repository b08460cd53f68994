// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/deploy/deploytest"
)

// TestFleetQuiet: a fleet that starts and is stopped normally logs no
// warning and no error.
func TestFleetQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a fleet")
	}
	f := deploytest.Start(t, "../examples/roundtrip", "-cluster", "Worker=3")
	f.WaitFor("the summary", 30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[Leader] ") && strings.Contains(l, "round trip")
	})
	start := time.Now()
	f.Stop()
	t.Logf("stopped in %v", time.Since(start))
	for _, l := range strings.Split(f.Output(), "\n") {
		if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
			t.Errorf("a normal start and stop logged %q", l)
		}
	}
}

// TestFleetJSONLines: with -log-format json the fleet's output is JSON
// lines only, each naming its node in "node", the deployer's own lines
// included; -log-level debug lets the nodes' debug records through, and
// a normal start and stop is quiet at any level.
func TestFleetJSONLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a fleet")
	}
	f := deploytest.Start(t, "../examples/roundtrip", "-cluster", "Worker=2", "-log-format", "json", "-log-level", "debug")
	f.WaitFor("the summary", 30*time.Second, func(l string) bool {
		return strings.Contains(l, `"node":"Leader"`) && strings.Contains(l, "round trip")
	})
	f.Stop()
	nodes := map[string]bool{}
	levels := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(f.Output()), "\n") {
		var rec struct{ Node, Level, Msg string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Errorf("line %q is not JSON: %v", l, err)
			continue
		}
		if rec.Node == "" {
			t.Errorf("line %q names no node", l)
		}
		if rec.Level == "WARN" || rec.Level == "ERROR" {
			t.Errorf("a normal start and stop logged %q", l)
		}
		nodes[rec.Node], levels[rec.Level] = true, true
	}
	for _, n := range []string{"deployer", "Leader", "Worker/0", "Worker/1"} {
		if !nodes[n] {
			t.Errorf("no line from %s; saw %v", n, nodes)
		}
	}
	if !levels["DEBUG"] {
		t.Errorf("no DEBUG record at -log-level debug; saw levels %v", levels)
	}
}
