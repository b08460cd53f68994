// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

// Config sizes a replicated store (Replicate).
type Config struct {
	// Paxos configures the log; its Replicas must be the size of the
	// replicas cluster for the acceptors to collect their log.
	Paxos paxos.Config
	// Replica configures the replicas.
	Replica replica.Config
	// Retry is the front end's timer: a batch of commands unanswered for
	// a whole period is sent again, since a change of leader drops what
	// the old leader had not committed. At least Paxos.Period is sensible.
	Retry time.Duration
	// MaxPending bounds the commands of one connection that wait behind
	// its batch in flight (0: 4096). Commands past it are answered, in
	// their turn, with an error.
	MaxPending int
	// MaxBatch bounds the commands of one connection sent in one request
	// (0: 256).
	MaxBatch int

	// early acknowledges SET before the log commits it: the broken front
	// end the tests expect the simulator to catch.
	early bool
}

func (c Config) withDefaults() Config {
	if c.MaxPending == 0 {
		c.MaxPending = 4096
	}
	if c.MaxBatch == 0 {
		c.MaxBatch = 256
	}
	if c.Retry <= 0 || c.MaxPending < 1 || c.MaxBatch < 1 {
		panic(fmt.Sprintf("rediskv: Config needs Retry > 0, MaxPending ≥ 0 and MaxBatch ≥ 0; got Retry %v, MaxPending %d, MaxBatch %d", c.Retry, c.MaxPending, c.MaxBatch))
	}
	return c
}

// Replicated is what Replicate returns.
type Replicated[F, R any] struct {
	// Port is where clients connect: its name is the deployer's key for
	// its address, and a Local test connects to it.
	Port *hydro.BidiPort[resp.Command, resp.Value, F]
	// Applied is the log as each replica applies it, slot by slot: every
	// replica applies the same one.
	Applied hydro.Stream[paxos.Slot[replica.Request[[]resp.Command]], *hydro.Cluster[R]]
}

// batchMachine is the replicated state machine: a Store that applies a
// batch of one connection's commands at a time, in order, and returns
// their replies.
type batchMachine struct{ s Store }

func newBatchMachine() replica.Machine[[]resp.Command, []resp.Value] { return &batchMachine{} }

func (b *batchMachine) Apply(cmds []resp.Command) []resp.Value {
	out := make([]resp.Value, len(cmds))
	for i, c := range cmds {
		out[i] = b.s.Apply(c)
	}
	return out
}

// Replicate serves the Redis protocol at front, on a port for clients
// of ext, with every command (reads too) ordered by Multi-Paxos over
// proposers and acceptors and applied by every member of replicas: a
// client gets each reply once a replica applied its command from the
// committed log, so the store is linearizable.
//
// Each connection has one batch of its commands in the log at a time:
// those it sent while the previous batch was in the log, at most
// cfg.MaxBatch. nd is why the caller does not mind which proposer leads
// and how commands of different connections are interleaved in the log.
func Replicate[F, E, R any](front *hydro.Process[F], ext *hydro.External[E], proposers *hydro.Cluster[paxos.Proposer], acceptors *hydro.Cluster[paxos.Acceptor], replicas *hydro.Cluster[R], cfg Config, nd hydro.NonDet) Replicated[F, R] {
	cfg = cfg.withDefaults()
	port := hydro.BidiExternal(front, ext, resp.Requests, resp.Replies)

	answersFwd, answers := hydro.ForwardRef[replica.Response[[]resp.Value]](front, hydro.Unordered)
	commands := hydro.Map(port.Requests().Entries(), func(c hydro.KV[hydro.ConnID, resp.Command]) feEvent {
		return feEvent{kind: feCommand, conn: c.Key, cmd: c.Val}
	})
	closed := hydro.FilterMap(port.Events().Entries(), func(e hydro.KV[hydro.ConnID, hydro.ConnEvent]) (feEvent, bool) {
		return feEvent{kind: feClosed, conn: e.Key}, e.Val == hydro.Disconnected
	})
	timer := hydro.Map(hydro.SourceInterval(front, cfg.Retry, nd), func(time.Duration) feEvent { return feEvent{kind: feTimer} })
	answered := hydro.Map(answers, func(a replica.Response[[]resp.Value]) feEvent { return feEvent{kind: feAnswer, answer: a} })
	// NB: Merge keeps each input's order, so each connection's commands
	// reach the state machine in the order the client sent them.
	events := hydro.AssumeOrdered(hydro.Merge(commands, closed, timer, answered), nd)
	steps := hydro.Scan(events, func() *frontend { return newFrontend(cfg) }, func(fe **frontend, e feEvent) feStep { return (*fe).step(e) })
	port.Respond(hydro.IntoKeyed(hydro.FlatMap(steps, func(s feStep) []hydro.KV[hydro.ConnID, resp.Value] { return s.replies })))

	requests := hydro.FlatMap(steps, func(s feStep) []replica.Request[[]resp.Command] { return s.send })
	ckptsFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
	log := paxos.Sequence(proposers, acceptors, hydro.Broadcast(requests, proposers, nd), ckpts, cfg.Paxos, nd)
	out := replica.Replicate(replicas, hydro.Broadcast(log, replicas, nd), newBatchMachine, cfg.Replica, nd)
	ckptsFwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
	answersFwd.Complete(hydro.Gather(out.Responses, front).Values())
	return Replicated[F, R]{Port: port, Applied: out.Applied}
}
