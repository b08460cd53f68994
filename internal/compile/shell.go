// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"reflect"

	"github.com/hydro-go/hydro/internal/ir"
)

// What lowering leaves for the shell that runs a graph: where messages go
// (Dest), the halves of channels (Outbox, Inbox), the Go channels, timers
// and membership inputs it feeds (Wake, Timer, MembershipInput), and the
// external ports it serves (PortBinding).

// Dest is one running copy of a location: a process, or one member of a
// cluster.
type Dest struct {
	Loc    *ir.Location
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
	From    *ir.Location
	Deliver func(from uint32, payload []byte) error
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
	Node   *ir.Node
	Period int64 // nanoseconds
	Push   func(nanos int64)
}

// MembershipInput receives a cluster's membership changes from the shell.
type MembershipInput struct {
	Cluster *ir.Location
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
	// FrameSplit: messages delimit themselves (as the Redis protocol's
	// do): a Split function finds where each one a peer sends ends, and a
	// message is written as it is, with nothing around it.
	FrameSplit
)

// Split finds where the first message in data ends, for FrameSplit. It
// returns the message's length n > 0 when data starts with a whole message
// (which may be followed by more bytes); 0 and no error when data is only
// the start of one; and an error when data cannot start a valid message.
// atEOF tells that no more bytes will come. It must not keep data.
type Split = func(data []byte, atEOF bool) (n int, err error)

func (f Framing) String() string {
	switch f {
	case FrameLines:
		return "lines"
	case FrameLength:
		return "length-prefixed"
	case FrameSplit:
		return "self-delimited"
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
	// Split finds the end of each message from a client when In is
	// FrameSplit.
	Split Split
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
