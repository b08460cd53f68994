// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"github.com/hydro-go/hydro/std/paxos"
)

// peerMsg is what replicas tell each other for catch-up: a status (how far
// the sender applied the log), or the slots a lagging peer missed.
type peerMsg[Op any] struct {
	_     struct{} `cbor:",toarray"`
	From  uint32
	Next  int                       // status: the first slot the sender has not applied
	Slots []paxos.Slot[Request[Op]] // catch-up: slots the receiver lacks, in order
}

// retained is the tail of the log a replica applied, kept for peers that
// missed some of it: slots base … base+len(slots)-1.
type retained[Op any] struct {
	base  int
	slots [][]Request[Op]
}

func (t *retained[Op]) add(slot int, batch []Request[Op], limit int) {
	if len(t.slots) == 0 {
		t.base = slot
	}
	t.slots = append(t.slots, batch)
	if over := len(t.slots) - limit; over > 0 {
		t.forget(t.base + over)
	}
}

// forget drops the slots below slot.
func (t *retained[Op]) forget(slot int) {
	n := min(max(slot-t.base, 0), len(t.slots))
	clear(t.slots[:n])
	t.slots = t.slots[n:]
	t.base += n
}

// from returns up to n slots from slot on, or none if slot was forgotten.
func (t *retained[Op]) from(slot, n int) []paxos.Slot[Request[Op]] {
	if slot < t.base {
		return nil
	}
	var out []paxos.Slot[Request[Op]]
	for s := slot; s < t.base+len(t.slots) && len(out) < n; s++ {
		out = append(out, paxos.Slot[Request[Op]]{Slot: s, Batch: t.slots[s-t.base]})
	}
	return out
}

// status is the replica's catch-up timer: it tells its peers how far it
// applied the log.
func (r *replica[Op, Res]) status(out *step[Op, Res]) {
	out.statuses = append(out.statuses, peerMsg[Op]{From: r.self, Next: r.next})
}

// peer handles a peer's message: a status from a peer behind it is
// answered with the slots the peer lacks (up to cfg.CatchUpBatch), and
// slots from a peer are taken as committed ones, which they are. Once
// every replica reported, slots below the lowest report are forgotten.
func (r *replica[Op, Res]) peer(m peerMsg[Op], out *step[Op, Res]) {
	if len(m.Slots) > 0 {
		for _, s := range m.Slots {
			r.takeInto(s, out)
		}
		return
	}
	r.peerNext[m.From] = m.Next
	if m.Next < r.next && m.From != r.self {
		if slots := r.kept.from(m.Next, r.cfg.CatchUpBatch); len(slots) > 0 {
			out.fetched = append(out.fetched, addressed[Op]{to: m.From, msg: peerMsg[Op]{From: r.self, Slots: slots}})
		}
	}
	if len(r.peerNext) < r.cfg.Replicas {
		return
	}
	low := r.next
	for _, n := range r.peerNext {
		low = min(low, n)
	}
	r.kept.forget(low)
}

// addressed is a peer message for one replica.
type addressed[Op any] struct {
	to  uint32
	msg peerMsg[Op]
}
