// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// Ctx is what lowering one node needs: the graph of its location, and the
// table where operators that talk to the shell (inputs, outputs, timers)
// leave their dfir handles, keyed by the user's handle.
type Ctx struct {
	Graph   *dfir.Graph
	Handles map[any]any
	// Self is the member index of the copy being lowered (0 for a
	// process).
	Self uint32
	// Members returns the current members of a cluster: the shell's view
	// of membership, read when a tick's messages are sent.
	Members func(l *ir.Location) []uint32
	// Codec encodes and decodes the values channels carry.
	Codec *transport.Codec
	// Timers lists the inputs the shell must push into periodically.
	Timers []Timer
	// Decide, when set, makes the non-deterministic choices that a
	// deployment leaves to timing: given a Batch node and how many items it
	// holds, how many enter this tick. A simulator sets it; nil lowers Batch
	// to "whatever arrived this tick".
	Decide func(n *ir.Node, held int) int
	// Pick, when set, makes the same choice for a Batch of an unordered
	// stream, where any of the items held may enter: it sets take[i] for
	// each item i (oldest first) that enters this tick. nil leaves such
	// batches to Decide.
	Pick func(n *ir.Node, take []bool)
	// Arrive, when set, splits the arrivals of an input (Input,
	// SourceChan) over ticks: given the input's node and how many items
	// are pending, how many (at least 1) enter this tick, oldest first;
	// the rest wait for the next ticks. nil lets all of them in.
	Arrive func(n *ir.Node, pending int) int
	// Stale, when set, chooses how stale a Snapshot is: given the node and
	// how many recent versions it may show, which one (0 for the newest).
	// nil lowers Snapshot to the value of the tick.
	Stale func(n *ir.Node, versions int) int
	// CheckClaims makes the aggregations test the claims made of their
	// functions (Commutative, Idempotent) on the items they see, panicking
	// with a *ClaimError when one is false: a simulator sets it.
	CheckClaims bool
	// Order, when set, chooses the order in which an AssumeOrdered sees
	// the items of each tick: given the node and perm = 0..n-1 for the
	// tick's n items (n ≥ 2, in arrival order), it rearranges perm, and
	// item perm[i] comes i-th. nil keeps the arrival order.
	Order func(n *ir.Node, perm []int)
	// Membership lists the inputs where the shell reports the members of
	// a cluster joining and leaving.
	Membership []MembershipInput
	// Feeders move data that arrived from outside (a Go channel) into the
	// graph's inputs; the shell calls each before every tick. A feeder
	// reports whether it moved anything.
	Feeders []func() bool
	// Wakes are the Go channels the feeders read (SourceChan), for a
	// shell that waits for work.
	Wakes []*Wake
	// Ports lists the external ports this location serves (see
	// PortBinding), in the order the flow made them.
	Ports []*PortBinding
}
