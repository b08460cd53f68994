// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/bench/internal/netbench"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
)

// B8 paxos, in one process: 100 closed-loop clients (netbench.Closed)
// propose 16-byte requests to a replicated log, f = 1, and each request is
// answered once the first replica applied it. Every node runs in the one
// goroutine that drives the loop, messages encoded as on the wire
// (hydro.Local over the in-memory transport). Reported: ns/commit, the
// time per answered request (the inverse of the throughput), and the p50
// and p99 latency of the timed iterations.
//
//	hydro         std/paxos: 2 proposers, 3 acceptors, 2 replicas
//	              (std/replica), proposer 0 leading; one round is one
//	              RunTicks(1), in which every node ticks once
//	hydro_dead1   the same with one acceptor of three dead: the cluster
//	              runs two, and no reply from the third ever comes
//	hydro_cpaxos  std/paxos compartmentalized: 2 proposers, 2 proxy
//	              leaders, 4 acceptors in a 2×2 grid, 2 replicas
//	raft          bench/peers: etcd raft, 3 RawNodes with MemoryStorage,
//	              stepped in turn by the same goroutine, messages handed
//	              over in memory

// b8Clients is how many requests the loop keeps in flight.
const b8Clients = 100

func BenchmarkB8Paxos(b *testing.B) {
	n, warm := netbench.PaxosSizes()
	b.Run(fmt.Sprintf("op=paxos,clients=%d,n=%d", b8Clients, n), func(b *testing.B) {
		for _, im := range paxosImpls() {
			b.Run("impl="+im.Name, func(b *testing.B) { netbench.Bench(b, im, n, warm, "ns/commit") })
		}
	})
}

func paxosImpls() []netbench.Impl {
	return []netbench.Impl{
		{Name: "hydro", Start: func() (*netbench.Run, error) { return hydroPaxos(false, 0) }},
		{Name: "hydro_dead1", Start: func() (*netbench.Run, error) { return hydroPaxos(false, 1) }},
		{Name: "hydro_cpaxos", Start: func() (*netbench.Run, error) { return hydroPaxos(true, 0) }},
	}
}

// TestPaxos runs every implementation of B8 for a few hundred commits and
// checks that stopping it leaves no goroutine behind.
func TestPaxos(t *testing.T) {
	for _, im := range paxosImpls() {
		t.Run("impl="+im.Name, func(t *testing.T) { netbench.Test(t, im, 3*b8Clients+50) })
	}
}

// b8Store is the replicas' machine: it keeps each client's latest request
// and answers it.
type b8Store struct{ last map[uint64]netbench.Req }

func (s *b8Store) Apply(q netbench.Req) netbench.Req {
	s.last[q.ID%b8Clients] = q
	return q
}

type b8Replica struct{}

var b8Config = paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2}

var b8Compartment = paxos.CompartmentConfig{Grid: paxos.Grid{Rows: 2, Cols: 2}, Proxies: 2, Replicas: 2,
	Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2, Retry: 2}

// hydroPaxos builds the flow, elects proposer 0 on the virtual clock, and
// returns the loop, which proposes at proposer 0 and takes replica 0's
// answers. Without compartments, dead of the 2F+1 acceptors never run.
func hydroPaxos(compartment bool, dead int) (*netbench.Run, error) {
	f := hydro.NewFlow()
	nd := hydro.NonDet("a benchmark: proposer 0 leads throughout")
	proposers := hydro.NewCluster[paxos.Proposer](f)
	acceptors := hydro.NewCluster[paxos.Acceptor](f)
	replicas := hydro.NewCluster[b8Replica](f)
	in, reqs := hydro.NewInput[replica.Request[netbench.Req]](proposers)
	ckptsFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
	opts := []hydro.LocalOption{hydro.Size(proposers, 2), hydro.Size(replicas, 2)}
	var atReplicas hydro.Stream[paxos.Slot[replica.Request[netbench.Req]], *hydro.Cluster[b8Replica]]
	period := b8Config.Period
	if compartment {
		proxies := hydro.NewCluster[paxos.ProxyLeader](f)
		log := paxos.SequenceCompartmentalized(proposers, proxies, acceptors, reqs, ckpts, b8Compartment, nd)
		atReplicas = hydro.Broadcast(log, replicas, nd)
		opts = append(opts, hydro.Size(proxies, b8Compartment.Proxies), hydro.Size(acceptors, b8Compartment.Grid.Size()))
	} else {
		log := paxos.Sequence(proposers, acceptors, reqs, ckpts, b8Config, nd)
		atReplicas = hydro.Broadcast(log, replicas, nd)
		opts = append(opts, hydro.Size(acceptors, 2*b8Config.F+1-dead))
	}
	newStore := func() replica.Machine[netbench.Req, netbench.Req] {
		return &b8Store{last: map[uint64]netbench.Req{}}
	}
	out := replica.Replicate(replicas, atReplicas, newStore, replica.Config{Checkpoint: 64}, nd)
	ckptsFwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
	// Replica 0 answers: the other applies the same log.
	first := hydro.FilterMap(hydro.CrossSingleton(out.Responses, replicas.SelfID()), func(p hydro.Pair[replica.Response[netbench.Req], hydro.MemberID[b8Replica]]) (netbench.Req, bool) {
		return p.Left.Result, p.Right == 0
	})
	answers := hydro.NewOutput(first)
	r, err := hydro.NewLocal(f, opts...)
	if err != nil {
		return nil, err
	}

	// Proposer 0 leads once its timeout passed and a quorum promised.
	probe := replica.Request[netbench.Req]{Client: b8Clients, Seq: 1}
	for i := 0; ; i++ {
		if i == 50 {
			return nil, fmt.Errorf("b8: no commit after %d periods of virtual time", i)
		}
		in.PushTo(r, 0, probe)
		r.Advance(period)
		if len(answers.Drain(r)) > 0 {
			break
		}
	}

	var batch []replica.Request[netbench.Req]
	step := func(submit, answered []netbench.Req) []netbench.Req {
		batch = batch[:0]
		for _, q := range submit {
			batch = append(batch, replica.Request[netbench.Req]{Client: q.ID % b8Clients, Seq: q.ID/b8Clients + 1, Op: q})
		}
		in.PushTo(r, 0, batch...)
		r.RunTicks(1)
		return answers.DrainInto(r, answered)
	}
	return netbench.Closed(b8Clients, step, nil), nil
}
