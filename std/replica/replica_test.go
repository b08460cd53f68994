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
// committed twice and a retried request are applied once, and a
// checkpoint comes every two slots.
func TestTake(t *testing.T) {
	r := newReplica(7, NewKV(), 2)
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
	take(3, get(1, 2, "x"), put(1, 1, "x", "old"))
	want := fmt.Sprint([]string{`c1#1=""@0`, `c1#2="a"@2`, `c1#2="a"@2`})
	if got := fmt.Sprint(answers); got != want {
		t.Errorf("answers %s; want %s (the retry answered from memory, the stale put dropped)", got, want)
	}
	if got, want := fmt.Sprint(applied), "[0 1 2 3]"; got != want {
		t.Errorf("applied %s; want %s", got, want)
	}
	if got, want := fmt.Sprint(ckpts), "[r7<2 r7<4]"; got != want {
		t.Errorf("checkpoints %s; want %s", got, want)
	}
}
