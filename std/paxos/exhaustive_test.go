// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

// restarting is the tiny configuration searched exhaustively: one
// proposer and one acceptor (F = 0), one payload, one period, and a crash
// of the proposer anywhere in it, after which the proposer restarts with
// no memory of its ballot or its log: in every order of ticks, timers,
// deliveries and batches around the crash, no slot is committed with two
// values. (Progress is the random tests' to check: every further period
// multiplies the orders.)
func restarting(s *sim.Sim) {
	cfg := Config{F: 0, Period: testConfig.Period, Timeout: 1}
	w := build(cfg)
	r := s.Local(w.f, hydro.Size(w.proposers, 1), hydro.Size(w.acceptors, 1), sim.WholeArrivals(), sim.Crashes(1, w.proposers), sim.Durable(w.acceptors))
	w.in.PushTo(r, 0, 1)
	r.Advance(cfg.Period)
	chosen := map[int][]int{}
	for _, sl := range w.log.Drain(r) {
		if old, ok := chosen[sl.Slot]; ok && !slices.Equal(old, sl.Batch) {
			s.Fatalf("slot %d committed twice, with %v and with %v", sl.Slot, old, sl.Batch)
		}
		chosen[sl.Slot] = sl.Batch
	}
}

func TestPaxosExhaustive(t *testing.T) {
	// Without state hashing, so that the count is of executions that run
	// to their end: with it, most stop at a state explored before.
	if n := sim.Exhaustive(t, sim.Config{MaxExecutions: 2000, NoStateHashing: true}, restarting); n < 100 {
		t.Errorf("%d executions; want every place the crash may strike, and every order around it", n)
	}
}
