// SPDX-License-Identifier: Apache-2.0

package twopc_test

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/twopc"
)

type coord struct{}
type part struct{}

// votesYes is the participants' vote in the tests: member m refuses the
// transactions whose id is m+3 modulo 4, so with 3 members the ids 1 and 2
// are refused by one member each (2 and 3 by none with 2 members, ...).
func votesYes(m hydro.MemberID[part], id uint64) bool { return (id+uint64(m)+1)%4 != 0 }

// system is the protocol under test, in one flow.
type system struct {
	f         *hydro.Flow
	coord     *hydro.Process[coord]
	parts     *hydro.Cluster[part]
	txns      *hydro.Input[twopc.Txn[uint64]]
	outcomes  *hydro.Output[twopc.Outcome]
	decisions *hydro.Output[twopc.Decision[part, uint64]]
	n         int
}

const retry = 100 * time.Millisecond

// build makes the flow with n participants; breakQuorum, when positive,
// is the number of yes votes its coordinator wrongly commits on.
func build(n int, withRetry bool, breakQuorum int) *system {
	f := hydro.NewFlow()
	s := &system{f: f, coord: hydro.NewProcess[coord](f), parts: hydro.NewCluster[part](f), n: n}
	in, txns := hydro.NewInput[twopc.Txn[uint64]](s.coord)
	s.txns = in
	cfg := twopc.Config[part, uint64]{
		Participants: n,
		Vote:         func(m hydro.MemberID[part], payload uint64) bool { return votesYes(m, payload) },
	}
	if withRetry {
		cfg.Retry = retry
	}
	if breakQuorum > 0 {
		twopc.BreakQuorum(&cfg, breakQuorum)
	}
	res := twopc.Run(s.coord, s.parts, txns, cfg, hydro.NonDet("votes and acknowledgements count whatever their batches; resends are idempotent"))
	s.outcomes, s.decisions = hydro.NewOutput(res.Outcomes), hydro.NewOutput(res.Decisions)
	return s
}

// ledger is what a test has seen of the protocol: the coordinator's
// outcomes and every member's decisions, by transaction (the payload is
// the transaction's id).
type ledger struct {
	n       int
	outcome map[uint64]bool
	learned map[uint64]map[hydro.MemberID[part]]bool
}

func newLedger(n int) *ledger {
	return &ledger{n: n, outcome: map[uint64]bool{}, learned: map[uint64]map[hydro.MemberID[part]]bool{}}
}

// take records what the flow emitted and checks the safety of 2PC:
// every outcome and decision comes once; all the decisions on a
// transaction agree, with the coordinator's too (atomicity); a commit has
// a yes vote from every member, and an abort a no from one.
func (l *ledger) take(outs []twopc.Outcome, ds []twopc.Decision[part, uint64]) error {
	for _, o := range outs {
		if _, dup := l.outcome[o.ID]; dup {
			return fmt.Errorf("transaction %d: a second outcome", o.ID)
		}
		l.outcome[o.ID] = o.Commit
		if err := l.agree(o.ID, o.Commit, "the coordinator"); err != nil {
			return err
		}
	}
	for _, d := range ds {
		if d.Payload != d.ID {
			return fmt.Errorf("%v: transaction %d decided with payload %d", d.Member, d.ID, d.Payload)
		}
		if l.learned[d.ID] == nil {
			l.learned[d.ID] = map[hydro.MemberID[part]]bool{}
		}
		if _, dup := l.learned[d.ID][d.Member]; dup {
			return fmt.Errorf("%v: transaction %d decided twice", d.Member, d.ID)
		}
		l.learned[d.ID][d.Member] = d.Commit
		if err := l.agree(d.ID, d.Commit, d.Member.String()); err != nil {
			return err
		}
	}
	return nil
}

// agree checks a decision by who on transaction id against all the others.
func (l *ledger) agree(id uint64, commit bool, who string) error {
	if c, ok := l.outcome[id]; ok && c != commit {
		return fmt.Errorf("atomicity: %s decided commit=%v on transaction %d, the coordinator commit=%v", who, commit, id, c)
	}
	for m, c := range l.learned[id] {
		if c != commit {
			return fmt.Errorf("atomicity: %s decided commit=%v on transaction %d, %v commit=%v", who, commit, id, m, c)
		}
	}
	allYes := true
	for m := range l.n {
		allYes = allYes && votesYes(hydro.MemberID[part](m), id)
	}
	if commit && !allYes {
		return fmt.Errorf("%s committed transaction %d without a yes vote from every member", who, id)
	}
	if !commit && allYes {
		return fmt.Errorf("%s aborted transaction %d, which every member voted for", who, id)
	}
	return nil
}

// complete checks that the transactions ids each have an outcome and a
// decision at every member: everyone learned the outcome. When messages
// may be lost, a member whose prepare was lost before the coordinator
// aborted never saw the transaction and learns nothing of it: then only
// commits must reach every member.
func (l *ledger) complete(ids []uint64, lossy bool) error {
	for _, id := range ids {
		commit, ok := l.outcome[id]
		if !ok {
			return fmt.Errorf("transaction %d: no outcome", id)
		}
		if got := len(l.learned[id]); got != l.n && (commit || !lossy) {
			return fmt.Errorf("transaction %d: decided by %d of %d members: %v", id, got, l.n, l.learned[id])
		}
	}
	return nil
}

// run drives the system under s: it checks safety after every step, pushes
// ids, runs until the flow settles, then lets retry periods pass, each
// followed by running until it settles again, until every transaction is
// decided everywhere, and fails if that takes more than rounds periods.
func (sys *system) run(s *sim.Sim, ids []uint64, rounds int, opts ...hydro.LocalOption) {
	lossy := len(opts) > 0
	r := s.Local(sys.f, append(opts, hydro.Size(sys.parts, sys.n))...)
	l := newLedger(sys.n)
	s.Invariant("2PC safety", func() error { return l.take(sys.outcomes.Drain(r), sys.decisions.Drain(r)) })
	var txns []twopc.Txn[uint64]
	for _, id := range ids {
		txns = append(txns, twopc.Txn[uint64]{ID: id, Payload: id})
	}
	sys.txns.Push(r, txns...)
	s.RunAvailable(r)
	for i := 0; ; i++ {
		if err := l.take(sys.outcomes.Drain(r), sys.decisions.Drain(r)); err != nil {
			s.Fatalf("%v", err)
		}
		err := l.complete(ids, lossy)
		if err == nil {
			return
		}
		if i == rounds {
			s.Fatalf("after %d retry periods: %v", rounds, err)
		}
		r.Advance(retry)
		s.RunAvailable(r)
	}
}
