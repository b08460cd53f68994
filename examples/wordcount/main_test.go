// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/fleettest"
)

const want = "counts: a=1 brown=1 dog=2 fox=2 jumps=1 lazy=1 over=1 quick=1 runs=1 sleeps=1 the=3"

// The same flow in one process, for any number of workers.
func TestWordCountLocal(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7} {
		f := hydro.NewFlow()
		var last string
		BuildWith(f, func(c []string) { last = "counts: " + strings.Join(c, " ") })
		r := hydro.MustLocal(f, hydro.SizeOf[Worker](size))
		r.RunAvailable()
		if last != want {
			t.Errorf("%d workers: last report = %q; want %q", size, last, want)
		}
	}
}

// The real thing: a leader and three workers as OS processes over TCP.
func TestWordCountFleet(t *testing.T) {
	f := fleettest.Start(t, ".", "-cluster", "Worker=3")
	f.WaitFor("the final counts", 30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[Leader] ") && strings.HasSuffix(l, want)
	})
	f.Stop()
	out := f.Output()
	for _, m := range []string{"Leader", "Worker/0", "Worker/1", "Worker/2"} {
		if !strings.Contains(out, "["+m+"] ") || !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly; output:\n%s", m, out)
		}
	}
}
