// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type watcher struct{}

// A heartbeat failure detector: under the simulator the timer's firing is
// interleaved with the heartbeat's arrival every way, and the detector
// reports a timeout only after a whole silent period.
func TestTimeoutUnderSim(t *testing.T) {
	n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		w := hydro.NewProcess[watcher](f)
		in, beats := hydro.NewInput[int](w)
		tick := hydro.NewTick(w)
		detector := hydro.Timeout(beats, time.Second, hydro.NonDet("a beat and a timer may race"))
		down := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotOptional(detector, tick, hydro.NonDet("checks see the detector's latest state")).IntoStream()))
		r := s.Local(f)
		in.Push(r, 1)
		r.Advance(time.Second) // a beat in the first period: alive
		s.Assert(len(down.Drain(r)) == 0, "timed out although a heartbeat arrived in the period")
		r.Advance(time.Second) // a silent period: timed out
		s.Assert(len(down.Drain(r)) > 0, "no timeout after a silent period")
	})
	if n < 2 {
		t.Errorf("%d executions; want the timer interleaved with the heartbeat", n)
	}
}
