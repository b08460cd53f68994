// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
)

// CompartmentConfig sizes and times a compartmentalized Multi-Paxos
// instance.
type CompartmentConfig struct {
	// Grid arranges the acceptors; the acceptors cluster runs
	// Grid.Size() members.
	Grid Grid
	// Proxies is how many proxy leaders run: the ProxyLeader cluster's
	// size.
	Proxies int
	// Replicas is how many replicas send checkpoints (Config.Replicas).
	Replicas int
	// Period, Timeout and Stagger time the leader's heartbeats and the
	// elections, as in Config.
	Period  time.Duration
	Timeout int
	Stagger int
	// Retry is how many periods the leader waits for a slot's commit
	// before it sends the slot again, through the next proxy leader to
	// the next column; a proxy leader forgets a slot it heard nothing of
	// for as long. At least 1.
	Retry int

	// readByCount takes any Grid.Cols promises for a read quorum instead
	// of one in every column: the broken variant the tests expect the
	// simulator to catch.
	readByCount bool
}

func (c CompartmentConfig) check() {
	if err := c.Grid.check(); err != nil {
		panic(err.Error())
	}
	if c.Proxies < 1 || c.Replicas < 0 || c.Period <= 0 || c.Timeout < 1 || c.Stagger < 0 || c.Retry < 1 {
		panic(fmt.Sprintf("paxos: CompartmentConfig needs Proxies ≥ 1, Replicas ≥ 0, Period > 0, Timeout ≥ 1, Stagger ≥ 0, Retry ≥ 1; got %+v", c))
	}
}

// config is the leader election's part of c.
func (c CompartmentConfig) config() Config {
	return Config{Replicas: c.Replicas, Period: c.Period, Timeout: c.Timeout, Stagger: c.Stagger}
}

// read is the read quorum rule of the proposers.
func (c CompartmentConfig) read() func(ids []hydro.MemberID[Acceptor]) bool {
	if c.readByCount {
		return func(ids []hydro.MemberID[Acceptor]) bool { return len(ids) >= c.Grid.Cols }
	}
	return c.Grid.ReadQuorum
}

// SequenceCompartmentalized runs compartmentalized Multi-Paxos (Whittaker
// et al.): the proposers elect a leader as Sequence does, with a read
// quorum of the acceptor grid (an acceptor in every column, see Grid);
// the leader hands each slot's p2a to one proxy leader, which sends it to
// one column of the grid (both picked by the slot and how often it was
// sent), collects the column's
// p2bs and announces the chosen slot. It returns the log at the proxy
// leaders: every slot at least once (a slot sent again may be announced
// again, with the same value), in any order, each a batch of the payloads
// the leader took in one tick, or a no-op.
//
// payloads, checkpoints and nd are as for Sequence. The leader keeps each
// slot until a proxy leader reports its commit, and sends it again every
// CompartmentConfig.Retry periods with the next try, which moves on to the
// next proxy leader, and once every proxy leader was tried, to the next
// column: a crashed proxy leader or an acceptor missing from a column
// delays a slot but does not lose it. A route on which a slot had to be
// sent again is suspect: new slots avoid it until a commit comes through
// it or 10·Retry periods pass, so that a failure delays a few slots, not
// every slot routed through it.
func SequenceCompartmentalized[P any](proposers *hydro.Cluster[Proposer], proxies *hydro.Cluster[ProxyLeader], acceptors *hydro.Cluster[Acceptor], payloads hydro.Stream[P, *hydro.Cluster[Proposer]], checkpoints hydro.Stream[Checkpoint, *hydro.Cluster[Acceptor]], cfg CompartmentConfig, nd hydro.NonDet) hydro.Stream[Slot[P], *hydro.Cluster[ProxyLeader]] {
	cfg.check()
	feedback, fed := hydro.ForwardRef[event[P]](proposers, hydro.Unordered)
	read := cfg.read()
	acts := proposerSteps(proposers, payloads, fed, func(self hydro.MemberID[Proposer]) *proposer[P] {
		p := newProposer[P](cfg.config(), self)
		p.read, p.retry = read, cfg.Retry
		p.routes, p.suspect = cfg.Proxies*cfg.Grid.Cols, map[int]bool{}
		return p
	}, cfg.Period, nd)

	// Phase 1 goes from the candidate to every acceptor; phase 2 to a
	// proxy leader.
	requests := hydro.FlatMap(acts, func(a actions[P]) []toAcceptor[P] { return a.ToAcceptors })
	p1a := hydro.Broadcast(requests.Filter(func(m toAcceptor[P]) bool { return m.Kind == kindP1a }), acceptors, nd)
	p2a := hydro.Demux(hydro.IntoKeyed(hydro.FilterMap(requests, func(m toAcceptor[P]) (hydro.KV[hydro.MemberID[ProxyLeader], toAcceptor[P]], bool) {
		to, _ := route(m.Slot, m.Try, cfg.Proxies, cfg.Grid.Cols)
		return hydro.KV[hydro.MemberID[ProxyLeader], toAcceptor[P]]{Key: hydro.MemberID[ProxyLeader](to), Val: m}, m.Kind == kindP2a
	})), proxies)

	p2bFwd, p2b := hydro.ForwardRef[reply[P]](proxies, hydro.Unordered)
	pacts := proxySteps(proxies, p2a, p2b, cfg, nd)
	toAcc := hydro.Demux(hydro.IntoKeyed(hydro.FlatMap(pacts, func(a proxyActions[P]) []hydro.KV[hydro.MemberID[Acceptor], toAcceptor[P]] { return a.ToAcceptors })), acceptors)

	p1b, p2bs := gridAcceptors(acceptors, hydro.Merge(p1a, toAcc), checkpoints, cfg.Replicas, nd)
	p2bFwd.Complete(hydro.Demux(p2bs, proxies))

	committed := hydro.Demux(hydro.IntoKeyed(hydro.FlatMap(pacts, func(a proxyActions[P]) []hydro.KV[hydro.MemberID[Proposer], commitKey] { return a.Committed })), proposers)
	refused := hydro.Demux(hydro.IntoKeyed(hydro.FlatMap(pacts, func(a proxyActions[P]) []hydro.KV[hydro.MemberID[Proposer], reply[P]] { return a.Refusals })), proposers)
	heartbeats := hydro.Broadcast(hydro.FlatMap(acts, func(a actions[P]) []Ballot { return a.Heartbeats }), proposers, nd)
	feedback.Complete(hydro.Merge(
		hydro.Map(hydro.Merge(hydro.Demux(p1b, proposers), refused), func(r reply[P]) event[P] { return event[P]{Kind: evReply, Reply: r} }),
		hydro.Map(committed, func(k commitKey) event[P] { return event[P]{Kind: evCommitted, Key: k} }),
		hydro.Map(heartbeats, func(b Ballot) event[P] { return event[P]{Kind: evHeartbeat, Ballot: b} }),
	))
	return hydro.FlatMap(pacts, func(a proxyActions[P]) []Slot[P] { return a.Commits })
}

