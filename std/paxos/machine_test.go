// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"
	"slices"
	"testing"
)

// TestRecommitFillsHoles: a new leader proposes again, at its ballot, the
// value of the highest ballot for each slot its quorum holds, no-ops in
// the holes, and starts new payloads above them.
func TestRecommitFillsHoles(t *testing.T) {
	p := newProposer[string](testConfig, 1)
	for range p.timeout() {
		p.step(event[string]{Kind: evTimer})
	}
	b := p.ballot
	if b != (Ballot{Num: 1, Proposer: 1}) || !p.campaigning {
		t.Fatalf("after its timeout: ballot %v campaigning %v; want 1.1 and a campaign", b, p.campaigning)
	}
	old, older := Ballot{Num: 1}, Ballot{Num: 0, Proposer: 1}
	p.step(event[string]{Kind: evReply, Reply: reply[string]{P1b: true, OK: true, Acceptor: 0, Ballot: b, Max: b, GC: 1,
		Log: []entry[string]{{Slot: 1, Ballot: older, Batch: []string{"x"}}, {Slot: 3, Ballot: old, Batch: []string{"z"}}}}})
	a := p.step(event[string]{Kind: evReply, Reply: reply[string]{P1b: true, OK: true, Acceptor: 2, Ballot: b, Max: b,
		Log: []entry[string]{{Slot: 0, Ballot: older, Batch: []string{"gone"}}, {Slot: 1, Ballot: old, Batch: []string{"y"}}}}})
	if !p.leader {
		t.Fatal("two promises of three acceptors: not leader")
	}
	var got []string
	for _, m := range a.ToAcceptors {
		got = append(got, slotText(m.Slot, m.Batch))
		if m.Kind != kindP2a || m.Ballot != b {
			t.Errorf("recommit %+v; want a p2a at %v", m, b)
		}
	}
	if want := []string{"1=[y]", "2=[]", "3=[z]"}; !slices.Equal(got, want) {
		t.Errorf("recommitted %v; want %v (from the GC point, highest ballot, no-op in the hole)", got, want)
	}
	a = p.step(event[string]{Kind: evPayloads, Batch: []string{"new"}})
	if len(a.ToAcceptors) != 1 || a.ToAcceptors[0].Slot != 4 {
		t.Errorf("new payload proposed as %+v; want slot 4", a.ToAcceptors)
	}
	a = p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 3, Ballot: b}})
	if len(a.Commits) != 1 || slotText(a.Commits[0].Slot, a.Commits[0].Batch) != "3=[z]" {
		t.Errorf("commit of slot 3: %+v; want 3=[z]", a.Commits)
	}
	p.step(event[string]{Kind: evReply, Reply: reply[string]{Ballot: b, Max: Ballot{Num: 2}, Slot: 4}})
	if p.leader {
		t.Error("a refusal at a higher ballot left the leader leading")
	}
}

func slotText(s int, b []string) string { return fmt.Sprintf("%d=%v", s, b) }

// TestAcceptor: promises only strictly higher ballots, refuses lower p2as
// with the ballot that wins, and forgets its log below every replica's
// checkpoint.
func TestAcceptor(t *testing.T) {
	a := newAcceptor[string](0, 2)
	b1, b2 := Ballot{Num: 1}, Ballot{Num: 2}
	if r, _ := a.step(toAcceptor[string]{Kind: kindP1a, Ballot: b1}); !r.Val.OK || r.Key != b1.Proposer {
		t.Errorf("first p1a: %+v; want a promise", r)
	}
	if r, _ := a.step(toAcceptor[string]{Kind: kindP1a, Ballot: b1}); r.Val.OK {
		t.Errorf("the same ballot again: %+v; want a refusal (a ballot is granted once)", r)
	}
	for s := range 4 {
		if r, _ := a.step(toAcceptor[string]{Kind: kindP2a, Ballot: b1, Slot: s, Batch: []string{"v"}}); !r.Val.OK {
			t.Errorf("p2a slot %d: %+v; want accepted", s, r)
		}
	}
	a.step(toAcceptor[string]{Kind: kindCheckpoint, From: 0, Slot: 3})
	if len(a.log) != 4 {
		t.Errorf("one replica of two checkpointed: log %v; want all 4 slots kept", a.log)
	}
	a.step(toAcceptor[string]{Kind: kindCheckpoint, From: 1, Slot: 2})
	if a.gc != 2 || len(a.log) != 2 {
		t.Errorf("both checkpointed (3 and 2): gc %d, log %v; want gc 2 and slots 2, 3", a.gc, a.log)
	}
	r, _ := a.step(toAcceptor[string]{Kind: kindP1a, Ballot: b2})
	if !r.Val.OK || r.Val.GC != 2 || len(r.Val.Log) != 2 || r.Val.Log[0].Slot != 2 {
		t.Errorf("p1a after collection: %+v; want the log from slot 2 and GC 2", r.Val)
	}
	if r, _ := a.step(toAcceptor[string]{Kind: kindP2a, Ballot: b1, Slot: 5}); r.Val.OK || r.Val.Max != b2 {
		t.Errorf("p2a at a preempted ballot: %+v; want refused with max %v", r.Val, b2)
	}
}
