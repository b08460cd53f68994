// SPDX-License-Identifier: Apache-2.0

package ir

import (
	"fmt"
	"reflect"

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
	// Name is the name the user gave the collection (Named): shown in
	// drawings, and in logs about a channel.
	Name string
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
	// Lossy channels may lose and repeat messages: a simulator may make
	// them (a deployment never needs to).
	Lossy bool
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
	// From is the location every sender on the channel belongs to: the
	// shell checks that a frame's claimed sender is the peer it came from.
	From    *Location
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
	// Stale, when set, chooses how stale a Snapshot is: given the node and
	// how many recent versions it may show, which one (0 for the newest).
	// nil lowers Snapshot to the value of the tick.
	Stale func(n *Node, versions int) int
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

// Wake is a Go channel that a feeder polls (SourceChan), for a shell that
// waits for work. A shell that runs ticks on one goroutine may also wait on
// Chan and hand what it receives to Push, which queues the value for the
// next tick ahead of whatever the feeder takes after it. A shell that runs
// ticks on several goroutines sets Owned before the first tick instead:
// the feeder then leaves the channel alone, and the shell receives every
// value itself, in one goroutine, and Pushes each under the graph's lock.
// Either way the values keep the channel's order; two receivers (a waiting
// shell and a feeder on another goroutine) would not.
//
// NB: a shell that ignores Wakes loses nothing but latency: the feeder
// still takes every value before the next tick.
type Wake struct {
	Chan  reflect.Value // of a channel type that can receive
	Push  func(v reflect.Value)
	Owned bool
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

// PortKind is the direction of an external port.
type PortKind uint8

const (
	// PortIn: clients send, the flow receives.
	PortIn PortKind = iota + 1
	// PortOut: the flow sends, and every connected client receives.
	PortOut
	// PortBidi: clients send and the flow answers each connection; the
	// flow also sees every connection open and close.
	PortBidi
)

func (k PortKind) String() string {
	switch k {
	case PortIn:
		return "in"
	case PortOut:
		return "out"
	case PortBidi:
		return "bidi"
	}
	return fmt.Sprintf("PortKind(%d)", uint8(k))
}

// Framing is how messages are delimited on a client's byte stream.
type Framing uint8

const (
	// FrameLines: each message is a line ended by "\n" ("\r\n" is
	// accepted from clients).
	FrameLines Framing = iota + 1
	// FrameLength: each message is a 4-byte big-endian length, then that
	// many bytes.
	FrameLength
)

func (f Framing) String() string {
	switch f {
	case FrameLines:
		return "lines"
	case FrameLength:
		return "length-prefixed"
	}
	return fmt.Sprintf("Framing(%d)", uint8(f))
}

// PortBinding is an external port as lowering leaves it for the shell: the
// graph's end of it (a dfir input the shell pushes into, a dfir output it
// drains) and how to put its messages on a connection. The shell serves
// the port (a TCP listener in a deployment, in-memory clients under Local),
// gives every connection an id, starting at 1, that it never reuses, and:
//
//   - before a connection's first message, calls Connect (if set);
//   - calls Receive with each message the client sent, in order, between
//     ticks; an error means the message does not decode: the shell closes
//     that client (calling Disconnect) and keeps serving the others;
//   - after the connection's last message, calls Disconnect (if set),
//     exactly once;
//   - after every tick, calls Drain (if set), and sends each message to
//     the connection it names, or, on a PortOut, to every connected client.
//     Messages to a connection that is gone are dropped.
//
// Connection ids and events never come from the graph's own choices: they
// are inputs, like any other.
type PortBinding struct {
	// Name identifies the port in the fleet ("Client", "Client.2"): the
	// deployer gives each name an address.
	Name string
	Kind PortKind
	// In delimits what clients send (PortIn, PortBidi); Out what the port
	// sends (PortOut, PortBidi).
	In, Out Framing
	// MaxMessage bounds a message from a client, in bytes, delimiters
	// excluded. A client that sends a longer one is closed.
	MaxMessage int
	// Receive decodes msg, which it may keep, and queues it as conn's for
	// the next tick.
	Receive func(conn uint64, msg []byte) error
	// Connect and Disconnect queue conn's events for the next tick (nil
	// unless PortBidi).
	Connect, Disconnect func(conn uint64)
	// Drain encodes what the last tick sent and calls send once per
	// message, in order; msg is valid only during the call. conn is 0 on a
	// PortOut. Drain skips a value it cannot encode and reports it in its
	// error after sending the rest.
	Drain func(send func(conn uint64, msg []byte)) error
}
