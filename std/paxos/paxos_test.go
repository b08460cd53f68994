// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

// TestSequenceLocal: in one process with no faults, proposer 0 is elected
// after its timeout and commits each period's payloads as one slot, in
// order.
func TestSequenceLocal(t *testing.T) {
	w := build(testConfig)
	r := hydro.MustLocal(w.f, hydro.Size(w.proposers, 2), hydro.Size(w.acceptors, 3))
	for range testConfig.Timeout + 1 {
		r.Advance(testConfig.Period)
	}
	w.in.PushTo(r, 0, 10, 11)
	w.in.PushTo(r, 1, 99) // proposer 1 follows: dropped
	r.Advance(testConfig.Period)
	w.in.PushTo(r, 0, 12)
	r.Advance(testConfig.Period)
	got := w.log.Drain(r)
	want := []Slot[int]{{Slot: 0, Batch: []int{10, 11}}, {Slot: 1, Batch: []int{12}}}
	if !slices.EqualFunc(got, want, func(a, b Slot[int]) bool { return a.Slot == b.Slot && slices.Equal(a.Batch, b.Batch) }) {
		t.Errorf("log %v; want %v", got, want)
	}
}
