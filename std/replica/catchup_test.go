// SPDX-License-Identifier: Apache-2.0

package replica_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
)

// lossy is the replicated KV store of system, where replica 1 never
// receives the commits of slots 1 and 2, as when a partition cuts it off
// from the leader while they are committed.
func lossy(rcfg replica.Config) system {
	f := hydro.NewFlow()
	nd := hydro.NonDet("clients retry what a change of leader drops")
	s := system{f: f, proposers: hydro.NewCluster[paxos.Proposer](f), acceptors: hydro.NewCluster[paxos.Acceptor](f), replicas: hydro.NewCluster[kvReplica](f)}
	c := hydro.NewProcess[client](f)
	in, reqs := hydro.NewInput[replica.Request[replica.KVOp]](c)
	fwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](s.acceptors, hydro.Unordered)
	log := paxos.Sequence(s.proposers, s.acceptors, hydro.Broadcast(reqs, s.proposers, nd), ckpts, pcfg, nd)
	type slot = paxos.Slot[replica.Request[replica.KVOp]]
	atReplicas := hydro.FilterMap(hydro.CrossSingleton(hydro.Broadcast(log, s.replicas, nd), s.replicas.SelfID()),
		func(p hydro.Pair[slot, hydro.MemberID[kvReplica]]) (slot, bool) {
			return p.Left, p.Right != 1 || p.Left.Slot < 1 || p.Left.Slot > 2
		})
	out := replica.Replicate(s.replicas, atReplicas, replica.NewKV, rcfg, nd)
	fwd.Complete(hydro.Broadcast(out.Checkpoints, s.acceptors, nd))
	s.in = in
	s.answers = hydro.NewOutput(hydro.Gather(out.Responses, c).Values())
	s.applied = hydro.NewOutput(out.Applied)
	return s
}

// catchUpBound is how many periods the replicas may take to apply the
// same log once every request is answered.
const catchUpBound = 10

// lagging runs six clients' puts, one each, a new client every period,
// each resent every period until answered, on lossy; then, for catchUpBound periods, it waits for both
// replicas to have applied the same log. With converge, they must; without,
// replica 1 must still be stuck below the hole at slot 1.
func lagging(rcfg replica.Config, converge bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		sys := lossy(rcfg)
		r := s.Local(sys.f, hydro.Size(sys.proposers, 2), hydro.Size(sys.acceptors, 3), hydro.Size(sys.replicas, 2))
		const clients = 6
		answered := map[uint64]bool{}
		var logs [2][]string
		drain := func() {
			for _, a := range sys.answers.Drain(r) {
				answered[a.Client] = true
			}
			for m := range logs {
				for _, sl := range sys.applied.DrainMember(r, m) {
					logs[m] = append(logs[m], fmt.Sprint(sl))
				}
			}
		}
		for round := 0; len(answered) < clients; round++ {
			s.Assert(round < 40, "after %d periods %d of %d puts answered", round, len(answered), clients)
			for c := range uint64(min(round+1, clients)) { // a new client each period
				if !answered[c] {
					sys.in.Push(r, replica.Request[replica.KVOp]{Client: c, Seq: 1, Op: replica.KVOp{Put: true, Key: fmt.Sprint("k", c), Value: "v"}})
				}
			}
			r.Advance(pcfg.Period)
			drain()
		}
		s.Assert(len(logs[0]) >= 3, "replica 0 applied %d slots; want the lost ones and more", len(logs[0]))
		same := func() bool { return fmt.Sprint(logs[0]) == fmt.Sprint(logs[1]) }
		for range catchUpBound {
			if same() {
				break
			}
			r.Advance(pcfg.Period)
			drain()
		}
		if converge {
			s.Assert(same(), "after %d more periods the replicas applied\n%v\nand\n%v", catchUpBound, logs[0], logs[1])
		} else {
			s.Assert(len(logs[1]) == 1, "without catch-up replica 1 applied %v past the hole at slot 1", logs[1])
		}
	}
}

// TestCatchUpConverges: replica 1 misses the commits of two slots for
// good; with catch-up it fetches them from replica 0 and applies the
// same log.
func TestCatchUpConverges(t *testing.T) {
	cfg := replica.Config{Checkpoint: 2, CatchUp: 200 * time.Millisecond, Replicas: 2, CatchUpBatch: 1}
	sim.Random(t, sim.Config{Runs: 50}, lagging(cfg, true))
}

// TestNoCatchUpDiverges is the control: without catch-up, replica 1 holds
// every later slot behind the hole, and applies nothing past slot 0.
func TestNoCatchUpDiverges(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 20}, lagging(replica.Config{Checkpoint: 2}, false))
}
