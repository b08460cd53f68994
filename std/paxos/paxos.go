// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/quorum"
)

// Config sizes and times a Multi-Paxos instance.
type Config struct {
	// F is how many acceptors may fail: the acceptors cluster runs 2F+1
	// members, and every quorum is F+1 of them.
	F int
	// Replicas is how many replicas send checkpoints: an acceptor forgets
	// its log below the lowest checkpoint once all of them have reported.
	// With 0 the log is never collected.
	Replicas int
	// Period is the proposers' timer: a leader sends its heartbeat every
	// period, and the others count the periods they hear none.
	Period time.Duration
	// Timeout is how many quiet periods proposer 0 waits before it runs
	// for leader, and again after a campaign that failed.
	Timeout int
	// Stagger is how many more periods each next proposer waits: proposer
	// i waits Timeout + i*Stagger, so that one usually runs alone.
	Stagger int

	// shrink makes quorums smaller than F+1: the broken Paxos the tests
	// expect the simulator to catch.
	shrink int
}

// quorum is how many acceptors make a quorum.
func (c Config) quorum() int { return c.F + 1 - c.shrink }

func (c Config) check() {
	if c.F < 0 || c.Replicas < 0 || c.Period <= 0 || c.Timeout < 1 || c.Stagger < 0 {
		panic(fmt.Sprintf("paxos: Config needs F ≥ 0, Replicas ≥ 0, Period > 0, Timeout ≥ 1, Stagger ≥ 0; got %+v", c))
	}
}

// Sequence runs Multi-Paxos over the proposers and the acceptors (2F+1 of
// them) and returns the log as it is committed, at the proposer that led
// when each slot was chosen: every slot once, in any order, each a batch of
// the payloads the leader took in one tick, or a no-op.
//
// payloads reach the proposers; those that reach a proposer that is not
// the leader, or a leader that is preempted before its slot is chosen, are
// dropped, so a client sends to every proposer and retries. checkpoints
// are the replicas' reports of what they applied: send each to every
// acceptor (an acceptor collects its log below the lowest of all
// Config.Replicas replicas).
//
// nd is the caller's reason why it does not mind which proposer leads,
// when, and how payloads are cut into batches: payloads may be dropped
// while the leader changes, and the log's order depends on arrival.
func Sequence[P any](proposers *hydro.Cluster[Proposer], acceptors *hydro.Cluster[Acceptor], payloads hydro.Stream[P, *hydro.Cluster[Proposer]], checkpoints hydro.Stream[Checkpoint, *hydro.Cluster[Acceptor]], cfg Config, nd hydro.NonDet) hydro.Stream[Slot[P], *hydro.Cluster[Proposer]] {
	cfg.check()

	// Everything a proposer learns from the others comes back through
	// this cycle: acceptors' replies, quorums reached, heartbeats.
	feedback, fed := hydro.ForwardRef[event[P]](proposers, hydro.Unordered)

	acts := proposerSteps(proposers, payloads, fed, func(self hydro.MemberID[Proposer]) *proposer[P] {
		return newProposer[P](cfg, self)
	}, cfg.Period, nd)

	// Phase 1 and phase 2 requests go to every acceptor, on one channel.
	requests := hydro.FlatMap(acts, func(a actions[P]) []toAcceptor[P] { return a.ToAcceptors })
	replies := acceptorsFlow(acceptors, hydro.Broadcast(requests, acceptors, nd), checkpoints, cfg, nd)
	atProposers := hydro.Demux(replies, proposers)

	// A slot is committed when a quorum accepted it at the leader's ballot.
	votes := hydro.FilterMap(atProposers, func(r reply[P]) (hydro.KV[commitKey, quorum.Response], bool) {
		v := hydro.KV[commitKey, quorum.Response]{Key: commitKey{Slot: r.Slot, Ballot: r.Ballot}}
		if !r.OK {
			v.Val.Err = "preempted by " + r.Max.String()
		}
		return v, !r.P1b
	})
	committed, _ := quorum.Collect(hydro.IntoKeyed(votes), cfg.quorum(), 2*cfg.F+1, nd)

	heartbeats := hydro.Broadcast(hydro.FlatMap(acts, func(a actions[P]) []Ballot { return a.Heartbeats }), proposers, nd)
	feedback.Complete(hydro.Merge(
		// Promises, refusals and the ballots that preempt a leader; an
		// accepted p2b counts only towards its quorum.
		hydro.FilterMap(atProposers, func(r reply[P]) (event[P], bool) {
			return event[P]{Kind: evReply, Reply: r}, r.P1b || !r.OK
		}),
		hydro.Map(committed, func(k commitKey) event[P] { return event[P]{Kind: evCommitted, Key: k} }),
		hydro.Map(heartbeats, func(b Ballot) event[P] { return event[P]{Kind: evHeartbeat, Ballot: b} }),
	))
	return hydro.FlatMap(acts, func(a actions[P]) []Slot[P] { return a.Commits })
}

