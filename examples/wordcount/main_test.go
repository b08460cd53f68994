// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/sim"
)

const want = "counts: a=1 brown=1 dog=2 fox=2 jumps=1 lazy=1 over=1 quick=1 runs=1 sleeps=1 the=3"

// The same flow in one process, for any number of workers.
func TestWordCountLocal(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7} {
		f := hydro.NewFlow()
		var last string
		BuildWith(f, func(c []string) { last = "counts: " + strings.Join(c, " ") })
		r := hydro.MustLocal(f, hydro.SizeOf[Worker](size))
		if _, err := r.Finish(); err != nil {
			t.Fatalf("%d workers: Finish() = %v", size, err)
		}
		if last != want {
			t.Errorf("%d workers: last report = %q; want %q", size, last, want)
		}
	}
}

// The real thing: a leader and three workers as OS processes over TCP. The
// fleet stops by itself once the counts are final, with status 0.
func TestWordCountFleet(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Worker=3")
	if err := f.Wait(60 * time.Second); err != nil {
		t.Fatalf("the deployer exited with %v; want status 0\n%s", err, f.Output())
	}
	out := f.Output()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := ""
	for _, l := range lines {
		if strings.HasPrefix(l, "[Leader] counts: ") {
			last = strings.TrimPrefix(l, "[Leader] ")
		}
	}
	if last != want {
		t.Errorf("the leader's last counts = %q; want %q\n%s", last, want, out)
	}
	if !strings.Contains(out, "[deployer] finished: 4 members idle, every message delivered") {
		t.Errorf("the deployer did not say the fleet finished; output:\n%s", out)
	}
	if strings.Contains(out, "hydro idle") {
		t.Errorf("the nodes' idle reports leaked into the output:\n%s", out)
	}
	for _, m := range []string{"Leader", "Worker/0", "Worker/1", "Worker/2"} {
		if !strings.Contains(out, "["+m+"] ") || !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly; output:\n%s", m, out)
		}
	}
}

// With -keep-running the fleet of the finite flow stays up after the
// counts, until it is stopped.
func TestWordCountKeepRunning(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Worker=2", "-keep-running")
	f.WaitFor("the final counts", 30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[Leader] ") && strings.HasSuffix(l, want)
	})
	time.Sleep(time.Second) // NB: checks that nothing happens, not a race
	if out := f.Output(); strings.Contains(out, "[deployer] finished") {
		t.Errorf("the fleet finished under -keep-running:\n%s", out)
	}
	f.Stop()
}

// The same flow under the simulator: whatever the schedule and the batches,
// it ends with the totals the real fleet prints.
func TestWordCountSim(t *testing.T) {
	for _, workers := range []int{1, 3} {
		sim.Random(t, sim.Config{Runs: 30}, func(s *sim.Sim) {
			f := hydro.NewFlow()
			var last string
			BuildWith(f, func(c []string) { last = "counts: " + strings.Join(c, " ") })
			r := s.Local(f, hydro.SizeOf[Worker](workers))
			s.Finish(r)
			s.Assert(last == want, "%d workers: final counts %q; want %q", workers, last, want)
		})
	}
}

// BenchmarkWordCountExecutions measures whole executions of the flow: under
// the simulator with random choices (impl=sim), and under a plain Local with
// no choices to make (impl=local, the baseline). Each checks the totals.
func BenchmarkWordCountExecutions(b *testing.B) {
	run := func(b *testing.B, opts func(seed uint64) []hydro.LocalOption) {
		b.ReportAllocs()
		seed := uint64(0)
		for b.Loop() {
			seed++
			f := hydro.NewFlow()
			var last string
			BuildWith(f, func(c []string) { last = "counts: " + strings.Join(c, " ") })
			r := hydro.MustLocal(f, append(opts(seed), hydro.SizeOf[Worker](3))...)
			r.RunAvailable()
			if last != want {
				b.Fatalf("seed %d: last report %q; want %q", seed, last, want)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
	}
	b.Run("op=wordcount,workers=3/impl=sim", func(b *testing.B) {
		run(b, func(seed uint64) []hydro.LocalOption {
			return []hydro.LocalOption{sim.Seeded(seed).Chooser()}
		})
	})
	b.Run("op=wordcount,workers=3/impl=local", func(b *testing.B) {
		run(b, func(uint64) []hydro.LocalOption { return nil })
	})
}

// The fleet with two of its three workers in one OS process (-cores): they
// exchange their messages in memory, the leader and the third worker use
// TCP, and the counts and the fleet's finish are the same.
func TestWordCountFleetCores(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Worker=3", "-cores", "Worker=2")
	if err := f.Wait(60 * time.Second); err != nil {
		t.Fatalf("the deployer exited with %v; want status 0\n%s", err, f.Output())
	}
	out := f.Output()
	last := ""
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "[Leader] counts: ") {
			last = strings.TrimPrefix(l, "[Leader] ")
		}
	}
	if last != want {
		t.Errorf("the leader's last counts = %q; want %q\n%s", last, want, out)
	}
	if !strings.Contains(out, "[deployer] finished: 4 members idle, every message delivered") {
		t.Errorf("the deployer did not say the fleet finished; output:\n%s", out)
	}
	if strings.Contains(out, "hydro idle") {
		t.Errorf("the nodes' idle reports leaked into the output:\n%s", out)
	}
	for _, m := range []string{"Worker/0", "Worker/1"} {
		if !strings.Contains(out, "[Worker/0,Worker/1] ") || !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly in the shared process; output:\n%s", m, out)
		}
	}
	if !strings.Contains(out, `[Worker/2] `) {
		t.Errorf("Worker/2 did not run in a process of its own; output:\n%s", out)
	}
}
