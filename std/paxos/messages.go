// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"

	"github.com/hydro-go/hydro"
)

// Proposer tags the cluster of proposers: each may become the leader,
// which sequences the payloads.
type Proposer struct{}

// Acceptor tags the cluster of acceptors: 2F+1 members that remember
// promises and accepted values.
type Acceptor struct{}

// Ballot orders leaders: by number, then by proposer. A proposer never uses
// one ballot twice; the zero Ballot is below every ballot a proposer uses.
type Ballot struct {
	_        struct{} `cbor:",toarray"`
	Num      uint32
	Proposer hydro.MemberID[Proposer]
}

// Less reports whether b is below o.
func (b Ballot) Less(o Ballot) bool {
	if b.Num != o.Num {
		return b.Num < o.Num
	}
	return b.Proposer < o.Proposer
}

func (b Ballot) String() string { return fmt.Sprintf("%d.%d", b.Num, uint32(b.Proposer)) }

// maxBallot is the larger of a and b.
func maxBallot(a, b Ballot) Ballot {
	if a.Less(b) {
		return b
	}
	return a
}

// Slot is one committed entry of the log: the payloads a leader took in
// one tick, in the order it took them. An empty Batch is a no-op, which a
// new leader commits into a hole of the log it recovered.
type Slot[P any] struct {
	_     struct{} `cbor:",toarray"`
	Slot  int
	Batch []P
}

// Checkpoint is a replica's report that it has applied every slot below
// Slot: acceptors forget the log below the lowest checkpoint of all
// replicas.
type Checkpoint struct {
	_       struct{} `cbor:",toarray"`
	Replica uint32
	Slot    int
}

// Kinds of message an acceptor takes in.
const (
	kindP1a uint8 = iota + 1
	kindP2a
	kindCheckpoint
)

// toAcceptor is what reaches an acceptor: a proposer's phase 1 or phase 2
// request, or a replica's checkpoint. Proposers send both phases on one
// channel, so an acceptor sees them in the order they were sent.
type toAcceptor[P any] struct {
	_      struct{} `cbor:",toarray"`
	Kind   uint8
	Ballot Ballot
	Slot   int // p2a: the slot; checkpoint: the slot below which all is applied
	Batch  []P // p2a: the value
	// From is, on a checkpoint, the replica's number; on a p2a of
	// compartmentalized Paxos, the proxy leader that sent it.
	From uint32
	// Try is, on a p2a of compartmentalized Paxos, the route the leader
	// sends it on: with the slot, it picks the proxy leader and the grid's
	// column (route).
	Try uint32
}

// entry is a value an acceptor accepted for a slot, with its ballot.
type entry[P any] struct {
	_      struct{} `cbor:",toarray"`
	Slot   int
	Ballot Ballot
	Batch  []P
}

// reply is an acceptor's answer to a proposer: a p1b or a p2b, for the
// request at Ballot. Max is the highest ballot the acceptor has promised.
type reply[P any] struct {
	_        struct{} `cbor:",toarray"`
	P1b      bool
	OK       bool // the acceptor promised (p1b) or accepted (p2b)
	Acceptor hydro.MemberID[Acceptor]
	Ballot   Ballot
	Max      Ballot
	Slot     int        // p2b: the slot accepted
	Log      []entry[P] // p1b: what the acceptor accepted at or above GC
	GC       int        // p1b: the slot below which the acceptor forgot its log
}

// commitKey names a phase 2 request: a slot, at a ballot.
type commitKey struct {
	_      struct{} `cbor:",toarray"`
	Slot   int
	Ballot Ballot
}
