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
// input. Type[T] is the plain channel; Demux and Gather are the keyed ones.
//
// NB: every element type of a flow is a possible channel (Relocate may cut
// any edge), so these methods are compiled for each of the user's types, in
// the user's package. Only the ends that touch the items are generic (an
// outgoing, an incoming: a few lines each); routing and batching (send, recv)
// are compiled once, here. The per-item loops stay typed: draining,
// gathering and encoding a batch, decoding and pushing one.

// outgoing is the typed end of a sending half: the items of the last tick.
type outgoing interface {
	// drain takes the items the tick sent and returns how many.
	drain() int
	// encode appends a batch to dst: every item when idx is nil, else the
	// items at idx, in that order.
	encode(c *transport.Codec, dst []byte, idx []int32) ([]byte, error)
	// release drops the items, and so what they reference.
	release()
}

// keyedOutgoing is the outgoing of a ByMember route: each item names its
// member.
type keyedOutgoing interface {
	outgoing
	member(i int) uint32
}

// incoming is the typed end of a receiving half: deliver decodes a batch
// that member from sent and queues its items for the next tick.
type incoming interface {
	deliver(c *transport.Codec, from uint32, payload []byte) error
}

// items is the outgoing of a channel that carries T as it is.
type items[T any] struct {
	out       *dfir.Output[T]
	buf, pick []T
}

func (o *items[T]) drain() int { o.buf = o.out.Drain(o.buf[:0]); return len(o.buf) }

func (o *items[T]) encode(c *transport.Codec, dst []byte, idx []int32) ([]byte, error) {
	if idx == nil {
		return transport.AppendBatch(c, dst, o.buf)
	}
	for _, i := range idx {
		o.pick = append(o.pick, o.buf[i])
	}
	dst, err := transport.AppendBatch(c, dst, o.pick)
	clear(o.pick)
	o.pick = o.pick[:0]
	return dst, err
}

func (o *items[T]) release() { clear(o.buf) }

// values is the outgoing of a Demux: (member, value) pairs that send the
// value to the member.
type values[K ~uint32, T any] struct {
	out  *dfir.Output[dfir.KV[K, T]]
	buf  []dfir.KV[K, T]
	pick []T
}

func (o *values[K, T]) drain() int          { o.buf = o.out.Drain(o.buf[:0]); return len(o.buf) }
func (o *values[K, T]) member(i int) uint32 { return uint32(o.buf[i].Key) }

func (o *values[K, T]) encode(c *transport.Codec, dst []byte, idx []int32) ([]byte, error) {
	for _, i := range idx {
		o.pick = append(o.pick, o.buf[i].Val)
	}
	dst, err := transport.AppendBatch(c, dst, o.pick)
	clear(o.pick)
	o.pick = o.pick[:0]
	return dst, err
}

func (o *values[K, T]) release() { clear(o.buf) }

// into is the incoming of a channel that delivers T as it is.
type into[T any] struct {
	in *dfir.Input[T]
	ws []T
}

func (r *into[T]) deliver(c *transport.Codec, _ uint32, payload []byte) error {
	var err error
	if r.ws, err = transport.DecodeBatch(c, payload, r.ws[:0]); err == nil {
		r.in.PushAll(r.ws)
	}
	return err
}

// keyedBySender is the incoming of a Gather: it keys each value by the
// member that sent it.
type keyedBySender[K ~uint32, T any] struct {
	in *dfir.Input[dfir.KV[K, T]]
	ws []T
}

func (r *keyedBySender[K, T]) deliver(c *transport.Codec, from uint32, payload []byte) error {
	var err error
	if r.ws, err = transport.DecodeBatch(c, payload, r.ws[:0]); err == nil {
		for _, w := range r.ws {
			r.in.Push(dfir.KV[K, T]{Key: K(from), Val: w})
		}
	}
	return err
}

// Demux is a channel that sends each (member, value) pair's value to the
// member its key names (ir.ByMember).
type Demux[K ~uint32, T any] struct{}

// Send builds the sending half.
func (Demux[K, T]) Send(c *Ctx, n *ir.Node, in any) Outbox {
	return send(c, n, &values[K, T]{out: dfir.SinkOutput(in.(dfir.Port[dfir.KV[K, T]]))})
}

