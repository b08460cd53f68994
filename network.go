// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// Networking operators move a collection from one location to another. Each
// lowers to a sending half at the sender, which after every tick encodes
// what the tick sent as one batch per destination, and a receiving half at
// the receiver, which decodes a batch into the next tick's input. Channels
// are TCP connections in a deployment: ordered and exactly-once up to a
// failure, after which a suffix of what was sent may be lost (fail-stop).

// route says where an item goes: the members of the destination location.
type route[T any] func(c *ir.Ctx, v T) (members []uint32, item any)

// channel adds a networking node carrying values of type W from in's
// location to `to`. split turns the sender's items (type S) into
// destinations and wire values; wrap turns a received wire value and its
// sender's member index into the receiver's item (type R).
//
// A channel whose items all go to member 0 as they are (Send, Gather)
// passes a nil split, and S must then be W: its sender encodes a tick's
// items as one batch without routing each. A channel whose receiver takes
// the wire values as they are passes a nil wrap, and W must then be R.
func channel[S, W, R any](to Location, op string, in *ir.Node, props ir.Props,
	split func(c *ir.Ctx) func(v S, emit func(member uint32, w W)),
	wrap func(from uint32, w W) R) *ir.Node {
	n := build[R](to, op, props, []*ir.Node{in}, true, nil)
	dst := to.loc()
	n.Net = &ir.Net{
		Channel: uint32(n.ID),
		Send: func(c *ir.Ctx, p any) ir.Outbox {
			out := dfir.SinkOutput(p.(dfir.Port[S]))
			wrapErr := func(err error) error { return fmt.Errorf("hydro: %s (%s): %w", op, n.Pos(), err) }
			if split == nil {
				return ir.Outbox{Channel: uint32(n.ID), Flush: sendOne[S, W](c, out, wrapErr, dst)}
			}
			return ir.Outbox{Channel: uint32(n.ID), Flush: sendSplit(c, out, split(c), wrapErr, dst)}
		},
		Recv: func(c *ir.Ctx) (ir.Inbox, any) {
			c.Graph.SetPosition(n.File, n.Line)
			defer c.Graph.SetPosition("", 0)
			h, p := dfir.SourceInput[R](c.Graph)
			var ws []W
			return ir.Inbox{Channel: uint32(n.ID), From: in.Loc.Root(), Deliver: func(from uint32, payload []byte) error {
				var err error
				if ws, err = transport.DecodeBatch(c.Codec, payload, ws[:0]); err != nil {
					return fmt.Errorf("hydro: %s (%s): %w", op, n.Pos(), err)
				}
				if wrap == nil {
					h.PushAll(any(ws).([]R))
					return nil
				}
				for _, w := range ws {
					h.Push(wrap(from, w))
				}
				return nil
			}}, p
		},
	}
	return n
}

// sendOne returns the Flush of a channel that sends its items as they are
// (S is W) to member 0 of dst: one batch of the tick's items.
func sendOne[S, W any](c *ir.Ctx, out *dfir.Output[S], wrapErr func(error) error, dst *ir.Location) func(send func(ir.Dest, []byte) error) error {
	var items []S
	var buf []byte
	return func(send func(ir.Dest, []byte) error) error {
		items = out.Drain(items[:0])
		if len(items) == 0 {
			return nil
		}
		var err error
		buf, err = transport.AppendBatch(c.Codec, buf[:0], any(items).([]W))
		clear(items) // drop references until the next tick
		if err != nil {
			return wrapErr(err)
		}
		return send(ir.Dest{Loc: dst, Member: 0}, buf)
	}
}

