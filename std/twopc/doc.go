// SPDX-License-Identifier: Apache-2.0

// Package twopc commits transactions atomically across the members of a
// cluster with two-phase commit, as a component a flow calls like a
// function: a coordinator process and a cluster of participants.
//
// # Usage
//
//	res := twopc.Run(coordinator, participants, txns, twopc.Config[Shop, Order]{
//		Participants: 3,
//		Vote:         func(self hydro.MemberID[Shop], o Order) bool { return inStock(self, o) },
//		Retry:        100 * time.Millisecond,
//	}, hydro.NonDet("votes and acknowledgements count whatever their batches"))
//
// res.Outcomes, at the coordinator, holds one Outcome per transaction: the
// client's answer. res.Decisions, at every participant, holds what that
// member learned of each transaction it voted on, with the payload: the
// place to apply a commit. The cluster must run with Config.Participants
// members, ids 0 to n-1; transaction ids must be unique.
//
// # The protocol
//
// The coordinator sends each transaction's prepare, with its payload, to
// every member. A member votes (Config.Vote), records the vote with the
// payload, and answers yes or no; a member that votes no has learned the
// abort. The coordinator decides commit once every member voted yes, abort
// as soon as one voted no, records the decision, emits the outcome and
// sends the decision to every member. A member that voted yes learns the
// decision; every member acknowledges it, and the coordinator forgets the
// transaction once all have. Votes are counted by member, not by message,
// so that a vote sent twice is counted once.
//
// Four messages, on two channels: prepare and decision from the
// coordinator to a member, vote and acknowledgement back. With
// Config.Retry set, the coordinator sends the prepare again to the members
// whose vote it lacks, and the decision to those whose acknowledgement it
// lacks, every period; a member answers a prepare it has recorded with the
// recorded vote, and acknowledges a decision on a transaction it no longer
// holds without learning it twice.
//
// # Logging
//
// Each side's records are its state, carried from tick to tick, and a
// record is written in the tick that takes the step, before that tick's
// messages leave the node: a member's vote is recorded before the vote is
// sent, the coordinator's decision before the outcome and the decision
// are. Recovery needs that state to survive a crash: under the simulator,
// sim.Durable gives a location stable storage. A member that loses its
// record after voting yes never learns the commit (the package's tests
// show the simulator finding it); a coordinator that loses its records
// leaves its undecided transactions blocked, as in any two-phase commit.
//
// # Edge cases
//
// Presumed abort: a member whose prepare was lost, and that so never
// voted, holds nothing of the transaction; the coordinator may abort it on
// another member's no, and the member acknowledges the abort without
// learning it. Without Retry a lost message blocks its transaction: only
// crashes and partitions lose messages. The coordinator never aborts on a
// timeout: a member that never answers blocks the transactions it was
// asked about, the classic blocking of two-phase commit.
//
// # Determinism
//
// Within a tick each side folds what it knows of a transaction with an
// order-free merge, so an outcome depends only on the votes: commit when
// every member votes yes. Which ticks messages arrive in, and when resends
// happen, are the NonDet the caller passes.
package twopc
