// SPDX-License-Identifier: Apache-2.0

package twopc

import (
	"time"

	"github.com/hydro-go/hydro"
)

// ledger is the coordinator's record of one transaction. Within a tick the
// carried record and this tick's news about the transaction (its arrival,
// votes, acknowledgements) are folded into one: every field is or-ed, so
// the fold does not depend on their order. The carried record is the
// coordinator's log: a tick's decisions are in it before the tick's
// messages leave.
type ledger[T any] struct {
	Known    bool   // carried from an earlier tick
	Begun    bool   // the transaction has arrived: Payload is set
	Payload  T      // kept until decided, for prepares sent again
	Answered uint64 // members whose vote has arrived, yes or no
	Yes      uint64 // members that voted yes
	Acked    uint64 // members that acknowledged the decision
	Decided  bool
	Commit   bool
}

func (acc *ledger[T]) merge(s ledger[T]) {
	// The carried payload wins over a second arrival of the same id, which
	// the caller promised not to make.
	if s.Begun && (!acc.Begun || s.Known) {
		acc.Payload = s.Payload
	}
	acc.Known = acc.Known || s.Known
	acc.Begun = acc.Begun || s.Begun
	acc.Answered |= s.Answered
	acc.Yes |= s.Yes
	acc.Acked |= s.Acked
	acc.Decided = acc.Decided || s.Decided
	acc.Commit = acc.Commit || s.Commit
}

// move is what the coordinator does with a transaction in one tick.
type move[T any] struct {
	next      ledger[T]
	keep      bool   // carry next to the next tick
	announce  bool   // the decision was taken in this tick
	prepareTo uint64 // members to send the prepare to
	decideTo  uint64 // members to send the decision to
}

// steer takes the coordinator's step for a transaction whose record is s
// after this tick's news, when the retry timer fired fired times since the
// last tick: it decides once every member voted yes (commit) or one voted
// no (abort), and sends what each member still lacks. quorum is the yes
// votes a commit needs: n, unless a test breaks the protocol.
func steer[T any](s ledger[T], fired, n, quorum int) move[T] {
	if !s.Known && !s.Begun {
		// Votes or acknowledgements for a transaction already forgotten.
		return move[T]{}
	}
	everyone := all(n)
	m := move[T]{next: s, keep: true}
	m.next.Known = true
	switch {
	case s.Decided:
		if s.Acked&everyone == everyone {
			m.keep = false // every member has recorded it: forget
		} else if fired > 0 {
			m.decideTo = everyone &^ s.Acked
		}
	case s.Answered&^s.Yes != 0 || count(s.Yes&everyone) >= quorum:
		m.next.Decided = true
		m.next.Commit = s.Answered&^s.Yes == 0
		var zero T
		m.next.Payload = zero
		m.announce = true
		m.decideTo = everyone
	case !s.Known:
		m.prepareTo = everyone
	case fired > 0:
		m.prepareTo = everyone &^ s.Answered
	}
	return m
}

// coordinate is the coordinator's side: the transactions and the
// participants' replies in, the outcomes and the requests to the
// participants out.
func coordinate[C, P, T any](at *hydro.Process[C], participants *hydro.Cluster[P], txns hydro.Stream[Txn[T], *hydro.Process[C]], replies hydro.Stream[hydro.KV[hydro.MemberID[P], reply], *hydro.Process[C]], n, quorum int, retry time.Duration, nd hydro.NonDet) (hydro.Stream[Outcome, *hydro.Process[C]], hydro.Stream[request[T], *hydro.Cluster[P]]) {
	type entry = hydro.KV[uint64, ledger[T]]
	tick := hydro.NewTick(at)
	carried, old := hydro.TickCycle[entry](tick, hydro.Unordered)

	arrived := hydro.Map(hydro.Batch(txns, tick, nd), func(t Txn[T]) entry {
		return entry{Key: t.ID, Val: ledger[T]{Begun: true, Payload: t.Payload}}
	})
	heard := hydro.Map(hydro.Batch(replies, tick, nd), func(kv hydro.KV[hydro.MemberID[P], reply]) entry {
		bit := uint64(1) << uint(kv.Key)
		var l ledger[T]
		switch kv.Val.Kind {
		case yes:
			l.Answered, l.Yes = bit, bit
		case no:
			l.Answered = bit
		case ack:
			l.Acked = bit
		}
		return entry{Key: kv.Val.ID, Val: l}
	})
	folded := hydro.FoldKeyed(hydro.IntoKeyed(hydro.Merge(arrived, heard, old)), func() ledger[T] { return ledger[T]{} }, (*ledger[T]).merge, hydro.Commutative).Entries()

	fired := hydro.SingletonOf(tick, 0)
	if retry > 0 {
		fired = hydro.Count(hydro.Batch(hydro.SourceInterval(at, retry, nd), tick, nd))
	}
	type step = hydro.KV[uint64, move[T]]
	steps := hydro.Map(hydro.CrossSingleton(folded, fired), func(p hydro.Pair[entry, int]) step {
		return step{Key: p.Left.Key, Val: steer(p.Left.Val, p.Right, n, quorum)}
	})
	carried.Complete(hydro.FilterMap(steps, func(s step) (entry, bool) { return entry{Key: s.Key, Val: s.Val.next}, s.Val.keep }))

	outcomes := hydro.FilterMap(steps, func(s step) (Outcome, bool) {
		return Outcome{ID: s.Key, Commit: s.Val.next.Commit}, s.Val.announce
	})
	type addressed = hydro.KV[hydro.MemberID[P], request[T]]
	sends := hydro.FlatMapUnordered(steps, func(s step) []addressed {
		var out []addressed
		for set := s.Val.prepareTo; set != 0; set &= set - 1 {
			out = append(out, addressed{Key: memberOf[P](set), Val: request[T]{ID: s.Key, Kind: prepare, Payload: s.Val.next.Payload}})
		}
		decision := abort
		if s.Val.next.Commit {
			decision = commit
		}
		for set := s.Val.decideTo; set != 0; set &= set - 1 {
			out = append(out, addressed{Key: memberOf[P](set), Val: request[T]{ID: s.Key, Kind: decision}})
		}
		return out
	})
	requests := hydro.Demux(hydro.IntoKeyed(hydro.AllTicks(sends)), participants)
	return hydro.AllTicks(outcomes), requests
}

// memberOf is the member of the lowest bit of a non-empty set.
func memberOf[P any](set uint64) hydro.MemberID[P] {
	return hydro.MemberID[P](trailingZeros(set))
}
