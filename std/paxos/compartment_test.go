// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

var compartmentConfig = CompartmentConfig{
	Grid: Grid{Rows: 2, Cols: 2}, Proxies: 2,
	Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2, Retry: 2,
}

// learner tags the test's replicas: each receives the proxy leaders'
// announcements and hands them to the test with its id.
type learner struct{}

// cworld is compartmentalized Paxos with two replicas that learn the log.
type cworld struct {
	f         *hydro.Flow
	proposers *hydro.Cluster[Proposer]
	proxies   *hydro.Cluster[ProxyLeader]
	acceptors *hydro.Cluster[Acceptor]
	learners  *hydro.Cluster[learner]
	in        *hydro.Input[int]
	learned   *hydro.Output[hydro.Pair[Slot[int], hydro.MemberID[learner]]]
}

func buildCompartment(cfg CompartmentConfig) cworld {
	f := hydro.NewFlow()
	nd := hydro.NonDet("any proposer may lead")
	w := cworld{f: f, proposers: hydro.NewCluster[Proposer](f), proxies: hydro.NewCluster[ProxyLeader](f),
		acceptors: hydro.NewCluster[Acceptor](f), learners: hydro.NewCluster[learner](f)}
	in, payloads := hydro.NewInput[int](w.proposers)
	_, ckpts := hydro.NewInput[Checkpoint](w.acceptors)
	w.in = in
	log := SequenceCompartmentalized(w.proposers, w.proxies, w.acceptors, payloads, ckpts, cfg, nd)
	w.learned = hydro.NewOutput(hydro.CrossSingleton(hydro.Broadcast(log, w.learners, nd), w.learners.SelfID()))
	return w
}

func (w cworld) sizes(cfg CompartmentConfig) []hydro.LocalOption {
	return []hydro.LocalOption{hydro.Size(w.proposers, 2), hydro.Size(w.proxies, cfg.Proxies), hydro.Size(w.acceptors, cfg.Grid.Size()), hydro.Size(w.learners, 2)}
}

// cHealBound is how many fault-free periods every payload may take to be
// committed once the faults heal: an election (Timeout + Stagger periods
// after the last heartbeat), a retry of each slot through a path that lost
// a message (Retry periods), and a period for each phase.
const cHealBound = 16

// agrees runs compartmentalized Paxos under the given faults as chooses
// does Paxos, and checks what every replica learned: no slot with two
// values at any replica, nor at two replicas; every payload learned
// within cHealBound periods of the faults healing; and no hole in the log.
func agrees(cfg CompartmentConfig, faults func(w cworld) []hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		w := buildCompartment(cfg)
		r := s.Local(w.f, append(faults(w), w.sizes(cfg)...)...)
		chosen := map[int][]int{}
		at := map[int]hydro.MemberID[learner]{}
		done := map[int]bool{}
		observe := func() {
			for _, p := range w.learned.Drain(r) {
				sl := p.Left
				if old, ok := chosen[sl.Slot]; ok && !slices.Equal(old, sl.Batch) {
					s.Fatalf("slot %d committed twice: %v at %v and %v at %v", sl.Slot, old, at[sl.Slot], sl.Batch, p.Right)
				}
				chosen[sl.Slot], at[sl.Slot] = sl.Batch, p.Right
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
		r.Advance(5 * cfg.Period)
		observe()
		all := []int{1, 2, 3, 4}
		hole := func() int {
			for slot := range len(chosen) {
				if _, ok := chosen[slot]; !ok {
					return slot
				}
			}
			return -1
		}
		// A slot sent again (through another proxy leader and column) may
		// be learned after the slots above it: the log may have a hole
		// for a while, but not for longer than the bound.
		for round := 0; len(done) < len(all) || hole() >= 0; round++ {
			s.Assert(round < cHealBound, "after %d fault-free periods only %v of %v are committed; log %v, hole at %d", round, done, all, chosen, hole())
			send(all...)
			r.Advance(cfg.Period)
			observe()
		}
	}
}

func cNoFaults(cworld) []hydro.LocalOption { return nil }

func cFaults(w cworld) []hydro.LocalOption {
	return []hydro.LocalOption{sim.Crashes(2), sim.Durable(w.acceptors, w.learners), sim.Partitions(2)}
}

// TestCompartmentalizedLocal: in one process with no faults, proposer 0
// leads after its timeout, and the proxy leaders announce each period's
// payloads as one slot, in order.
func TestCompartmentalizedLocal(t *testing.T) {
	cfg := compartmentConfig
	w := buildCompartment(cfg)
	r := hydro.MustLocal(w.f, w.sizes(cfg)...)
	for range cfg.Timeout + 1 {
		r.Advance(cfg.Period)
	}
	w.in.PushTo(r, 0, 10, 11)
	w.in.PushTo(r, 1, 99) // proposer 1 follows: dropped
	r.Advance(cfg.Period)
	w.in.PushTo(r, 0, 12)
	r.Advance(cfg.Period)
	got := map[hydro.MemberID[learner]][]string{}
	for _, p := range w.learned.Drain(r) {
		got[p.Right] = append(got[p.Right], fmt.Sprintf("%d=%v", p.Left.Slot, p.Left.Batch))
	}
	want := []string{"0=[10 11]", "1=[12]"}
	for id := range hydro.MemberID[learner](2) {
		if !slices.Equal(got[id], want) {
			t.Errorf("replica %v learned %v; want %v", id, got[id], want)
		}
	}
}

func TestCompartmentalizedNoFaults(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 60}, agrees(compartmentConfig, cNoFaults))
}

// TestCompartmentalizedFaults: proposers, proxy leaders and acceptors
// crash (acceptors keep their state), links are cut and heal: every
// replica learns one value per slot, the same as every other, and the
// log fills once the faults heal.
func TestCompartmentalizedFaults(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 60
	}
	sim.Random(t, sim.Config{Runs: runs}, agrees(compartmentConfig, cFaults))
}

// TestCompartmentalizedReadQuorumByCount: a leader that takes any Cols
// promises for a read quorum (in a 2×2 grid, a whole column) may miss the
// column where a value was chosen, and choose another; the simulator
// finds it.
func TestCompartmentalizedReadQuorumByCount(t *testing.T) {
	broken := compartmentConfig
	broken.readByCount = true
	seeds := make([]uint64, 3000)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	n, fail := sim.Search(seeds, agrees(broken, cFaults))
	if fail == nil {
		t.Fatalf("%d executions with read quorums taken by count found nothing; want two values in one slot", n)
	}
	t.Logf("found at seed %d (execution %d): %s", fail.Seed, n, fail.Message)
	if want := "committed twice"; !strings.Contains(fail.Message, want) {
		t.Errorf("failure %q; want a slot %s", fail.Message, want)
	}
}
