// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"maps"
	"slices"

	"github.com/hydro-go/hydro"
)

// Kinds of event a proposer handles.
const (
	evTimer uint8 = iota + 1
	evHeartbeat
	evReply
	evCommitted
	evPayloads
)

// event is one thing that happened to a proposer: its timer fired, a
// heartbeat or an acceptor's reply came, a phase 2 request reached its
// quorum, or a tick's payloads arrived.
type event[P any] struct {
	Kind   uint8
	Ballot Ballot    // heartbeat: the sender's
	Reply  reply[P]  // reply
	Key    commitKey // committed
	Batch  []P       // payloads
}

// actions is what a proposer does in answer to one event.
type actions[P any] struct {
	ToAcceptors []toAcceptor[P]
	Heartbeats  []Ballot
	Commits     []Slot[P]
}

// proposal is a value a leader has asked the acceptors to accept.
type proposal[P any] struct {
	ballot Ballot
	batch  []P
	idle   int    // timer periods since it was last sent
	try    uint32 // the route it was last sent on (toAcceptor.Try)
}

// proposer is one proposer's state machine: Multi-Paxos's leader election
// and both phases, one event at a time. It is deterministic: the flow
// (paxos.go) feeds it events and sends what it returns.
type proposer[P any] struct {
	cfg  Config
	self hydro.MemberID[Proposer]

	ballot  Ballot // the ballot of its latest campaign
	highest Ballot // the highest ballot it has heard of, its own included

	campaigning bool
	leader      bool
	promises    map[hydro.MemberID[Acceptor]]reply[P] // p1bs granting ballot

	quiet int // timer periods since it last heard a leader at highest

	next     int                 // the next slot a leader fills
	proposed map[int]proposal[P] // phase 2 requests not yet committed

	// read reports whether the acceptors that promised make a read
	// quorum; nil counts them against Config's F+1.
	read func(ids []hydro.MemberID[Acceptor]) bool
	// retry is how many timer periods a leader waits for a slot to be
	// committed before it sends the slot again with the next Try; 0 never.
	retry int
	// routes is how many routes a slot may take (proxy leaders × columns
	// of compartmentalized Paxos; 0 without them): a slot proposed takes
	// the first route from slot mod routes on that is not suspect, and a
	// route is suspect from a resend on it until a commit on it, or until
	// forgive periods have passed.
	routes  int
	suspect map[int]bool
	forgive int // timer periods until the suspects are forgiven
}

func newProposer[P any](cfg Config, self hydro.MemberID[Proposer]) *proposer[P] {
	return &proposer[P]{cfg: cfg, self: self, proposed: map[int]proposal[P]{}}
}

// readQuorum reports whether the promises make a read quorum.
func (p *proposer[P]) readQuorum() bool {
	if p.read == nil {
		return len(p.promises) >= p.cfg.quorum()
	}
	return p.read(slices.Collect(maps.Keys(p.promises)))
}

// timeout is how many quiet periods this proposer waits before it runs
// for leader: later for higher ids, so that proposers do not keep
// preempting each other.
func (p *proposer[P]) timeout() int { return p.cfg.Timeout + int(p.self)*p.cfg.Stagger }

// step handles one event.
func (p *proposer[P]) step(ev event[P]) actions[P] {
	var a actions[P]
	switch ev.Kind {
	case evTimer:
		p.onTimer(&a)
	case evHeartbeat:
		p.hear(ev.Ballot)
		if !ev.Ballot.Less(p.highest) && ev.Ballot.Proposer != p.self {
			p.quiet = 0
		}
	case evReply:
		if ev.Reply.P1b {
			p.onP1b(ev.Reply, &a)
		} else {
			p.hear(ev.Reply.Max)
		}
	case evCommitted:
		if pr, ok := p.proposed[ev.Key.Slot]; ok && pr.ballot == ev.Key.Ballot {
			if p.routes > 0 {
				delete(p.suspect, (ev.Key.Slot+int(pr.try))%p.routes)
			}
			delete(p.proposed, ev.Key.Slot)
			a.Commits = append(a.Commits, Slot[P]{Slot: ev.Key.Slot, Batch: pr.batch})
		}
	case evPayloads:
		if p.leader && len(ev.Batch) > 0 {
			p.propose(p.next, ev.Batch, &a)
			p.next++
		}
	}
	return a
}

// hear learns of ballot b: a leader at a lower ballot steps down, a
// campaign at a lower ballot ends.
func (p *proposer[P]) hear(b Ballot) {
	p.highest = maxBallot(p.highest, b)
	if p.ballot.Less(b) {
		p.leader, p.campaigning = false, false
	}
}

