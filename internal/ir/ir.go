// SPDX-License-Identifier: Apache-2.0

package ir

import (
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/transport"
)

// Kind is the shape of a live collection.
type Kind uint8

const (
	// Stream is a sequence of items.
	Stream Kind = iota
	// KeyedStream is a stream of (key, value) pairs ordered per key only.
	KeyedStream
	// Singleton is exactly one value (that may change over time).
	Singleton
	// Optional is zero or one value.
	Optional
	// KeyedSingleton is one value per key.
	KeyedSingleton
	// Sink consumes a collection and produces nothing.
	Sink
)

func (k Kind) String() string {
	return [...]string{"Stream", "KeyedStream", "Singleton", "Optional", "KeyedSingleton", "Sink"}[k]
}

// Props are the guarantees of a live collection that the Go types do not
// carry: Compile checks operators against them.
type Props struct {
	Kind Kind
	// Bounded collections are complete: a tick's batch, a finite source.
	Bounded bool
	// Ordered collections have a deterministic order (per key, for keyed
	// ones).
	Ordered bool
	// ExactlyOnce collections hold no duplicates caused by retries.
	ExactlyOnce bool
}

func (p Props) String() string {
	b := "unbounded"
	if p.Bounded {
		b = "bounded"
	}
	o := "unordered"
	if p.Ordered {
		o = "ordered"
	}
	r := "at-least-once"
	if p.ExactlyOnce {
		r = "exactly-once"
	}
	if p.Kind == Singleton || p.Kind == Optional || p.Kind == KeyedSingleton || p.Kind == Sink {
		return fmt.Sprintf("%v, %s", p.Kind, b)
	}
	return fmt.Sprintf("%v, %s, %s, %s", p.Kind, b, o, r)
}

// LocKind is the kind of a location.
type LocKind uint8

const (
	// Process is a single machine.
	Process LocKind = iota
	// Cluster is a set of identical members.
	Cluster
	// External is a client outside the flow.
	External
	// Tick is a logical clock domain inside another location.
	Tick
)

func (k LocKind) String() string {
	return [...]string{"Process", "Cluster", "External", "Tick"}[k]
}

// Location is a place where collections live.
type Location struct {
	ID     int
	Kind   LocKind
	Name   string    // the tag type's name, or "tick" for ticks
	Parent *Location // the enclosing location of a tick
}

// Root returns the process, cluster or external location that holds l.
func (l *Location) Root() *Location {
	for l.Parent != nil {
		l = l.Parent
	}
	return l
}

func (l *Location) String() string {
	if l.Kind == Tick {
		return fmt.Sprintf("Tick[%v]", l.Parent)
	}
	return fmt.Sprintf("%v[%s]", l.Kind, l.Name)
}

// Node is one operator call.
type Node struct {
	ID     int
	Op     string
	Loc    *Location
	Props  Props
	Inputs []*Node // a forward reference's input is nil until completed
	File   string
	Line   int
	// NonDet is the reason the user gave for a non-deterministic operator.
	NonDet string
	// Label describes the operator's arguments in drawings.
	Label string
	// Blocking has bit i set when the operator needs all of input i for
	// the tick before it emits (an aggregation, a sort, a negation): such
	// an input must not depend on the operator's output in the same tick.
	Blocking uint8

	// Lower builds the operator in its location's graph, given its inputs'
	// ports (dfir.Port values), and returns its own port (nil for a sink).
	Lower func(c *Ctx, ins []any) any
	// Tee splits the node's port n ways; Null discards it. Both are typed
	// by the builder.
	Tee  func(p any, n int) []any
	Null func(p any)
	// Forward references (cycles) are lowered in two steps: NewCycle makes
	// the cycle and its port before the input exists; Close feeds the
	// input's port into it once every node is lowered.
	NewCycle func(c *Ctx) (cycle, port any)
	Close    func(cycle, in any)
	// Net is set on networking operators: their input lives at another
	// location, and they lower in two halves, one in each.
	Net *Net
}

// Net lowers a networking operator: a channel from the location of the
// node's input to the node's own.
type Net struct {
	Channel uint32
	// Send builds the sending half in a graph of the input's location,
	// consuming the input's port.
	Send func(c *Ctx, in any) Outbox
	// Recv builds the receiving half in a graph of the node's location and
	// returns it with the node's port.
	Recv func(c *Ctx) (Inbox, any)
}

// Dest is one running copy of a location: a process, or one member of a
// cluster.
type Dest struct {
	Loc    *Location
	Member uint32
}

// Outbox is the sending half of a channel. After every tick the shell calls
// Flush, which drains what the tick sent and calls send once per
// destination with the whole batch encoded: one frame per destination per
// tick.
type Outbox struct {
	Channel uint32
	Flush   func(send func(to Dest, payload []byte) error) error
}

// Inbox is the receiving half of a channel: Deliver decodes a batch a
// member of the sending location sent and queues it for the next tick.
type Inbox struct {
	Channel uint32
	Deliver func(from uint32, payload []byte) error
}

// Pos is the user's file:line.
func (n *Node) Pos() string { return fmt.Sprintf("%s:%d", n.File, n.Line) }

func (n *Node) String() string { return fmt.Sprintf("%s (%s)", n.Op, n.Pos()) }

// Flow is the whole program: every location and every operator.
type Flow struct {
	Locations []*Location
	Nodes     []*Node
	// Errors are misuses recorded while building, each with its position.
	Errors []error
}

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
	Members func(l *Location) []uint32
	// Codec encodes and decodes the values channels carry.
	Codec *transport.Codec
	// Timers lists the inputs the shell must push into periodically.
	Timers []Timer
	// Decide, when set, makes the non-deterministic choices that a
	// deployment leaves to timing: given a Batch node and how many items it
	// holds, how many enter this tick. A simulator sets it; nil lowers Batch
	// to "whatever arrived this tick".
	Decide func(n *Node, held int) int
	// Membership lists the inputs where the shell reports the members of
	// a cluster joining and leaving.
	Membership []MembershipInput
	// Feeders move data that arrived from outside (a Go channel) into the
	// graph's inputs; the shell calls each before every tick. A feeder
	// reports whether it moved anything.
	Feeders []func() bool
}

// Timer is a periodic input: the shell pushes the current time into Push
// every Period of its clock (virtual in the simulator).
type Timer struct {
	Node   *Node
	Period int64 // nanoseconds
	Push   func(nanos int64)
}

// MembershipInput receives a cluster's membership changes from the shell.
type MembershipInput struct {
	Cluster *Location
	Push    func(member uint32, joined bool)
}
