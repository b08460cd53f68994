// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/resp"
)

// scripts are three clients' commands on two keys.
var scripts = [][]sim.KVInput{
	{{Put: true, Key: "x", Value: "1"}, {Key: "x"}, {Put: true, Key: "y", Value: "a"}, {Key: "x"}},
	{{Key: "x"}, {Put: true, Key: "x", Value: "2"}, {Key: "y"}, {Key: "x"}},
	{{Key: "x"}, {Key: "y"}, {Put: true, Key: "x", Value: "3"}, {Key: "x"}},
}

func command(op sim.KVInput) resp.Command {
	if op.Put {
		return resp.Command{Args: []string{"SET", op.Key, op.Value}}
	}
	return resp.Command{Args: []string{"GET", op.Key}}
}

// opBound is how many fault-free periods a command may wait for its reply
// once the faults have healed: a new leader within Timeout + Stagger
// periods, a retry, and the phases.
const opBound = 12

// linearizable has three redis clients, each a connection to the front
// end with one command in flight, call at points the simulator chooses
// while the faults strike (all in the first periods); then it checks that
// the replies are linearizable, that both replicas applied the same log,
// and that every command called after the faults healed was answered
// within opBound periods.
func linearizable(cfg Config, faults func(system) []hydro.LocalOption) func(*sim.Sim) {
	return func(s *sim.Sim) {
		sys := buildSystem(cfg)
		r := s.Local(sys.f, append(faults(sys), sys.sizes()...)...)
		conns := make([]*hydro.LocalClient[resp.Command, resp.Value], len(scripts))
		for c := range conns {
			conns[c] = sys.kv.Port.Connect(r)
		}
		var h sim.History
		next := make([]int, len(scripts))     // how many commands each client called
		inFlight := make([]int, len(scripts)) // the op id in flight, 0 if idle
		waited := make([]int, len(scripts))   // periods waited since the faults healed
		id := 0
		for round := 0; ; round++ {
			idle := true
			for c, script := range scripts {
				if inFlight[c] == 0 && next[c] < len(script) && (round == 0 || s.Choose(2, fmt.Sprintf("client %d calls now", c)) == 1) {
					id++
					op := script[next[c]]
					next[c]++
					inFlight[c], waited[c] = id, 0
					h.Call(id, c, op)
					conns[c].Send(command(op))
				}
				if inFlight[c] != 0 && round > 0 {
					waited[c]++
					s.Assert(waited[c] <= opBound, "client %d waited %d fault-free periods for op %d", c, waited[c], inFlight[c])
				}
				if inFlight[c] != 0 || next[c] < len(script) {
					idle = false
				}
			}
			if idle {
				break
			}
			if round == 0 {
				r.Advance(4 * cfg.Paxos.Period) // the faults strike and heal
			} else {
				r.Advance(cfg.Paxos.Period)
			}
			for c, conn := range conns {
				for _, v := range conn.Receive() {
					s.Assert(inFlight[c] != 0, "client %d got %v with no command in flight", c, v)
					out := v.Str
					if scripts[c][next[c]-1].Put {
						s.Assert(v.Kind == resp.SimpleKind && v.Str == "OK", "client %d: SET got %v", c, v)
						out = ""
					}
					h.Return(inFlight[c], out)
					inFlight[c] = 0
				}
			}
		}
		if err := h.CheckKV(); err != nil {
			s.Fatalf("%v", err)
		}
		logs := [2][]string{}
		for m := range logs {
			for _, sl := range sys.applied.DrainMember(r, m) {
				logs[m] = append(logs[m], fmt.Sprint(sl))
			}
		}
		for i := range min(len(logs[0]), len(logs[1])) {
			s.Assert(logs[0][i] == logs[1][i], "replicas applied different logs at %d: %v and %v", i, logs[0][i], logs[1][i])
		}
	}
}

func crashes(sys system) []hydro.LocalOption {
	return []hydro.LocalOption{sim.Crashes(2, sys.proposers, sys.acceptors), sim.Durable(sys.acceptors)}
}

// TestReplicateLinearizable: three redis clients of the replicated store,
// with up to two crashes of proposers and acceptors: every history of
// replies is linearizable, both replicas apply the same log, and every
// command is answered.
func TestReplicateLinearizable(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 60
	}
	sim.Random(t, sim.Config{Runs: runs}, linearizable(testConfig, crashes))
}

// TestReplicateLinearizablePartitions: the same with a crash and two cuts
// of links anywhere (what crosses a cut link is lost, commits to a
// replica included, which catch-up then fills).
func TestReplicateLinearizablePartitions(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 40
	}
	sim.Random(t, sim.Config{Runs: runs}, linearizable(testConfig, func(sys system) []hydro.LocalOption {
		return []hydro.LocalOption{sim.Crashes(1, sys.proposers, sys.acceptors), sim.Durable(sys.acceptors), sim.Partitions(2)}
	}))
}

// TestReplicateAnswerBeforeCommit: a front end that acknowledges a SET
// before the log commits it lets another client read the old value
// after the acknowledgement; the simulator finds such a history.
func TestReplicateAnswerBeforeCommit(t *testing.T) {
	broken := testConfig
	broken.early = true
	seeds := make([]uint64, 2000)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	n, fail := sim.Search(seeds, linearizable(broken, crashes))
	if fail == nil {
		t.Fatalf("%d executions of a front end that answers SET before commit found nothing; want a history that is not linearizable", n)
	}
	t.Logf("found at seed %d (execution %d): %s", fail.Seed, n, fail.Message)
	if want := "not linearizable"; !strings.Contains(fail.Message, want) {
		t.Errorf("failure %q; want a history %s", fail.Message, want)
	}
}
