// SPDX-License-Identifier: Apache-2.0

// Command b8fleet is B8 (b) of the bench suite: Multi-Paxos with f = 1 (two
// proposers, three acceptors, two replicas; package paxos and package
// replica) as a fleet of OS processes, driven by one client member with
// 100 closed-loop virtual clients (package std/bench), and an aggregator
// that prints, every second, the throughput over the last 5 one-second
// windows with its 99% confidence interval, and the latency percentiles:
//
//	go run ./bench/b8fleet -cluster Proposer=2 -cluster Acceptor=3 -cluster Replica=2
//	go run ./bench/b8fleet -cluster Proposer=2 -cluster Acceptor=3 -cluster Replica=2 -tls=false
//
// Nine processes in all. With B8_PROTOCOL=cpaxos in its environment the
// log is compartmentalized Paxos instead (package paxos,
// SequenceCompartmentalized: two proxy leaders, four acceptors in a 2×2
// grid), twelve processes in all:
//
//	B8_PROTOCOL=cpaxos go run ./bench/b8fleet -cluster Proposer=2 -cluster ProxyLeader=2 -cluster Acceptor=4 -cluster Replica=2
//
// The client sends each request to both proposers,
// and again if no replica answered it within two periods of its timer
// (a request is dropped while no leader is elected). Stop it with Ctrl-C.
package main

import (
	"os"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/bench"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
)

// Client runs the virtual clients.
type Client struct{}

// Replica holds a copy of the store.
type Replica struct{}

// Aggregator prints the reports.
type Aggregator struct{}

// Clients is how many virtual clients the client member runs.
const Clients = 100

// Config is the Paxos configuration of Hydro's B8: f = 1.
var Config = paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 5, Stagger: 5}

// Compartment is the configuration of compartmentalized Paxos: f = 1
// among the proxy leaders and among the acceptors.
var Compartment = paxos.CompartmentConfig{Grid: paxos.Grid{Rows: 2, Cols: 2}, Proxies: 2, Replicas: 2,
	Period: Config.Period, Timeout: Config.Timeout, Stagger: Config.Stagger, Retry: 3}

// BenchConfig is the clients' and the aggregator's: windows of a second,
// reports over the last 5, latencies on the wall clock.
var BenchConfig = bench.Config{Clients: Clients, Window: time.Second, Last: 5}

// Build is the flow, for deploy.Main: the aggregator prints its reports.
func Build(f *hydro.Flow) {
	bench.Print(Reports(f, bench.WallClock(), os.Getenv("B8_PROTOCOL") == "cpaxos"))
}

// Reports is the whole flow, with the clients' clock, over compartmentalized
// Paxos or not; it returns the aggregator's reports.
func Reports(f *hydro.Flow, clock func() time.Duration, compartment bool) hydro.Stream[bench.Report, *hydro.Process[Aggregator]] {
	nd := hydro.NonDet("a benchmark measures timing")
	clients := hydro.NewCluster[Client](f)
	proposers := hydro.NewCluster[paxos.Proposer](f)
	acceptors := hydro.NewCluster[paxos.Acceptor](f)
	replicas := hydro.NewCluster[Replica](f)
	var proxies *hydro.Cluster[paxos.ProxyLeader] // nil: Multi-Paxos without them
	if compartment {
		proxies = hydro.NewCluster[paxos.ProxyLeader](f)
	}
	cfg := BenchConfig
	cfg.Clock = clock
	stats := bench.Run(clients, cfg, func(reqs hydro.Stream[bench.Request, *hydro.Cluster[Client]]) hydro.Stream[bench.Request, *hydro.Cluster[Client]] {
		return serve(clients, proposers, acceptors, replicas, reqs, proxies, nd)
	}, nd)
	return bench.Aggregate(stats, hydro.NewProcess[Aggregator](f), cfg, nd)
}

// serve commits each request through Paxos (compartmentalized, with
// proxies) and returns the replicas'
// answers to the client member that sent it.
func serve(clients *hydro.Cluster[Client], proposers *hydro.Cluster[paxos.Proposer], acceptors *hydro.Cluster[paxos.Acceptor], replicas *hydro.Cluster[Replica], reqs hydro.Stream[bench.Request, *hydro.Cluster[Client]], proxies *hydro.Cluster[paxos.ProxyLeader], nd hydro.NonDet) hydro.Stream[bench.Request, *hydro.Cluster[Client]] {
	answersFwd, answers := hydro.ForwardRef[bench.Request](clients, hydro.Unordered)
	timer := hydro.Map(hydro.SourceInterval(clients, Config.Period, nd), func(time.Duration) retryEvent { return retryEvent{Tick: true} })
	events := hydro.AssumeOrdered(hydro.Merge(
		hydro.Map(reqs, func(r bench.Request) retryEvent { return retryEvent{Req: r, Sent: true} }),
		hydro.Map(answers, func(r bench.Request) retryEvent { return retryEvent{Req: r} }),
		timer,
	), nd)
	steps := hydro.Scan(events, newRetrier, func(r **retrier, e retryEvent) retryStep { return (*r).step(e) })
	toPaxos := hydro.FlatMap(steps, func(s retryStep) []replica.Request[bench.Request] { return s.send })

	ckptsFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
	payloads := hydro.Broadcast(toPaxos, proposers, nd)
	var atReplicas hydro.Stream[paxos.Slot[replica.Request[bench.Request]], *hydro.Cluster[Replica]]
	if proxies != nil {
		atReplicas = hydro.Broadcast(paxos.SequenceCompartmentalized(proposers, proxies, acceptors, payloads, ckpts, Compartment, nd), replicas, nd)
	} else {
		atReplicas = hydro.Broadcast(paxos.Sequence(proposers, acceptors, payloads, ckpts, Config, nd), replicas, nd)
	}
	out := replica.Replicate(replicas, atReplicas, newEcho, replica.Config{Checkpoint: 64}, nd)
	ckptsFwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
	back := hydro.Map(out.Responses, func(r replica.Response[bench.Request]) hydro.KV[hydro.MemberID[Client], bench.Request] {
		return hydro.KV[hydro.MemberID[Client], bench.Request]{Key: hydro.MemberID[Client](r.Result.Client / Clients), Val: r.Result}
	})
	answersFwd.Complete(hydro.Demux(hydro.IntoKeyed(back), clients))
	return hydro.FlatMap(steps, func(s retryStep) []bench.Request { return s.answer })
}

func main() { deploy.Main(Build) }
