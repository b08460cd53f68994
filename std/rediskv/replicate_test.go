// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

type (
	front      struct{}
	client     struct{}
	kvReplicas struct{}
)

var testConfig = Config{
	Paxos:   paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2},
	Replica: replica.Config{Checkpoint: 2, CatchUp: 200 * time.Millisecond, Replicas: 2},
	Retry:   100 * time.Millisecond,
}

// system is a replicated store: a front end, two proposers, three
// acceptors and two replicas.
type system struct {
	f         *hydro.Flow
	proposers *hydro.Cluster[paxos.Proposer]
	acceptors *hydro.Cluster[paxos.Acceptor]
	replicas  *hydro.Cluster[kvReplicas]
	kv        Replicated[front, kvReplicas]
	applied   *hydro.Output[paxos.Slot[replica.Request[[]resp.Command]]]
}

func buildSystem(cfg Config) system {
	f := hydro.NewFlow()
	s := system{f: f, proposers: hydro.NewCluster[paxos.Proposer](f), acceptors: hydro.NewCluster[paxos.Acceptor](f), replicas: hydro.NewCluster[kvReplicas](f)}
	s.kv = Replicate(hydro.NewProcess[front](f), hydro.NewExternal[client](f), s.proposers, s.acceptors, s.replicas, cfg,
		hydro.NonDet("any proposer may lead; connections interleave in the log"))
	s.applied = hydro.NewOutput(s.kv.Applied)
	return s
}

func (s system) sizes() []hydro.LocalOption {
	return []hydro.LocalOption{hydro.Size(s.proposers, 2), hydro.Size(s.acceptors, 3), hydro.Size(s.replicas, 2)}
}

func words(s string) resp.Command { return resp.Command{Args: strings.Fields(s)} }

// TestReplicateLocal: clients pipeline commands on two connections; each
// gets its replies in order, once the log has committed them, and both
// replicas apply the same log.
func TestReplicateLocal(t *testing.T) {
	sys := buildSystem(testConfig)
	r := hydro.MustLocal(sys.f, sys.sizes()...)
	a, b := sys.kv.Port.Connect(r), sys.kv.Port.Connect(r)
	a.Send(words("SET k 1"), words("INCR k"), words("GET k"))
	b.Send(words("PING"), words("MSET x 1 y 2"), words("NOPE"))
	var gotA, gotB []string
	for i := 0; i < 100 && (len(gotA) < 3 || len(gotB) < 3); i++ {
		r.Advance(testConfig.Paxos.Period)
		for _, v := range a.Receive() {
			gotA = append(gotA, v.String())
		}
		for _, v := range b.Receive() {
			gotB = append(gotB, v.String())
		}
	}
	if got, want := strings.Join(gotA, "|"), `OK|(integer) 2|"2"`; got != want {
		t.Errorf("a received %s; want %s", got, want)
	}
	if got, want := strings.Join(gotB, "|"), "PONG|OK|(error) ERR unknown command 'NOPE'"; got != want {
		t.Errorf("b received %s; want %s", got, want)
	}
	b.Send(words("MGET k x z"), words("DEL k x"), words("EXISTS k y"))
	gotB = nil
	for i := 0; i < 100 && len(gotB) < 3; i++ {
		r.Advance(testConfig.Paxos.Period)
		for _, v := range b.Receive() {
			gotB = append(gotB, v.String())
		}
	}
	if got, want := strings.Join(gotB, "|"), `["2" "1" (nil)]|(integer) 2|(integer) 1`; got != want {
		t.Errorf("b received %s; want %s", got, want)
	}
	logs := [2]string{fmt.Sprint(sys.applied.DrainMember(r, 0)), fmt.Sprint(sys.applied.DrainMember(r, 1))}
	if logs[0] != logs[1] || !strings.Contains(logs[0], "MGET") {
		t.Errorf("replicas applied\n%s\nand\n%s\nwant the same log, to the MGET", logs[0], logs[1])
	}
}
