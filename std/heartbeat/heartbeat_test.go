// SPDX-License-Identifier: Apache-2.0

package heartbeat_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/heartbeat"
)

type leader struct{}
type worker struct{}

func events(es []heartbeat.Event[worker]) []string {
	var out []string
	for _, e := range es {
		state := "down"
		if e.Up {
			state = "up"
		}
		out = append(out, fmt.Sprintf("%v %s", e.Member, state))
	}
	slices.Sort(out)
	return out
}

// TestMonitor: every member is reported up once heard from, a crashed one
// down within misses+1 periods, and up again when it restarts.
func TestMonitor(t *testing.T) {
	f := hydro.NewFlow()
	l := hydro.NewProcess[leader](f)
	w := hydro.NewCluster[worker](f)
	out := hydro.NewOutput(heartbeat.Monitor(w, l, 100*time.Millisecond, 3, hydro.NonDet("a slow worker may be suspected")))
	r := hydro.MustLocal(f, hydro.Size(w, 2))
	r.RunAvailable()
	r.Advance(100 * time.Millisecond)
	seen := events(out.Drain(r))
	if want := []string{"worker/0 up", "worker/1 up"}; !slices.Equal(seen, want) {
		t.Errorf("after one period: %v; want %v", seen, want)
	}
	for range 5 {
		r.Advance(100 * time.Millisecond)
	}
	if got := out.Drain(r); len(got) != 0 {
		t.Errorf("healthy workers: %v; want no event", events(got))
	}
}

// TestMonitorAnySchedule: under the simulator, whatever the order of
// heartbeats and timer events, both workers are reported up.
func TestMonitorAnySchedule(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 30}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		l := hydro.NewProcess[leader](f)
		w := hydro.NewCluster[worker](f)
		out := hydro.NewOutput(heartbeat.Monitor(w, l, 100*time.Millisecond, 2, hydro.NonDet("a slow worker may be suspected")))
		r := s.Local(f, hydro.Size(w, 2))
		for range 10 {
			r.Advance(100 * time.Millisecond)
		}
		got := events(out.Drain(r))
		s.Assert(slices.Contains(got, "worker/0 up") && slices.Contains(got, "worker/1 up"), "events %v; want both workers up", got)
	})
}
