// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// Networking nodes lower to a sending half at the sender, which after every
// tick encodes what the tick sent as one batch per destination, and a
// receiving half at the receiver, which decodes a batch into the next tick's
// input. A channel carries wire values W: the sender's items S are routed
// and turned into W, and the receiver's items R are made from W and the
// sender's member index. Type[T] is the plain channel (S, W and R all T);
// Demux and Gather are the keyed ones.

// Demux is a channel that sends each (member, value) pair's value to the
// member its key names (ir.ByMember).
type Demux[K ~uint32, T any] struct{}

// Send builds the sending half.
func (Demux[K, T]) Send(c *Ctx, n *ir.Node, in any) Outbox {
	out := dfir.SinkOutput(in.(dfir.Port[dfir.KV[K, T]]))
	return Outbox{Channel: n.Net.Channel, Flush: sendSplit(c, n, out, func(kv dfir.KV[K, T], emit func(uint32, T)) {
		emit(uint32(kv.Key), kv.Val)
	})}
}

// Recv builds the receiving half.
func (Demux[K, T]) Recv(c *Ctx, n *ir.Node) (Inbox, any) { return recv[T, T](c, n, nil) }

// Gather is a channel whose receiver keys every value by the member that
// sent it.
type Gather[K ~uint32, T any] struct{}

// Send builds the sending half.
func (Gather[K, T]) Send(c *Ctx, n *ir.Node, in any) Outbox { return Type[T]{}.Send(c, n, in) }

// Recv builds the receiving half.
func (Gather[K, T]) Recv(c *Ctx, n *ir.Node) (Inbox, any) {
	return recv(c, n, func(from uint32, v T) dfir.KV[K, T] { return dfir.KV[K, T]{Key: K(from), Val: v} })
}

var (
	_ Net = Demux[uint32, int]{}
	_ Net = Gather[uint32, int]{}
)

func netErr(n *ir.Node, err error) error { return fmt.Errorf("hydro: %s (%s): %w", n.Op, n.Pos(), err) }

// recv builds a receiving half. A nil wrap takes the wire values as they
// are, and W must then be R.
func recv[W, R any](c *Ctx, n *ir.Node, wrap func(from uint32, w W) R) (Inbox, any) {
	h, p := dfir.SourceInput[R](c.Graph)
	var ws []W
	return Inbox{Channel: n.Net.Channel, From: n.Inputs[0].Loc.Root(), Deliver: func(from uint32, payload []byte) error {
		var err error
		if ws, err = transport.DecodeBatch(c.Codec, payload, ws[:0]); err != nil {
			return netErr(n, err)
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
}

// sendOne returns the Flush of a channel that sends its items as they are
// (S is W) to member 0 of the node's location: one batch of the tick's
// items.
func sendOne[S, W any](c *Ctx, n *ir.Node, out *dfir.Output[S]) func(send func(Dest, []byte) error) error {
	dst := n.Loc.Root()
	var items []S
	var buf []byte
	return func(send func(Dest, []byte) error) error {
		items = out.Drain(items[:0])
		if len(items) == 0 {
			return nil
		}
		var err error
		buf, err = transport.AppendBatch(c.Codec, buf[:0], any(items).([]W))
		clear(items) // drop references until the next tick
		if err != nil {
			return netErr(n, err)
		}
		return send(Dest{Loc: dst, Member: 0}, buf)
	}
}

// sendSplit returns the Flush of a channel that routes each item: one batch
// per member addressed, in the order members were first addressed.
func sendSplit[S, W any](c *Ctx, n *ir.Node, out *dfir.Output[S], route func(S, func(uint32, W))) func(send func(Dest, []byte) error) error {
	dst := n.Loc.Root()
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
	return func(send func(Dest, []byte) error) error {
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
				return netErr(n, err)
			}
			if err := send(Dest{Loc: dst, Member: m}, buf); err != nil {
				return err
			}
			clear(per[m])
			per[m] = per[m][:0]
		}
		return nil
	}
}
