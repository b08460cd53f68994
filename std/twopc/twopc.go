// SPDX-License-Identifier: Apache-2.0

package twopc

import (
	"math/bits"
	"time"

	"github.com/hydro-go/hydro"
)

// MaxParticipants is the largest cluster Run coordinates: the coordinator
// keeps who has answered as one bit per member.
const MaxParticipants = 64

// Txn is a transaction the coordinator is asked to commit: an id, unique
// for the flow's life, and what every participant is asked to apply.
type Txn[T any] struct {
	ID      uint64
	Payload T
}

// Outcome is the coordinator's decision on a transaction, as the client
// learns it: Commit is false when it aborted.
type Outcome struct {
	ID     uint64
	Commit bool
}

// Decision is what a participant learned of a transaction, once: whether
// it commits, with the payload to apply. A participant that votes no
// learns the abort as it votes; one that votes yes learns the outcome from
// the coordinator.
type Decision[P, T any] struct {
	Member  hydro.MemberID[P]
	ID      uint64
	Payload T
	Commit  bool
}

// Config is how Run's participants vote and how its coordinator retries.
type Config[P, T any] struct {
	// Participants is the size of the participants' cluster: the number
	// of yes votes a commit needs. 1 to MaxParticipants.
	Participants int
	// Vote is a participant's answer to a prepare: true to promise to
	// commit the payload if asked. It runs once per transaction and
	// member; the answer is logged with the payload, and a repeated
	// prepare gets the logged answer. Nil votes yes.
	Vote func(self hydro.MemberID[P], payload T) bool
	// Retry is the coordinator's resend period: every Retry it sends the
	// prepare again to members whose vote it has not heard, and the
	// decision to members whose acknowledgement it has not heard, so that
	// messages lost to crashes and partitions are made good. Zero sends
	// each message once: a lost one then blocks its transaction.
	Retry time.Duration

	// commitQuorum, when set, is the number of yes votes the coordinator
	// commits on: a protocol bug kept for the tests that must catch it.
	commitQuorum int
}

// Result is what Run returns: the outcomes at the coordinator, one per
// transaction, and the decisions at each participant, one per transaction
// and member.
type Result[C, P, T any] struct {
	Outcomes  hydro.Stream[Outcome, *hydro.Process[C]]
	Decisions hydro.Stream[Decision[P, T], *hydro.Cluster[P]]
}

// Run commits txns with two-phase commit between coordinator and every
// member of participants: a prepare to each, a vote from each, the
// decision (commit only on a yes from every member) to each, an
// acknowledgement from each. The coordinator's outcome is emitted once it
// has recorded the decision, before the decision leaves for the
// participants; a participant records its vote before it sends it.
func Run[C, P, T any](coordinator *hydro.Process[C], participants *hydro.Cluster[P], txns hydro.Stream[Txn[T], *hydro.Process[C]], cfg Config[P, T], nd hydro.NonDet) Result[C, P, T] {
	n := cfg.Participants
	if n < 1 || n > MaxParticipants {
		panic("twopc: Config.Participants must be 1 to 64")
	}
	if cfg.Retry < 0 {
		panic("twopc: Config.Retry must not be negative")
	}
	if cfg.Vote == nil {
		cfg.Vote = func(hydro.MemberID[P], T) bool { return true }
	}
	quorum := n
	if cfg.commitQuorum > 0 {
		quorum = cfg.commitQuorum
	}

	// The replies close a cycle: the coordinator's requests cause them.
	fw, replies := hydro.ForwardRef[hydro.KV[hydro.MemberID[P], reply]](coordinator, hydro.Unordered)
	outcomes, requests := coordinate(coordinator, participants, txns, replies, n, quorum, cfg.Retry, nd)
	decisions, answers := participate(participants, requests, cfg.Vote, nd)
	fw.Complete(hydro.Gather(answers, coordinator).Entries())
	return Result[C, P, T]{Outcomes: outcomes, Decisions: decisions}
}

// all is the set of members 0 to n-1.
func all(n int) uint64 {
	if n == 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func count(set uint64) int { return bits.OnesCount64(set) }

func trailingZeros(set uint64) int { return bits.TrailingZeros64(set) }
