// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"reflect"
	"strings"
	"unicode"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Networking operators move a collection from one location to another. Each
// lowers to a sending half at the sender, which after every tick encodes
// what the tick sent as one batch per destination, and a receiving half at
// the receiver, which decodes a batch into the next tick's input. Channels
// are TCP connections in a deployment: ordered and exactly-once up to a
// failure, after which a suffix of what was sent may be lost (fail-stop).

// channel adds a networking node carrying in's items to `to`, routed as
// route says, that lowers with net (a compile.Net, or nil for a plain
// channel of T's element type) and produces elements of type R.
func channel[W, R any](to Location, op string, in *ir.Node, props ir.Props, route ir.Route, net any) *ir.Node {
	return addChannel(to, op, in, props, route, net, reflect.TypeFor[W](), compile.Type[R]{})
}

// addChannel is channel, with the wire type and the element type's
// compile.Type given.
func addChannel(to Location, op string, in *ir.Node, props ir.Props, route ir.Route, net any, wire reflect.Type, elem any) *ir.Node {
	n := addNode(to, op, props, []*ir.Node{in}, net, nil, elem)
	n.Crosses = true
	n.Net = &ir.Net{Channel: uint32(n.ID), Route: route}
	n.Wire = wire
	n.Need(ir.NeedWire, 0, opName(op), "")
	if net == nil {
		n.Impl = n.Elem
	}
	return n
}

// netProps are the guarantees of what a channel delivers: a single sender's
// order survives, several senders interleave.
func netProps(in *ir.Node, k ir.Kind, senders int) ir.Props {
	return ir.Props{Kind: k, Ordered: in.Props.Ordered && senders == 1, ExactlyOnce: in.Props.ExactlyOnce}
}

func senders(in *ir.Node) int {
	if in.Loc.Root().Kind == ir.Cluster {
		return 2 // any number
	}
	return 1
}

// Send moves a stream from one process to another, in order.
func Send[T, A, B any](s Stream[T, *Process[A]], to *Process[B]) Stream[T, *Process[B]] {
	in := s.node()
	n := channel[T, T](to, "send", in, netProps(in, ir.Stream, 1), ir.ToOne, nil)
	return stream[T](n, to)
}

// SendLossy moves a stream from one process to another over a channel that
// may lose and repeat items, and so reorder them: the result is unordered
// and at-least-once, and the operators after it must not rely on either.
// Deployed it runs over TCP like Send, which loses nothing before a
// failure; under the simulator, sim.Loss and sim.Duplicates let
// it lose and repeat messages. The NonDet says why the program tolerates
// that.
func SendLossy[T, A, B any](s Stream[T, *Process[A]], to *Process[B], nd NonDet) Stream[T, *Process[B]] {
	in := s.node()
	n := channel[T, T](to, "send_lossy", in, ir.Props{Kind: ir.Stream}, ir.ToOne, nil)
	n.Net.Lossy = true
	needNonDet(n, nd)
	return stream[T](n, to)
}

// Gather sends every member's stream to a process, which receives them keyed
// by sender: each sender's items stay in order.
func Gather[T, C, P any](s Stream[T, *Cluster[C]], to *Process[P]) KeyedStream[MemberID[C], T, *Process[P]] {
	in := s.node()
	p := netProps(in, ir.KeyedStream, 1) // ordered per key: per sender
	n := channel[T, KV[MemberID[C], T]](to, "gather", in, p, ir.ToOne, compile.Gather[MemberID[C], T]{})
	return keyedStream[MemberID[C], T](n, to)
}

// Demux sends each value to the member its key names.
func Demux[T any, L Location, C any](s KeyedStream[MemberID[C], T, L], to *Cluster[C]) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[T, T](to, "demux", in, netProps(in, ir.Stream, senders(in)), ir.ByMember, compile.Demux[MemberID[C], T]{})
	return stream[T](n, to)
}

// Broadcast sends every item to every current member of a cluster. Members
// joining or leaving change who receives what, hence the NonDet.
func Broadcast[T any, L Location, C any](s Stream[T, L], to *Cluster[C], nd NonDet) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[T, T](to, "broadcast", in, netProps(in, ir.Stream, senders(in)), ir.ToAll, nil)
	needNonDet(n, nd)
	return stream[T](n, to)
}

// RoundRobin sends each item to the next member of a cluster in turn. Which
// member gets an item depends on membership, hence the NonDet.
func RoundRobin[T any, L Location, C any](s Stream[T, L], to *Cluster[C], nd NonDet) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[T, T](to, "round_robin", in, netProps(in, ir.Stream, senders(in)), ir.RoundRobin, nil)
	hint := "RoundRobin keeps the sender's order and exactly-once delivery in each member's share: give it a stream with both (AssumeOrdered, or Unique, where that is what the program means)"
	n.Need(ir.NeedOrdered, 0, "RoundRobin", hint)
	n.Need(ir.NeedExactlyOnce, 0, "RoundRobin", hint)
	needNonDet(n, nd)
	return stream[T](n, to)
}

// opName is the name the user called a networking operator by, for
// problems: "send_lossy" → "SendLossy".
func opName(op string) string {
	var b strings.Builder
	up := true
	for _, r := range op {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
