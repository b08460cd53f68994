// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
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
