// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/std/paxos"
)

func put(c, seq uint64, k, v string) Request[KVOp] {
	return Request[KVOp]{Client: c, Seq: seq, Op: KVOp{Put: true, Key: k, Value: v}}
}

func get(c, seq uint64, k string) Request[KVOp] {
	return Request[KVOp]{Client: c, Seq: seq, Op: KVOp{Key: k}}
}

// TestTake: slots above a hole wait for it, a no-op advances, a slot
// committed twice and a retried request are applied once, a request
// numbered 0 at every commit, and a checkpoint comes every two slots.
func TestTake(t *testing.T) {
	r := newReplica(7, NewKV(), Config{Checkpoint: 2})
	var answers, applied, ckpts []string
	take := func(slot int, batch ...Request[KVOp]) {
		out := r.take(paxos.Slot[Request[KVOp]]{Slot: slot, Batch: batch})
		for _, a := range out.responses {
			answers = append(answers, fmt.Sprintf("c%d#%d=%q@%d", a.Client, a.Seq, a.Result, a.Slot))
		}
		for _, s := range out.applied {
			applied = append(applied, fmt.Sprint(s.Slot))
		}
		for _, c := range out.checkpoints {
			ckpts = append(ckpts, fmt.Sprintf("r%d<%d", c.Replica, c.Slot))
		}
	}
	take(2, get(1, 2, "x"))      // held: 0 and 1 missing
	take(1)                      // a no-op, held
	take(0, put(1, 1, "x", "a")) // fills the hole: 0, 1, 2 apply
	take(0, put(1, 1, "x", "b")) // committed again: ignored
	take(3, get(1, 2, "x"), put(1, 1, "x", "old"), get(2, 0, "x"))
	take(4, get(2, 0, "x")) // numbered 0: applied again
	want := fmt.Sprint([]string{`c1#1=""@0`, `c1#2="a"@2`, `c1#2="a"@2`, `c2#0="a"@3`, `c2#0="a"@4`})
	if got := fmt.Sprint(answers); got != want {
		t.Errorf("answers %s; want %s (the retry answered from memory, the stale put dropped, request 0 answered at each commit)", got, want)
	}
	if got, want := fmt.Sprint(applied), "[0 1 2 3 4]"; got != want {
		t.Errorf("applied %s; want %s", got, want)
	}
	if got, want := fmt.Sprint(ckpts), "[r7<2 r7<4]"; got != want {
		t.Errorf("checkpoints %s; want %s", got, want)
	}
}

// TestPeer: a status from a peer behind is answered with the slots it
// lacks, a batch at a time; slots from a peer fill a hole; the retained
// log is cut at its limit and below what every replica reported, and a
// peer behind what was forgotten gets nothing.
func TestPeer(t *testing.T) {
	cfg := Config{Checkpoint: 100, CatchUp: 1, Replicas: 2, Retain: 4, CatchUpBatch: 2}.withDefaults()
	r := newReplica(0, NewKV(), cfg)
	for s := range 5 {
		r.take(paxos.Slot[Request[KVOp]]{Slot: s, Batch: []Request[KVOp]{put(uint64(s), 1, "k", fmt.Sprint(s))}})
	}
	sent := func(out step[KVOp, string]) string {
		var parts []string
		for _, a := range out.fetched {
			var slots []int
			for _, s := range a.msg.Slots {
				slots = append(slots, s.Slot)
			}
			parts = append(parts, fmt.Sprintf("to r%d %v", a.to, slots))
		}
		return fmt.Sprint(parts)
	}
	if got, want := sent(r.handle(event[KVOp]{kind: evPeer, msg: peerMsg[KVOp]{From: 1, Next: 2}})), "[to r1 [2 3]]"; got != want {
		t.Errorf("status at 2: sent %s; want %s", got, want)
	}
	if got, want := sent(r.handle(event[KVOp]{kind: evPeer, msg: peerMsg[KVOp]{From: 1, Next: 0}})), "[]"; got != want {
		t.Errorf("status at 0, below the 4 slots retained: sent %s; want %s", got, want)
	}
	r.handle(event[KVOp]{kind: evPeer, msg: peerMsg[KVOp]{From: 0, Next: 5}})
	r.handle(event[KVOp]{kind: evPeer, msg: peerMsg[KVOp]{From: 1, Next: 4}})
	if r.kept.base != 4 || len(r.kept.slots) != 1 {
		t.Errorf("after both reported 4 or more, retained slots %d..; %d of them; want only slot 4", r.kept.base, len(r.kept.slots))
	}
	if out := r.handle(event[KVOp]{kind: evStatus}); len(out.statuses) != 1 || out.statuses[0].Next != 5 {
		t.Errorf("timer: statuses %+v; want one at 5", out.statuses)
	}

	lag := newReplica(1, NewKV(), cfg)
	lag.take(paxos.Slot[Request[KVOp]]{Slot: 1, Batch: []Request[KVOp]{get(9, 1, "k")}})
	out := lag.handle(event[KVOp]{kind: evPeer, msg: peerMsg[KVOp]{From: 0, Slots: []paxos.Slot[Request[KVOp]]{{Slot: 0, Batch: []Request[KVOp]{put(8, 1, "k", "x")}}}}})
	if len(out.applied) != 2 || lag.next != 2 || len(out.responses) != 2 || out.responses[1].Result != "x" {
		t.Errorf("slot 0 from a peer: applied %v, next %d, answers %v; want slots 0 and 1 applied and the get answered x", out.applied, lag.next, out.responses)
	}
}
