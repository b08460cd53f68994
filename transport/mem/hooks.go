// SPDX-License-Identifier: Apache-2.0

package mem

// Hooks decide the fate of each frame sent on a Network: where the
// simulator plugs in its seeded choices of loss, duplication, delay and
// reordering (natlab's PacketHandler in spirit). A nil hook does nothing.
// Hooks run inside Send, once per frame, in this order:
//
//  1. Rewrite, which replaces the message by the messages it returns;
//  2. for each of those: a partition between its ends drops it, then
//     Drop may drop it, then Duplicate may add a second copy right behind it;
//  3. for each copy: Delay may hold it (see Network.Held); the others
//     join the tail of their link's FIFO queue.
//
// Reordering follows from Delay: a held message released later lands
// behind what was sent after it. Messages on different links are
// reordered by the order the caller delivers them in.
//
// Hooks must be deterministic functions of their input and of state they
// own (a seeded *rand.Rand) for runs to replay.
type Hooks struct {
	// Rewrite returns the messages that replace m: none to drop it, m
	// itself to pass it, several to duplicate it, changed ones to corrupt,
	// redirect or spoof it. The hook owns m.Frame.Payload and may change
	// it in place; the messages returned are owned by the network.
	Rewrite func(m Message) []Message
	// Drop reports whether m is lost.
	Drop func(m Message) bool
	// Duplicate reports whether m is queued twice.
	Duplicate func(m Message) bool
	// Delay reports whether m (or one copy of it) is held out of its link
	// until Network.Release.
	Delay func(m Message) bool
}
