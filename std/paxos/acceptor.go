// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"maps"
	"slices"

	"github.com/hydro-go/hydro"
)

// acceptor is one acceptor's state machine: the promises of phase 1, the
// values of phase 2, and the log's garbage collection below the replicas'
// checkpoints.
type acceptor[P any] struct {
	self     hydro.MemberID[Acceptor]
	replicas int // how many replicas' checkpoints collection waits for

	promised    Ballot
	log         map[int]entry[P]
	checkpoints map[uint32]int // per replica, the slot below which it applied all
	gc          int            // the log below gc is forgotten
}

func newAcceptor[P any](self hydro.MemberID[Acceptor], replicas int) *acceptor[P] {
	return &acceptor[P]{self: self, replicas: replicas, log: map[int]entry[P]{}, checkpoints: map[uint32]int{}}
}

// step handles one message and returns the reply to send its proposer,
// if any.
func (a *acceptor[P]) step(m toAcceptor[P]) (hydro.KV[hydro.MemberID[Proposer], reply[P]], bool) {
	switch m.Kind {
	case kindP1a:
		return a.to(m.Ballot, a.p1a(m.Ballot)), true
	case kindP2a:
		return a.to(m.Ballot, a.p2a(m)), true
	case kindCheckpoint:
		a.checkpoint(m.From, m.Slot)
	}
	return hydro.KV[hydro.MemberID[Proposer], reply[P]]{}, false
}

func (a *acceptor[P]) to(b Ballot, r reply[P]) hydro.KV[hydro.MemberID[Proposer], reply[P]] {
	return hydro.KV[hydro.MemberID[Proposer], reply[P]]{Key: b.Proposer, Val: r}
}

// p1a promises ballot b if it is above every ballot promised so far
// (strictly: a ballot is granted once, so that a proposer that restarted
// cannot win twice with one ballot), and sends the log with the promise.
func (a *acceptor[P]) p1a(b Ballot) reply[P] {
	r := reply[P]{P1b: true, Acceptor: a.self, Ballot: b}
	if a.promised.Less(b) {
		a.promised = b
		r.OK, r.GC = true, a.gc
		for _, s := range slices.Sorted(maps.Keys(a.log)) {
			r.Log = append(r.Log, a.log[s])
		}
	}
	r.Max = a.promised
	return r
}

// p2a accepts the value unless a higher ballot was promised.
func (a *acceptor[P]) p2a(m toAcceptor[P]) reply[P] {
	r := reply[P]{Acceptor: a.self, Ballot: m.Ballot, Slot: m.Slot}
	if m.Ballot.Less(a.promised) {
		r.Max = a.promised
		return r
	}
	a.promised = m.Ballot
	if m.Slot >= a.gc {
		// Below gc the slot is decided and applied by every replica.
		a.log[m.Slot] = entry[P]{Slot: m.Slot, Ballot: m.Ballot, Batch: m.Batch}
	}
	r.OK, r.Max = true, m.Ballot
	return r
}

// checkpoint records that replica applied every slot below slot; once
// every replica has reported, the log below the lowest report goes.
func (a *acceptor[P]) checkpoint(replica uint32, slot int) {
	if a.replicas == 0 || slot <= a.checkpoints[replica] {
		return
	}
	a.checkpoints[replica] = slot
	if len(a.checkpoints) < a.replicas {
		return
	}
	low := slot
	for _, s := range a.checkpoints {
		low = min(low, s)
	}
	for s := a.gc; s < low; s++ {
		delete(a.log, s)
	}
	a.gc = max(a.gc, low)
}
