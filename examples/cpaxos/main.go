// SPDX-License-Identifier: Apache-2.0

// Command cpaxos is a replicated key-value store on compartmentalized
// Multi-Paxos (package paxos, SequenceCompartmentalized), tolerating one
// failure among the proposers, one among the proxy leaders and one among
// the acceptors: two proposers, two proxy leaders, four acceptors in a
// 2×2 grid, two replicas (package replica), and a front process that
// clients talk to in lines, at the address the deployer prints:
//
//	$ go run ./examples/cpaxos -cluster Proposer=2 -cluster ProxyLeader=2 -cluster Acceptor=4 -cluster Replica=2
//	[deployer] port Client listening on 127.0.0.1:40123
//	...
//	$ nc 127.0.0.1 40123
//	put greeting hello
//	ok
//	get greeting
//	"hello"
//
// A line is "put KEY VALUE" (the value is the rest of the line) or
// "get KEY"; anything else is answered with a line starting "error:". The
// answers of a connection come in the order of its lines. Stop it with
// Ctrl-C.
package main

import (
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
)

// Front takes the clients' lines and sends each to the proposers until a
// replica answers it.
type Front struct{}

// Client is whoever connects: nc, or a program using deploy.Dial.
type Client struct{}

// Replica holds a copy of the store.
type Replica struct{}

// Config is the Paxos configuration: a 2×2 grid of acceptors and two
// proxy leaders, a heartbeat every 100ms, an election after 5 silent
// periods (10 for proposer 1), a slot sent again after 3 periods without
// its commit.
var Config = paxos.CompartmentConfig{
	Grid: paxos.Grid{Rows: 2, Cols: 2}, Proxies: 2, Replicas: 2,
	Period: 100 * time.Millisecond, Timeout: 5, Stagger: 5, Retry: 3,
}

// KVS is the whole flow. It returns the clients' port, for tests to
// connect to.
func KVS(f *hydro.Flow) *hydro.BidiPort[string, string, Front] {
	nd := hydro.NonDet("the front retries what a change of leader or a crash drops")
	front := hydro.NewProcess[Front](f)
	port := hydro.BidiExternal(front, hydro.NewExternal[Client](f), hydro.Lines, hydro.Lines)
	proposers := hydro.NewCluster[paxos.Proposer](f)
	proxies := hydro.NewCluster[paxos.ProxyLeader](f)
	acceptors := hydro.NewCluster[paxos.Acceptor](f)
	replicas := hydro.NewCluster[Replica](f)

	answersFwd, answers := hydro.ForwardRef[replica.Response[string]](front, hydro.Unordered)
	events := hydro.AssumeOrdered(hydro.Merge(
		hydro.Map(hydro.SourceInterval(front, Config.Period, nd), func(time.Duration) frontEvent { return frontEvent{Tick: true} }),
		hydro.Map(port.Requests().Entries(), func(kv hydro.KV[hydro.ConnID, string]) frontEvent {
			return frontEvent{Conn: kv.Key, Line: kv.Val, HasLine: true}
		}),
		hydro.Map(port.Events().Entries(), func(kv hydro.KV[hydro.ConnID, hydro.ConnEvent]) frontEvent {
			return frontEvent{Conn: kv.Key, Gone: kv.Val == hydro.Disconnected}
		}),
		hydro.Map(answers, func(a replica.Response[string]) frontEvent { return frontEvent{Answer: a, HasAnswer: true} }),
	), nd)
	steps := hydro.Scan(events, newFrontState, func(s **frontState, e frontEvent) frontStep { return (*s).step(e) })
	requests := hydro.FlatMap(steps, func(s frontStep) []replica.Request[replica.KVOp] { return s.send })
	port.Respond(hydro.IntoKeyed(hydro.FlatMap(steps, func(s frontStep) []hydro.KV[hydro.ConnID, string] { return s.answer })))

	ckptsFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
	log := paxos.SequenceCompartmentalized(proposers, proxies, acceptors, hydro.Broadcast(requests, proposers, nd), ckpts, Config, nd)
	out := replica.Replicate(replicas, hydro.Broadcast(log, replicas, nd), replica.NewKV, replica.Config{Checkpoint: 16}, nd)
	ckptsFwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
	answersFwd.Complete(hydro.Gather(out.Responses, front).Values())
	return port
}

// Build is the flow, for deploy.Main.
func Build(f *hydro.Flow) { KVS(f) }

func main() { deploy.Main(Build) }
