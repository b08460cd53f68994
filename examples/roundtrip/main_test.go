// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/fleettest"
)

// want is the summary for size workers: each pings back once, and the jobs
// go round robin from Worker/0.
func want(size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "round trip: workers=%d pongs=%d jobs=%d job_sum=%d; jobs per worker:", size, size, Jobs, Jobs*(Jobs+1)/2)
	for m := range size {
		fmt.Fprintf(&b, " Worker/%d=%d", m, (Jobs-m+size-1)/size)
	}
	return b.String()
}

// The same flow in one process, for several cluster sizes: the summary
// comes once, when the last answer is in.
func TestRoundTripLocal(t *testing.T) {
	for _, size := range []int{1, 2, 3, 5, Jobs + 1} {
		f := hydro.NewFlow()
		var got []string
		BuildWith(f, func(s string) { got = append(got, s) })
		r := hydro.MustLocal(f, hydro.SizeOf[Worker](size))
		r.RunAvailable()
		r.RunTicks(3) // nothing more to say
		if len(got) != 1 || got[0] != want(size) {
			t.Errorf("%d workers: summaries = %q; want [%q]", size, got, want(size))
		}
	}
}

// An impostor's answer, one naming another member, is counted as such.
func TestTallyImpostor(t *testing.T) {
	tl := newTally()
	tl.add(hydro.KV[hydro.MemberID[Worker], Answer]{Key: 0, Val: Answer{Member: 0}})
	tl.add(hydro.KV[hydro.MemberID[Worker], Answer]{Key: 1, Val: Answer{Member: 0, Job: 3}})
	if got, want := tl.summary(1), "round trip: workers=1 pongs=1 jobs=12 job_sum=0; jobs per worker: Worker/0=0; 1 answers from impostors"; got != want {
		t.Errorf("summary = %q; want %q", got, want)
	}
}

// The real thing: a leader and three workers as OS processes over TCP.
func TestRoundTripFleet(t *testing.T) {
	f := fleettest.Start(t, ".", "-cluster", "Worker=3")
	f.WaitFor("the summary", 30*time.Second, func(l string) bool {
		return l == "[Leader] "+want(3)
	})
	f.Stop()
	out := f.Output()
	if n := strings.Count(out, "round trip:"); n != 1 {
		t.Errorf("the summary was printed %d times; want once; output:\n%s", n, out)
	}
	for _, m := range []string{"Leader", "Worker/0", "Worker/1", "Worker/2"} {
		if !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly; output:\n%s", m, out)
		}
	}
}