// proxySteps runs each proxy leader's state machine over the leader's
// p2as, the acceptors' p2bs and a timer.
func proxySteps[P any](proxies *hydro.Cluster[ProxyLeader], p2a hydro.Stream[toAcceptor[P], *hydro.Cluster[ProxyLeader]], p2b hydro.Stream[reply[P], *hydro.Cluster[ProxyLeader]], cfg CompartmentConfig, nd hydro.NonDet) hydro.Stream[proxyActions[P], *hydro.Cluster[ProxyLeader]] {
	timer := hydro.Map(hydro.SourceInterval(proxies, cfg.Period, nd), func(time.Duration) proxyEvent[P] { return proxyEvent[P]{Kind: pxTimer} })
	events := hydro.AssumeOrdered(hydro.Merge(
		hydro.Map(p2a, func(m toAcceptor[P]) proxyEvent[P] { return proxyEvent[P]{Kind: pxP2a, P2a: m} }),
		hydro.Map(p2b, func(r reply[P]) proxyEvent[P] { return proxyEvent[P]{Kind: pxP2b, Reply: r} }),
		timer,
	), nd)
	type selfEvent = hydro.Pair[proxyEvent[P], hydro.MemberID[ProxyLeader]]
	return hydro.Scan(hydro.CrossSingleton(events, proxies.SelfID()), func() *proxy[P] { return nil },
		func(x **proxy[P], e selfEvent) proxyActions[P] {
			if *x == nil {
				*x = newProxy[P](e.Right, cfg.Grid, cfg.Proxies, cfg.Retry)
			}
			return (*x).step(e.Left)
		})
}

// gridAcceptors is the acceptors' side: the same acceptor as Sequence's,
// answering a p1a to its candidate and a p2a to the proxy leader that sent
// it.
func gridAcceptors[P any](acceptors *hydro.Cluster[Acceptor], requests hydro.Stream[toAcceptor[P], *hydro.Cluster[Acceptor]], checkpoints hydro.Stream[Checkpoint, *hydro.Cluster[Acceptor]], replicas int, nd hydro.NonDet) (hydro.KeyedStream[hydro.MemberID[Proposer], reply[P], *hydro.Cluster[Acceptor]], hydro.KeyedStream[hydro.MemberID[ProxyLeader], reply[P], *hydro.Cluster[Acceptor]]) {
	ckpts := hydro.Map(checkpoints, func(c Checkpoint) toAcceptor[P] {
		return toAcceptor[P]{Kind: kindCheckpoint, Slot: c.Slot, From: c.Replica}
	})
	in := hydro.AssumeOrdered(hydro.Merge(requests, ckpts), nd)
	type selfMsg = hydro.Pair[toAcceptor[P], hydro.MemberID[Acceptor]]
	type answer struct {
		to    uint32 // the candidate (p1b) or the proxy leader (p2b)
		r     reply[P]
		valid bool
	}
	out := hydro.Scan(hydro.CrossSingleton(in, acceptors.SelfID()), func() *acceptor[P] { return nil },
		func(a **acceptor[P], m selfMsg) answer {
			if *a == nil {
				*a = newAcceptor[P](m.Right, replicas)
			}
			r, ok := (*a).step(m.Left)
			to := uint32(r.Key)
			if m.Left.Kind == kindP2a {
				to = m.Left.From
			}
			return answer{to: to, r: r.Val, valid: ok}
		})
	p1b := hydro.FilterMap(out, func(a answer) (hydro.KV[hydro.MemberID[Proposer], reply[P]], bool) {
		return hydro.KV[hydro.MemberID[Proposer], reply[P]]{Key: hydro.MemberID[Proposer](a.to), Val: a.r}, a.valid && a.r.P1b
	})
	p2b := hydro.FilterMap(out, func(a answer) (hydro.KV[hydro.MemberID[ProxyLeader], reply[P]], bool) {
		return hydro.KV[hydro.MemberID[ProxyLeader], reply[P]]{Key: hydro.MemberID[ProxyLeader](a.to), Val: a.r}, a.valid && !a.r.P1b
	})
	return hydro.IntoKeyed(p1b), hydro.IntoKeyed(p2b)
}
