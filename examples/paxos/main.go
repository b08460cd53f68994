// SPDX-License-Identifier: Apache-2.0

// Command paxos is a replicated key-value store on Multi-Paxos, tolerating
// one failure: two proposers, three acceptors and two replicas (package
// paxos and package replica), and a client that runs a fixed list of
// operations one at a time, sending each to every proposer again every
// period until a replica answers, and printing each answer.
//
//	go run ./examples/paxos -cluster Proposer=2 -cluster Acceptor=3 -cluster Replica=2
//
// The client prints "done" after its last answer. Stop it with Ctrl-C.
package main

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
)

// Client runs the operations.
type Client struct{}

// Replica holds a copy of the store.
type Replica struct{}

// Config is the Paxos configuration: f = 1, a heartbeat every 100ms, an
// election after 5 silent periods (10 for proposer 1).
var Config = paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 5, Stagger: 5}

// Ops is what the client runs, in order.
var Ops = []replica.KVOp{
	{Put: true, Key: "a", Value: "1"},
	{Put: true, Key: "b", Value: "2"},
	{Key: "a"},
	{Put: true, Key: "a", Value: "3"},
	{Key: "a"},
	{Key: "b"},
	{Key: "c"},
}

// Build is the whole flow; the client prints its answers.
func Build(f *hydro.Flow) {
	BuildWith(f, func(line string) { fmt.Println(line) })
}

// BuildWith is the flow, reporting each of the client's lines to report.
func BuildWith(f *hydro.Flow, report func(string)) {
	nd := hydro.NonDet("the client retries what a change of leader drops")
	client := hydro.NewProcess[Client](f)
	proposers := hydro.NewCluster[paxos.Proposer](f)
	acceptors := hydro.NewCluster[paxos.Acceptor](f)
	replicas := hydro.NewCluster[Replica](f)

	answersFwd, answers := hydro.ForwardRef[replica.Response[string]](client, hydro.Unordered)
	timer := hydro.Map(hydro.SourceInterval(client, Config.Period, nd), func(time.Duration) clientEvent { return clientEvent{Tick: true} })
	events := hydro.AssumeOrdered(hydro.Merge(timer, hydro.Map(answers, func(a replica.Response[string]) clientEvent { return clientEvent{Answer: a} })), nd)
	steps := hydro.Scan(events, func() driver { return driver{} }, (*driver).step)
	requests := hydro.FlatMap(steps, func(s clientStep) []replica.Request[replica.KVOp] { return s.send })
	hydro.ForEach(hydro.FlatMap(steps, func(s clientStep) []string { return s.print }), report)

	ckptsFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
	log := paxos.Sequence(proposers, acceptors, hydro.Broadcast(requests, proposers, nd), ckpts, Config, nd)
	out := replica.Replicate(replicas, hydro.Broadcast(log, replicas, nd), replica.NewKV, replica.Config{Checkpoint: 4}, nd)
	ckptsFwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
	answersFwd.Complete(hydro.Gather(out.Responses, client).Values())
}

// clientEvent is the client's timer firing, or an answer.
type clientEvent struct {
	Tick   bool
	Answer replica.Response[string]
}

// clientStep is what the client does on an event: requests to send, lines
// to print.
type clientStep struct {
	send  []replica.Request[replica.KVOp]
	print []string
}

// driver runs Ops one at a time: op i is request i+1, sent at once and
// again on every tick until answered.
type driver struct {
	done int // ops answered
}

func (d *driver) request() []replica.Request[replica.KVOp] {
	if d.done >= len(Ops) {
		return nil
	}
	return []replica.Request[replica.KVOp]{{Client: 1, Seq: uint64(d.done + 1), Op: Ops[d.done]}}
}

func (d *driver) step(e clientEvent) clientStep {
	if e.Tick {
		return clientStep{send: d.request()}
	}
	if a := e.Answer; a.Seq != uint64(d.done+1) {
		return clientStep{} // another replica's answer, or a retry's
	}
	var s clientStep
	s.print = append(s.print, describe(Ops[d.done], e.Answer.Result))
	d.done++
	if d.done == len(Ops) {
		s.print = append(s.print, "done")
	}
	s.send = d.request()
	return s
}

func describe(op replica.KVOp, result string) string {
	if op.Put {
		return fmt.Sprintf("put %s=%s: ok", op.Key, op.Value)
	}
	return fmt.Sprintf("get %s: %q", op.Key, result)
}

func main() { deploy.Main(Build) }
