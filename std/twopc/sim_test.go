// SPDX-License-Identifier: Apache-2.0

package twopc_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro/sim"
)

// TestAtomicityUnderFaults: thousands of seeded executions of 3
// participants and 4 transactions (two of them refused by one member),
// with up to two crashes of any node (whose logs survive: sim.Durable)
// and two partitions, which lose what crosses them. Every execution is
// safe after every step, and within 10 retry periods (each fault may
// strike in a different one) every member has learned every outcome.
func TestAtomicityUnderFaults(t *testing.T) {
	runs := 2000
	if testing.Short() {
		runs = 200
	}
	sim.Random(t, sim.Config{Runs: runs}, func(s *sim.Sim) {
		sys := build(3, true, 0)
		sys.run(s, []uint64{1, 2, 3, 4}, 10, sim.Crashes(2), sim.Partitions(2), sim.Durable(sys.coord, sys.parts))
	})
}

// TestAtomicityExhaustive: every execution of one participant and one
// transaction, committed (id 1) or refused (id 3), without faults: every
// order of deliveries and ticks, every way of cutting them into batches
// (486 executions each). Two participants already have more than 20,000.
func TestAtomicityExhaustive(t *testing.T) {
	for _, id := range []uint64{1, 3} {
		n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
			sys := build(1, false, 0)
			sys.run(s, []uint64{id}, 0)
		})
		t.Logf("transaction %d: %d executions", id, n)
	}
}

func seeds(n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// TestBrokenQuorumCaught: a coordinator that commits on 2 yes votes of 3
// commits a transaction a member refused whenever the two yes votes
// arrive first. The simulator finds it, without any fault.
func TestBrokenQuorumCaught(t *testing.T) {
	scenario := func(s *sim.Sim) {
		sys := build(3, false, 2)
		sys.run(s, []uint64{1, 2, 3, 4}, 0)
	}
	ran, fail := sim.Search(seeds(200), scenario)
	if fail == nil {
		t.Fatalf("%d executions of a coordinator committing on 2 of 3 votes: no violation found", ran)
	}
	if !strings.Contains(fail.Message, "without a yes vote from every member") && !strings.Contains(fail.Message, "atomicity") {
		t.Errorf("found %q; want a commit without every yes vote", fail.Message)
	}
	t.Logf("found after %d executions: %s", ran, fail.Message)
}

// TestLostLogCaught: participants whose state does not survive a crash
// (no sim.Durable) forget the vote they logged; a member that voted yes,
// crashed and restarted never learns the commit. The simulator finds it.
func TestLostLogCaught(t *testing.T) {
	scenario := func(s *sim.Sim) {
		sys := build(3, true, 0)
		sys.run(s, []uint64{3, 4}, 4, sim.Crashes(1, sys.parts), sim.Durable(sys.coord))
	}
	ran, fail := sim.Search(seeds(1000), scenario)
	if fail == nil {
		t.Fatalf("%d executions with participants that lose their log: no violation found", ran)
	}
	t.Logf("found after %d executions: %s", ran, fail.Message)
}
