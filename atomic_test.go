// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

// An optional computed in an atomic region leaves it with EndAtomicOptional
// and reads as any optional of the location does: absent until the region
// has a value, then the region's value.
func TestEndAtomicOptional(t *testing.T) {
	type server struct{}
	f := hydro.NewFlow()
	srv := hydro.NewProcess[server](f)
	in, xs := hydro.NewInput[int](srv)
	tick := hydro.NewTick(srv)
	region := hydro.BeginAtomic(xs, tick)
	top := hydro.EndAtomicOptional(hydro.Max(region))
	out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(top, tick, hydro.NonDet("the test reads after each run")).IntoStream()))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := out.Drain(r); len(got) != 0 {
		t.Errorf("before any item the optional held %v; want nothing", got)
	}
	in.Push(r, 3, 9, 4)
	r.RunAvailable()
	got := out.Drain(r)
	if len(got) == 0 || got[len(got)-1] != 9 {
		t.Errorf("after 3, 9, 4 the released maximum read %v; want it to end with 9", got)
	}
	in.Push(r, 1)
	r.RunAvailable()
	if got := out.Drain(r); !slices.Contains(got, 9) || slices.Contains(got, 1) {
		t.Errorf("after 1 the released maximum read %v; want 9", got)
	}
}
