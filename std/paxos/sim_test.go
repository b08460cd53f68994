// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

var testConfig = Config{F: 1, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2}

// world is Paxos alone: payloads pushed at the proposers, the committed
// log drained from them.
type world struct {
	f         *hydro.Flow
	proposers *hydro.Cluster[Proposer]
	acceptors *hydro.Cluster[Acceptor]
	in        *hydro.Input[int]
	log       *hydro.Output[Slot[int]]
}

func build(cfg Config) world {
	f := hydro.NewFlow()
	w := world{f: f, proposers: hydro.NewCluster[Proposer](f), acceptors: hydro.NewCluster[Acceptor](f)}
	in, payloads := hydro.NewInput[int](w.proposers)
	_, ckpts := hydro.NewInput[Checkpoint](w.acceptors)
	w.in = in
	w.log = hydro.NewOutput(Sequence(w.proposers, w.acceptors, payloads, ckpts, cfg, hydro.NonDet("any proposer may lead")))
	return w
}

// healBound is how many fault-free periods the cluster may take to commit
// every payload once the faults have healed: a new leader within
// Timeout + Stagger periods of the last heartbeat, and a period for each
// phase.
const healBound = 12

// chooses runs Paxos with two proposers and three acceptors under the
// given faults: payloads come while the faults strike, then in fault-free
// periods every payload not yet committed is sent again. It checks that no
// slot is committed with two values, that every payload is committed
// within healBound periods of the faults healing, and that the log then
// has no hole.
func chooses(cfg Config, faults func(w world) []hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		w := build(cfg)
		opts := append(faults(w), hydro.Size(w.proposers, 2), hydro.Size(w.acceptors, 3))
		r := s.Local(w.f, opts...)
		chosen := map[int][]int{}
		done := map[int]bool{}
		observe := func() {
			for _, sl := range w.log.Drain(r) {
				if old, ok := chosen[sl.Slot]; ok && !slices.Equal(old, sl.Batch) {
					s.Fatalf("slot %d committed twice, with %v and with %v", sl.Slot, old, sl.Batch)
				}
				chosen[sl.Slot] = sl.Batch
				for _, v := range sl.Batch {
					done[v] = true
				}
			}
		}
		send := func(vs ...int) {
			for _, v := range vs {
				if !done[v] {
					w.in.PushTo(r, 0, v)
					w.in.PushTo(r, 1, v)
				}
			}
		}
		send(1, 2)
		r.Advance(3 * cfg.Period)
		observe()
		send(3)
		r.Advance(5 * cfg.Period) // every fault strikes and heals by the end
		observe()
		all := []int{1, 2, 3, 4}
		for round := 0; len(done) < len(all); round++ {
			s.Assert(round < healBound, "after %d fault-free periods only %v of %v are committed; log %v", round, done, all, chosen)
			send(all...)
			r.Advance(cfg.Period)
			observe()
		}
		for slot := range len(chosen) {
			_, ok := chosen[slot]
			s.Assert(ok, "the log has a hole at slot %d: %v", slot, chosen)
		}
	}
}

func noFaults(world) []hydro.LocalOption { return nil }

func crashesAndPartitions(w world) []hydro.LocalOption {
	return []hydro.LocalOption{sim.Crashes(2), sim.Durable(w.acceptors), sim.Partitions(2)}
}

func TestPaxosNoFaults(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 100}, chooses(testConfig, noFaults))
}

// TestPaxosFaults: proposers and acceptors crash (acceptors keep their
// state), links are cut and heal, messages are lost on the cut links and
// reordered among senders: one value per slot, and progress once healed.
func TestPaxosFaults(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 60
	}
	sim.Random(t, sim.Config{Runs: runs}, chooses(testConfig, crashesAndPartitions))
}

// TestPaxosQuorumTooSmall: with quorums of F instead of F+1, two leaders
// can each commit their own value in one slot; the simulator finds it.
func TestPaxosQuorumTooSmall(t *testing.T) {
	broken := testConfig
	broken.shrink = 1
	seeds := make([]uint64, 2000)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	n, fail := sim.Search(seeds, chooses(broken, crashesAndPartitions))
	if fail == nil {
		t.Fatalf("%d executions of Paxos with quorums of one acceptor in three found nothing; want two values in one slot", n)
	}
	t.Logf("found at seed %d (execution %d): %s", fail.Seed, n, fail.Message)
	if want := "committed twice"; !strings.Contains(fail.Message, want) {
		t.Errorf("failure %q; want a slot %s", fail.Message, want)
	}
}
