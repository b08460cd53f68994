// SPDX-License-Identifier: Apache-2.0

package twopc

import "github.com/hydro-go/hydro"

// record is a participant's record of one transaction: its prepare record
// (the vote and the payload), carried from tick to tick until the decision
// comes, and this tick's requests about it. Every field is or-ed by the
// fold, so its result does not depend on the requests' order within a
// tick. The carried record is the participant's log: it holds the vote in
// the tick the vote is taken, before the tick's messages leave.
type record[P, T any] struct {
	Self    hydro.MemberID[P]
	Logged  bool // the prepare record: Vote and Payload are set
	Vote    bool
	Prepare bool // a prepare came in this tick
	Payload T
	Commit  bool // the decision came in this tick
	Abort   bool
}

func (acc *record[P, T]) merge(r record[P, T]) {
	if r.Logged || r.Prepare && !acc.Logged {
		acc.Payload = r.Payload
	}
	if r.Logged {
		acc.Vote = r.Vote
	}
	acc.Self = max(acc.Self, r.Self) // one member's records: all the same
	acc.Logged = acc.Logged || r.Logged
	acc.Prepare = acc.Prepare || r.Prepare
	acc.Commit = acc.Commit || r.Commit
	acc.Abort = acc.Abort || r.Abort
}

// answer is what a participant does with a transaction in one tick.
type answer[P, T any] struct {
	next     record[P, T]
	keep     bool // carry next to the next tick
	vote     kind // yes or no to send, or 0
	ack      bool // acknowledge the decision
	learned  bool // decision is new
	decision Decision[P, T]
}

// respond takes a participant's step for a transaction whose record is r
// after this tick's requests: a first prepare is voted on and logged, any
// prepare answered with the logged vote, a decision recorded (once, by a
// member that voted yes: one that voted no learned the abort as it voted)
// and acknowledged, and the record forgotten.
func respond[P, T any](r record[P, T], vote func(hydro.MemberID[P], T) bool) answer[P, T] {
	a := answer[P, T]{}
	if r.Prepare && !r.Logged {
		r.Logged, r.Vote = true, vote(r.Self, r.Payload)
		if !r.Vote {
			a.learned = true
			a.decision = Decision[P, T]{Member: r.Self, Payload: r.Payload}
		}
	}
	if r.Prepare {
		a.vote = no
		if r.Vote {
			a.vote = yes
		}
	}
	if r.Commit || r.Abort {
		// A decision for a transaction this member holds no record of was
		// recorded and acknowledged before: it is acknowledged again.
		a.ack = true
		if r.Logged && r.Vote {
			a.learned = true
			a.decision = Decision[P, T]{Member: r.Self, Payload: r.Payload, Commit: r.Commit}
		}
		return a
	}
	r.Prepare = false
	a.next, a.keep = r, r.Logged
	return a
}

// participate is the participants' side: the coordinator's requests in,
// the decisions and the replies to the coordinator out.
func participate[P, T any](members *hydro.Cluster[P], requests hydro.Stream[request[T], *hydro.Cluster[P]], vote func(hydro.MemberID[P], T) bool, nd hydro.NonDet) (hydro.Stream[Decision[P, T], *hydro.Cluster[P]], hydro.Stream[reply, *hydro.Cluster[P]]) {
	type entry = hydro.KV[uint64, record[P, T]]
	// NB: the coordinator's requests reach a member in the order they were
	// sent (one channel, one link); the order of the requests the
	// coordinator sends in one tick is arbitrary but never matters, since
	// it never sends a transaction's prepare and its decision in one tick.
	ordered := hydro.AssumeOrdered(requests, "the coordinator sends a transaction's prepares and its decision in different ticks, over one ordered channel")
	tagged := hydro.Map(hydro.CrossSingleton(ordered, members.SelfID()), func(p hydro.Pair[request[T], hydro.MemberID[P]]) entry {
		r := record[P, T]{Self: p.Right}
		switch p.Left.Kind {
		case prepare:
			r.Prepare, r.Payload = true, p.Left.Payload
		case commit:
			r.Commit = true
		case abort:
			r.Abort = true
		}
		return entry{Key: p.Left.ID, Val: r}
	})

	tick := hydro.NewTick(members)
	carried, old := hydro.TickCycle[entry](tick, hydro.Unordered)
	news := hydro.Merge(hydro.Batch(tagged, tick, nd), old)
	folded := hydro.FoldKeyed(hydro.IntoKeyed(news), func() record[P, T] { return record[P, T]{} }, (*record[P, T]).merge, hydro.Commutative).Entries()

	type step = hydro.KV[uint64, answer[P, T]]
	steps := hydro.Map(folded, func(e entry) step { return step{Key: e.Key, Val: respond(e.Val, vote)} })
	carried.Complete(hydro.FilterMap(steps, func(s step) (entry, bool) { return entry{Key: s.Key, Val: s.Val.next}, s.Val.keep }))

	decisions := hydro.FilterMap(steps, func(s step) (Decision[P, T], bool) {
		d := s.Val.decision
		d.ID = s.Key
		return d, s.Val.learned
	})
	votes := hydro.FilterMap(steps, func(s step) (reply, bool) { return reply{ID: s.Key, Kind: s.Val.vote}, s.Val.vote != 0 })
	acks := hydro.FilterMap(steps, func(s step) (reply, bool) { return reply{ID: s.Key, Kind: ack}, s.Val.ack })
	return hydro.AllTicks(decisions), hydro.AllTicks(hydro.Merge(votes, acks))
}