// acceptorsFlow is the acceptors' side: each takes the proposers' requests
// and the replicas' checkpoints one at a time, and answers the proposer
// whose ballot a request carries.
func acceptorsFlow[P any](acceptors *hydro.Cluster[Acceptor], requests hydro.Stream[toAcceptor[P], *hydro.Cluster[Acceptor]], checkpoints hydro.Stream[Checkpoint, *hydro.Cluster[Acceptor]], cfg Config, nd hydro.NonDet) hydro.KeyedStream[hydro.MemberID[Proposer], reply[P], *hydro.Cluster[Acceptor]] {
	ckpts := hydro.Map(checkpoints, func(c Checkpoint) toAcceptor[P] {
		return toAcceptor[P]{Kind: kindCheckpoint, Slot: c.Slot, From: c.Replica}
	})
	in := hydro.AssumeOrdered(hydro.Merge(requests, ckpts), nd)
	type selfMsg = hydro.Pair[toAcceptor[P], hydro.MemberID[Acceptor]]
	type answer = hydro.KV[hydro.MemberID[Proposer], reply[P]]
	type maybe struct {
		a  answer
		ok bool
	}
	out := hydro.Scan(hydro.CrossSingleton(in, acceptors.SelfID()), func() *acceptor[P] { return nil },
		func(a **acceptor[P], m selfMsg) maybe {
			if *a == nil {
				*a = newAcceptor[P](m.Right, cfg.Replicas)
			}
			r, ok := (*a).step(m.Left)
			return maybe{r, ok}
		})
	return hydro.IntoKeyed(hydro.FilterMap(out, func(m maybe) (answer, bool) { return m.a, m.ok }))
}

// proposerSteps runs each proposer's state machine, made by newP, over its
// events: a timer every period, each tick's payloads as one batch, and
// what comes back through fed. It returns what each step does.
func proposerSteps[P any](proposers *hydro.Cluster[Proposer], payloads hydro.Stream[P, *hydro.Cluster[Proposer]], fed hydro.Stream[event[P], *hydro.Cluster[Proposer]], newP func(hydro.MemberID[Proposer]) *proposer[P], period time.Duration, nd hydro.NonDet) hydro.Stream[actions[P], *hydro.Cluster[Proposer]] {
	// The payloads of one tick become one batch, one slot of the log.
	tick := hydro.NewTick(proposers)
	inTick := hydro.Collect(hydro.Batch(hydro.AssumeOrdered(payloads, nd), tick, nd))
	batches := hydro.AllTicks(hydro.FilterMapSingleton(inTick, func(b []P) (event[P], bool) {
		return event[P]{Kind: evPayloads, Batch: b}, len(b) > 0
	}).IntoStream())
	timer := hydro.Map(hydro.SourceInterval(proposers, period, nd), func(time.Duration) event[P] { return event[P]{Kind: evTimer} })

	events := hydro.AssumeOrdered(hydro.Merge(timer, batches, fed), nd)
	type selfEvent = hydro.Pair[event[P], hydro.MemberID[Proposer]]
	return hydro.Scan(hydro.CrossSingleton(events, proposers.SelfID()), func() *proposer[P] { return nil },
		func(p **proposer[P], e selfEvent) actions[P] {
			if *p == nil {
				*p = newP(e.Right)
			}
			return (*p).step(e.Left)
		})
}
