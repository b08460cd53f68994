// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/sim"
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

// checkSummaries checks what the leader reported, however the flow ran (in
// one process, under the simulator, as a fleet): the summary for size
// workers, once.
func checkSummaries(got []string, size int) error {
	if w := want(size); !slices.Equal(got, []string{w}) {
		return fmt.Errorf("%d workers: summaries = %q; want [%q]", size, got, w)
	}
	return nil
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
		if err := checkSummaries(got, size); err != nil {
			t.Error(err)
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
	f := deploytest.Start(t, ".", "-cluster", "Worker=3")
	f.WaitFor("the summary", 30*time.Second, func(l string) bool {
		return l == "[Leader] "+want(3)
	})
	f.Stop()
	out := f.Output()
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "round trip:"); i >= 0 {
			got = append(got, l[i:])
		}
	}
	if err := checkSummaries(got, 3); err != nil {
		t.Errorf("%v; output:\n%s", err, out)
	}
	for _, m := range []string{"Leader", "Worker/0", "Worker/1", "Worker/2"} {
		if !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly; output:\n%s", m, out)
		}
	}
}

// The same flow under the simulator, for several cluster sizes: whatever
// the schedule and the batches, the leader reports the summary the real
// fleet prints, once.
func TestRoundTripSim(t *testing.T) {
	for _, size := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("workers=%d", size), func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 40}, func(s *sim.Sim) {
				f := hydro.NewFlow()
				var got []string
				BuildWith(f, func(l string) { got = append(got, l) })
				r := s.Local(f, hydro.SizeOf[Worker](size))
				s.RunAvailable(r)
				r.RunTicks(3) // nothing more to say
				s.RunAvailable(r)
				if err := checkSummaries(got, size); err != nil {
					s.Fatalf("%v", err)
				}
			})
		})
	}
}
