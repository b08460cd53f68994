// SPDX-License-Identifier: Apache-2.0

package ir

import (
	"fmt"
	"reflect"
	"time"
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
	// File and Line are where the user made the location.
	File string
	Line int
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

// Node is one operator call, as data: what it is (Op), what it consumes
// (Inputs), where it runs (Loc), what it produces (Props), where the user
// called it (File, Line), the user's function (Fn), its other arguments
// (Params, Period), and, as opaque values of package compile, how it lowers
// (Impl) and how its output's element type is split, discarded, cycled and
// sent (Elem). Passes read and rewrite nodes; nothing here runs anything.
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

	// Fn is the user's function, or a struct of them where the operator
	// takes several (Fold's init and combine). It is the only field that
	// holds a closure.
	Fn any
	// Params holds the operator's other arguments that lowering needs: the
	// items of a SourceIter, a Go channel, the handle of an Input or a port.
	Params any
	// Period is a timer's period.
	Period time.Duration
	// Impl is how the node lowers: a value of package compile whose type
	// carries the element types (compile.Map[T, U]{}).
	Impl any
	// Elem gives Tee, Null, cycles and channels for the node's output
	// element type: a compile.Type[T]{}.
	Elem any
	// Crosses is set on operators whose input lives at another location by
	// design: Batch and Snapshot into a tick, AllTicks and Latest out of
	// one, and networking operators (which also set Net).
	Crosses bool
	// Net is set on networking operators: their input lives at another
	// location, and they lower in two halves, one in each.
	Net *Net
	// Cycle is set on forward references.
	Cycle *Cycle
	// Needs are what the operator requires of its inputs or arguments:
	// facts the checks of package compile read.
	Needs []Need
	// Claims are the algebraic properties the user claims for the
	// operator's function (Fold's hydro.Commutative).
	Claims Claims
}

// Net is a networking node's channel from the location of its input to its
// own.
type Net struct {
	Channel uint32
	// Lossy channels may lose and repeat messages: a simulator may make
	// them (a deployment never needs to).
	Lossy bool
	// Route is where each item goes.
	Route Route
}

// Route says which members of the receiving location get an item.
type Route uint8

const (
	// ToOne sends every item to member 0: a process.
	ToOne Route = iota
	// ByMember sends each (member, value) pair's value to the member named.
	ByMember
	// ToAll sends every item to every current member.
	ToAll
	// RoundRobin sends each item to the next current member in turn.
	RoundRobin
)

func (r Route) String() string {
	return [...]string{"one", "by member", "all", "round robin"}[r]
}

// Delay is how a forward reference's input reaches it.
type Delay uint8

const (
	// NoDelay: in the same tick, a fixpoint cycle.
	NoDelay Delay = iota
	// Eager: in the next tick, which it asks for.
	Eager
	// Lazy: in the next tick, whenever that runs.
	Lazy
)

// Cycle is what a forward reference records.
type Cycle struct {
	Delay Delay
	// Completions lists every Complete call: the first one's collection is
	// also Inputs[0].
	Completions []Completion
}

// Completion is one call of Complete on a forward reference.
type Completion struct {
	In   *Node
	File string
	Line int
}

// Pos is the user's file:line of the call.
func (c Completion) Pos() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// Requirement is something an operator needs.
type Requirement uint8

const (
	// NeedOrdered: input In totally ordered.
	NeedOrdered Requirement = iota + 1
	// NeedOrderedPerKey: input In ordered per key.
	NeedOrderedPerKey
	// NeedExactlyOnce: input In without repeats.
	NeedExactlyOnce
	// NeedBounded: input In bounded.
	NeedBounded
	// NeedAlgebra: the node's Claims cover what input In's guarantees
	// lack (Commutative where it is unordered, Idempotent where it may
	// repeat).
	NeedAlgebra
	// NeedNonDet: a NonDet reason.
	NeedNonDet
	// NeedTickOf: the node's location is a tick of input In's location.
	NeedTickOf
	// NeedPeriod: a positive Period.
	NeedPeriod
	// NeedCodec: a usable codec in Fn.
	NeedCodec
)

// Need is one requirement of an operator. Op names the operator as the
// user called it, and Hint, if set, replaces the check's usual hint.
type Need struct {
	What Requirement
	In   int
	Op   string
	Hint string
}

// Claims are algebraic properties of an operator's function.
type Claims uint8

const (
	// Commutative: the result does not depend on the order of items.
	Commutative Claims = 1 << iota
	// Idempotent: applying an item twice is like applying it once.
	Idempotent
)

// Need records a requirement of n.
func (n *Node) Need(what Requirement, in int, op, hint string) {
	n.Needs = append(n.Needs, Need{What: what, In: in, Op: op, Hint: hint})
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