// Recv builds the receiving half.
func (Demux[K, T]) Recv(c *Ctx, n *ir.Node) (Inbox, any) { return Type[T]{}.Recv(c, n) }

// Gather is a channel whose receiver keys every value by the member that
// sent it.
type Gather[K ~uint32, T any] struct{}

// Send builds the sending half.
func (Gather[K, T]) Send(c *Ctx, n *ir.Node, in any) Outbox { return Type[T]{}.Send(c, n, in) }

// Recv builds the receiving half.
func (Gather[K, T]) Recv(c *Ctx, n *ir.Node) (Inbox, any) {
	h, p := dfir.SourceInput[dfir.KV[K, T]](c.Graph)
	return recv(c, n, &keyedBySender[K, T]{in: h}), p
}

var (
	_ Net           = Demux[uint32, int]{}
	_ Net           = Gather[uint32, int]{}
	_ keyedOutgoing = (*values[uint32, int])(nil)
	_ incoming      = (*keyedBySender[uint32, int])(nil)
)

func netErr(n *ir.Node, err error) error { return fmt.Errorf("hydro: %s (%s): %w", n.Op, n.Pos(), err) }

// recv builds a receiving half around in.
func recv(c *Ctx, n *ir.Node, in incoming) Inbox {
	return Inbox{Channel: n.Net.Channel, From: n.Inputs[0].Loc.Root(), Deliver: func(from uint32, payload []byte) error {
		if err := in.deliver(c.Codec, from, payload); err != nil {
			return netErr(n, err)
		}
		return nil
	}}
}

// send builds a sending half around out, routed as n.Net.Route says: after
// every tick, one batch per member addressed, in the order members were
// first addressed.
func send(c *Ctx, n *ir.Node, out outgoing) Outbox {
	dst := n.Loc.Root()
	route := n.Net.Route
	var keyed keyedOutgoing
	switch route {
	case ir.ToOne, ir.ToAll, ir.RoundRobin:
	case ir.ByMember, ir.ByKey:
		k, ok := out.(keyedOutgoing)
		if !ok {
			panic("hydro: internal error: " + n.String() + ": route " + route.String() + " needs (member, value) pairs")
		}
		keyed = k
	default:
		panic("hydro: internal error: " + n.String() + ": unknown route " + route.String())
	}
	var (
		buf   []byte
		per   = map[uint32][]int32{} // item indices per member addressed
		order []uint32
		next  int // RoundRobin: the next item's turn
	)
	// batch sends the items at idx (all when nil) to member m.
	batch := func(send func(Dest, []byte) error, m uint32, idx []int32) error {
		var err error
		if buf, err = out.encode(c.Codec, buf[:0], idx); err != nil {
			return netErr(n, err)
		}
		return send(Dest{Loc: dst, Member: m}, buf)
	}
	return Outbox{Channel: n.Net.Channel, Flush: func(send func(Dest, []byte) error) error {
		k := out.drain()
		if k == 0 {
			return nil
		}
		defer out.release()
		switch route {
		case ir.ToOne:
			return batch(send, 0, nil)
		case ir.ToAll:
			ms := c.Members(dst)
			if len(ms) == 0 {
				return nil
			}
			var err error
			if buf, err = out.encode(c.Codec, buf[:0], nil); err != nil {
				return netErr(n, err)
			}
			for _, m := range ms {
				if err := send(Dest{Loc: dst, Member: m}, buf); err != nil {
					return err
				}
			}
			return nil
		}
		order = order[:0]
		var ms []uint32
		if route == ir.RoundRobin {
			if ms = c.Members(dst); len(ms) == 0 {
				return nil // no member to take them: dropped, as by a failure
			}
		}
		for i := range k {
			var m uint32
			if keyed != nil {
				m = keyed.member(i)
			} else {
				m = ms[next%len(ms)]
				next++
			}
			idx := per[m]
			if len(idx) == 0 {
				order = append(order, m)
			}
			per[m] = append(idx, int32(i))
		}
		for _, m := range order {
			if err := batch(send, m, per[m]); err != nil {
				return err
			}
			per[m] = per[m][:0]
		}
		return nil
	}}
}
