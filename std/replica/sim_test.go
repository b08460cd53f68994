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

type client struct{}
type kvReplica struct{}

var pcfg = paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2}

// system is a replicated KV store: a client process, two proposers, three
// acceptors and two replicas.
type system struct {
	f         *hydro.Flow
	proposers *hydro.Cluster[paxos.Proposer]
	acceptors *hydro.Cluster[paxos.Acceptor]
	replicas  *hydro.Cluster[kvReplica]
	in        *hydro.Input[replica.Request[replica.KVOp]]
	answers   *hydro.Output[replica.Response[string]]
	applied   *hydro.Output[paxos.Slot[replica.Request[replica.KVOp]]]
}

func buildSystem() system {
	f := hydro.NewFlow()
	nd := hydro.NonDet("clients retry what a change of leader drops")
	s := system{f: f, proposers: hydro.NewCluster[paxos.Proposer](f), acceptors: hydro.NewCluster[paxos.Acceptor](f), replicas: hydro.NewCluster[kvReplica](f)}
	c := hydro.NewProcess[client](f)
	in, reqs := hydro.NewInput[replica.Request[replica.KVOp]](c)
	fwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](s.acceptors, hydro.Unordered)
	log := paxos.Sequence(s.proposers, s.acceptors, hydro.Broadcast(reqs, s.proposers, nd), ckpts, pcfg, nd)
	out := replica.Replicate(s.replicas, hydro.Broadcast(log, s.replicas, nd), replica.NewKV, replica.Config{Checkpoint: 2}, nd)
	fwd.Complete(hydro.Broadcast(out.Checkpoints, s.acceptors, nd))
	s.in = in
	s.answers = hydro.NewOutput(hydro.Gather(out.Responses, c).Values())
	s.applied = hydro.NewOutput(out.Applied)
	return s
}

// scripts are three clients' operations on one key.
var scripts = [][]replica.KVOp{
	{{Put: true, Key: "x", Value: "1"}, {Key: "x"}, {Put: true, Key: "y", Value: "a"}},
	{{Put: true, Key: "x", Value: "2"}, {Key: "y"}, {Key: "x"}},
	{{Key: "x"}, {Put: true, Key: "x", Value: "3"}, {Key: "x"}},
}

// opBound is how many fault-free periods an operation may wait for its
// answer once the faults have healed.
const opBound = 12

// linearizable drives the clients at points the simulator chooses, each
// with one request in flight that it sends again every period until
// answered, while the faults strike (all in the first periods: they have
// healed when those end); then checks that the answers are linearizable,
// that the replicas applied the same log, and that every operation called
// after the faults healed was answered within opBound periods.
func linearizable(faults func(system) []hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		sys := buildSystem()
		r := s.Local(sys.f, append(faults(sys), hydro.Size(sys.proposers, 2), hydro.Size(sys.acceptors, 3), hydro.Size(sys.replicas, 2))...)
		var h sim.History
		next := make([]int, len(scripts))     // how many ops each client called
		inFlight := make([]int, len(scripts)) // the op id in flight, 0 if idle
		waited := make([]int, len(scripts))   // periods it has waited since the faults healed
		id := 0
		logs := make([][]paxos.Slot[replica.Request[replica.KVOp]], 2)
		for round := 0; ; round++ {
			idle := true
			for c, script := range scripts {
				if inFlight[c] == 0 && next[c] < len(script) && (round == 0 || s.Choose(2, fmt.Sprintf("client %d calls now", c)) == 1) {
					id++
					op := script[next[c]]
					next[c]++
					inFlight[c], waited[c] = id, 0
					h.Call(id, c, sim.KVInput{Put: op.Put, Key: op.Key, Value: op.Value})
				}
				if inFlight[c] != 0 {
					sys.in.Push(r, replica.Request[replica.KVOp]{Client: uint64(c), Seq: uint64(next[c]), Op: script[next[c]-1]})
					if round > 0 {
						waited[c]++
						s.Assert(waited[c] <= opBound, "client %d waited %d fault-free periods for op %d", c, waited[c], inFlight[c])
					}
				}
				if inFlight[c] != 0 || next[c] < len(script) {
					idle = false
				}
			}
			if idle {
				break
			}
			if round == 0 {
				r.Advance(4 * pcfg.Period) // the faults strike and heal
			} else {
				r.Advance(pcfg.Period)
			}
			for _, a := range sys.answers.Drain(r) {
				if c := a.Client; inFlight[c] != 0 && a.Seq == uint64(next[c]) {
					h.Return(inFlight[c], a.Result)
					inFlight[c] = 0
				}
			}
			for m := range logs {
				logs[m] = append(logs[m], sys.applied.DrainMember(r, m)...)
			}
		}
		if err := h.CheckKV(); err != nil {
			s.Fatalf("%v", err)
		}
		for i := range min(len(logs[0]), len(logs[1])) {
			a, b := logs[0][i], logs[1][i]
			s.Assert(a.Slot == i && b.Slot == i && fmt.Sprint(a.Batch) == fmt.Sprint(b.Batch),
				"replicas applied different logs at %d: %v and %v", i, a, b)
		}
	}
}

func crashes(sys system) []hydro.LocalOption {
	return []hydro.LocalOption{sim.Crashes(2, sys.proposers, sys.acceptors), sim.Durable(sys.acceptors)}
}

// TestKVLinearizable: three clients on a replicated KV store, with up to
// two crashes of proposers and acceptors: every history is linearizable,
// both replicas apply the same log, and every operation is answered.
func TestKVLinearizable(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 60
	}
	sim.Random(t, sim.Config{Runs: runs}, linearizable(crashes))
}