// sendSplit returns the Flush of a channel that routes each item: one batch
// per member addressed, in the order members were first addressed.
func sendSplit[S, W any](c *ir.Ctx, out *dfir.Output[S], route func(S, func(uint32, W)), wrapErr func(error) error, dst *ir.Location) func(send func(ir.Dest, []byte) error) error {
	var items []S
	per := map[uint32][]W{}
	var order []uint32
	var buf []byte
	// NB: made once, not per item: a closure passed to route escapes.
	emit := func(m uint32, w W) {
		ws := per[m]
		if len(ws) == 0 {
			order = append(order, m)
		}
		per[m] = append(ws, w)
	}
	return func(send func(ir.Dest, []byte) error) error {
		items = out.Drain(items[:0])
		if len(items) == 0 {
			return nil
		}
		order = order[:0]
		for _, v := range items {
			route(v, emit)
		}
		clear(items)
		for _, m := range order {
			var err error
			if buf, err = transport.AppendBatch(c.Codec, buf[:0], per[m]); err != nil {
				return wrapErr(err)
			}
			if err := send(ir.Dest{Loc: dst, Member: m}, buf); err != nil {
				return err
			}
			clear(per[m])
			per[m] = per[m][:0]
		}
		return nil
	}
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
	n := channel[T, T, T](to, "send", in, netProps(in, ir.Stream, 1), nil, nil)
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
	n := channel[T, T, T](to, "send_lossy", in, ir.Props{Kind: ir.Stream}, nil, nil)
	n.Net.Lossy = true
	checkNonDet(s.l.flow(), n, nd)
	return stream[T](n, to)
}

// Gather sends every member's stream to a process, which receives them keyed
// by sender: each sender's items stay in order.
func Gather[T, C, P any](s Stream[T, *Cluster[C]], to *Process[P]) KeyedStream[MemberID[C], T, *Process[P]] {
	in := s.node()
	p := netProps(in, ir.KeyedStream, 1) // ordered per key: per sender
	n := channel[T](to, "gather", in, p, nil,
		func(from uint32, v T) KV[MemberID[C], T] { return KV[MemberID[C], T]{Key: MemberID[C](from), Val: v} })
	return keyedStream[MemberID[C], T](n, to)
}

// Demux sends each value to the member its key names.
func Demux[T any, L Location, C any](s KeyedStream[MemberID[C], T, L], to *Cluster[C]) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[KV[MemberID[C], T], T, T](to, "demux", in, netProps(in, ir.Stream, senders(in)),
		func(*ir.Ctx) func(KV[MemberID[C], T], func(uint32, T)) {
			return func(kv KV[MemberID[C], T], emit func(uint32, T)) { emit(uint32(kv.Key), kv.Val) }
		},
		nil)
	return stream[T](n, to)
}

// Broadcast sends every item to every current member of a cluster. Members
// joining or leaving change who receives what, hence the NonDet.
func Broadcast[T any, L Location, C any](s Stream[T, L], to *Cluster[C], nd NonDet) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[T, T, T](to, "broadcast", in, netProps(in, ir.Stream, senders(in)),
		func(c *ir.Ctx) func(T, func(uint32, T)) {
			return func(v T, emit func(uint32, T)) {
				for _, m := range c.Members(to.l) {
					emit(m, v)
				}
			}
		},
		nil)
	checkNonDet(s.l.flow(), n, nd)
	return stream[T](n, to)
}

// RoundRobin sends each item to the next member of a cluster in turn. Which
// member gets an item depends on membership, hence the NonDet.
func RoundRobin[T any, L Location, C any](s Stream[T, L], to *Cluster[C], nd NonDet) Stream[T, *Cluster[C]] {
	in := s.node()
	n := channel[T, T, T](to, "round_robin", in, netProps(in, ir.Stream, 2),
		func(c *ir.Ctx) func(T, func(uint32, T)) {
			next := 0
			return func(v T, emit func(uint32, T)) {
				ms := c.Members(to.l)
				if len(ms) == 0 {
					return // no member to take it: dropped, as by a failure
				}
				emit(ms[next%len(ms)], v)
				next++
			}
		},
		nil)
	checkNonDet(s.l.flow(), n, nd)
	return stream[T](n, to)
}
