// SPDX-License-Identifier: Apache-2.0

package semantics_test

import (
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/semantics"
)

// The runners name subtests after cases and the fleet keys outputs by
// position: names must be unique, and every case must say what it does.
func TestCorpusWellFormed(t *testing.T) {
	seen := map[string]bool{}
	counts := map[semantics.Runner]int{}
	for _, c := range semantics.Cases() {
		if c.Name == "" || seen[c.Name] {
			t.Errorf("case name %q is empty or repeated", c.Name)
		}
		seen[c.Name] = true
		f := hydro.NewFlow()
		e := semantics.NewEnv(hydro.NewProcess[semantics.Server](f))
		outs := c.Build(e)
		if c.Refused == "" && len(outs) == 0 {
			t.Errorf("%s has no outputs", c.Name)
		}
		if c.UntilIdle && len(c.Runs) != e.Ticks() {
			t.Errorf("%s: %d Runs for %d case ticks", c.Name, len(c.Runs), e.Ticks())
		}
		for _, o := range outs {
			if len(o.Ticks) != e.Ticks() {
				t.Errorf("%s %s: Ticks has %d ticks; the inputs span %d", c.Name, o.Name, len(o.Ticks), e.Ticks())
			}
		}
		for _, r := range semantics.Runners {
			if c.Skip(r) == "" {
				counts[r]++
			}
		}
	}
	t.Logf("%d cases; run by %v", len(seen), counts)
}