// onTimer: a leader sends its heartbeat; any other proposer counts the
// period, and runs for leader when it has heard none for its timeout.
func (p *proposer[P]) onTimer(a *actions[P]) {
	if p.leader {
		a.Heartbeats = append(a.Heartbeats, p.ballot)
		p.resend(a)
		return
	}
	p.quiet++
	if p.quiet < p.timeout() {
		return
	}
	// Run with a ballot above every one heard of: acceptors promise only
	// strictly higher ballots, so no ballot is ever used twice, not even
	// by a proposer that restarted and forgot its own.
	p.quiet = 0
	p.ballot = Ballot{Num: max(p.highest.Num, p.ballot.Num) + 1, Proposer: p.self}
	p.highest = p.ballot
	p.campaigning, p.leader = true, false
	p.promises = map[hydro.MemberID[Acceptor]]reply[P]{}
	clear(p.proposed)
	a.ToAcceptors = append(a.ToAcceptors, toAcceptor[P]{Kind: kindP1a, Ballot: p.ballot})
}

// onP1b counts a promise; with a quorum of them the proposer leads.
func (p *proposer[P]) onP1b(r reply[P], a *actions[P]) {
	p.hear(r.Max)
	if !p.campaigning || r.Ballot != p.ballot || !r.OK {
		return
	}
	p.promises[r.Acceptor] = r
	if !p.readQuorum() {
		return
	}
	p.campaigning, p.leader = false, true
	p.recommit(a)
	a.Heartbeats = append(a.Heartbeats, p.ballot)
}

// recommit proposes again, at the new ballot, every slot the quorum's logs
// hold: for each, the value accepted at the highest ballot, and a no-op
// where none of them holds one. Below the highest of their GC points every
// replica has applied the log, so recovery starts there.
func (p *proposer[P]) recommit(a *actions[P]) {
	base := 0
	for _, r := range p.promises {
		base = max(base, r.GC)
	}
	best := map[int]entry[P]{}
	for _, acc := range slices.Sorted(maps.Keys(p.promises)) {
		for _, e := range p.promises[acc].Log {
			if e.Slot < base {
				continue
			}
			if old, ok := best[e.Slot]; !ok || old.Ballot.Less(e.Ballot) {
				best[e.Slot] = e
			}
		}
	}
	top := base - 1
	for s := range best {
		top = max(top, s)
	}
	for s := base; s <= top; s++ {
		p.propose(s, best[s].Batch, a) // a hole's zero entry is a no-op
	}
	p.next = top + 1
	p.promises = nil
}

// propose asks the acceptors to accept batch for slot at the current
// ballot.
func (p *proposer[P]) propose(slot int, batch []P, a *actions[P]) {
	t := p.route(slot, 0)
	p.proposed[slot] = proposal[P]{ballot: p.ballot, batch: batch, try: t}
	a.ToAcceptors = append(a.ToAcceptors, toAcceptor[P]{Kind: kindP2a, Ballot: p.ballot, Slot: slot, Batch: batch, Try: t})
}

// route is the first try from t on whose route is not suspect: t itself
// when every route is, or without routes.
func (p *proposer[P]) route(slot int, t uint32) uint32 {
	for i := range p.routes {
		if !p.suspect[(slot+int(t)+i)%p.routes] {
			return t + uint32(i)
		}
	}
	return t
}

// forgiveRetries is how many retry intervals a suspect route stays
// suspect without news of it: a proxy leader or an acceptor that
// restarted is used again after that.
const forgiveRetries = 10

// resend sends again, with the next Try, every slot that has waited retry
// periods for its commit: the path it took (a proxy leader, a column of
// the grid) may have lost an acceptor or crashed.
func (p *proposer[P]) resend(a *actions[P]) {
	if p.retry == 0 {
		return
	}
	if p.routes > 0 {
		if p.forgive--; p.forgive <= 0 {
			clear(p.suspect)
			p.forgive = forgiveRetries * p.retry
		}
	}
	for _, s := range slices.Sorted(maps.Keys(p.proposed)) {
		pr := p.proposed[s]
		if pr.idle++; pr.idle >= p.retry {
			pr.idle = 0
			if p.routes > 0 {
				p.suspect[(s+int(pr.try))%p.routes] = true
			}
			pr.try = p.route(s, pr.try+1)
			a.ToAcceptors = append(a.ToAcceptors, toAcceptor[P]{Kind: kindP2a, Ballot: pr.ballot, Slot: s, Batch: pr.batch, Try: pr.try})
		}
		p.proposed[s] = pr
	}
}
