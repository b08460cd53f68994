// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"reflect"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// External ports: the graph's end of each is a dfir input or output and an
// PortBinding the shell serves (see PortBinding).

// Codec is how values of type T travel between a port and its clients: the
// Fn of a port's nodes.
type Codec[T any] struct {
	Name    string
	Framing Framing
	Split   Split // for FrameSplit: where each message a peer sends ends
	Max     int
	Encode  func(dst []byte, v T) ([]byte, error)
	Decode  func(msg []byte) (T, error)
}

// Zero reports whether c is the zero Codec, which cannot be used.
func (c Codec[T]) Zero() bool { return c.Encode == nil }

// TypeName names the codec's type, for messages.
func (c Codec[T]) TypeName() string { return fmt.Sprintf("Codec[%v]", reflect.TypeFor[T]()) }

// Port is the Params of a port's nodes: its name, and the user's handle the
// binding is left under in the handles.
type Port struct {
	Name   string
	Handle any
}

// ExternalIn is what clients send to a PortIn.
type ExternalIn[T any] struct{}

func (ExternalIn[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	p, codec := n.Params.(Port), n.Fn.(Codec[T])
	h, port := dfir.SourceInput[T](c.Graph)
	b := &PortBinding{Name: p.Name, Kind: PortIn, In: codec.Framing, Split: codec.Split, MaxMessage: codec.Max,
		Receive: func(_ uint64, msg []byte) error {
			v, err := codec.Decode(msg)
			if err != nil {
				return fmt.Errorf("hydro: port %s: %w", p.Name, err)
			}
			h.Push(v)
			return nil
		}}
	c.Ports = append(c.Ports, b)
	c.Handles[p.Handle] = b
	return port
}

// ExternalOut sends every item to every client of a PortOut: a sink.
type ExternalOut[T any] struct{}

func (ExternalOut[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	p, codec := n.Params.(Port), n.Fn.(Codec[T])
	out := dfir.SinkOutput(port[T](ins, 0))
	var items []T
	b := &PortBinding{Name: p.Name, Kind: PortOut, Out: codec.Framing, MaxMessage: codec.Max}
	enc := encoder[T]{port: p.Name, codec: codec}
	b.Drain = func(send func(uint64, []byte)) error {
		items = out.Drain(items[:0])
		for _, v := range items {
			enc.send(v, func(msg []byte) { send(0, msg) })
		}
		clear(items)
		return enc.done()
	}
	c.Ports = append(c.Ports, b)
	c.Handles[p.Handle] = b
	return nil
}

// BidiCodecs are the Fn of a bidi port's requests: both directions' codecs.
type BidiCodecs[Req, Resp any] struct {
	Req  Codec[Req]
	Resp Codec[Resp]
}

// Zero reports whether the requests' codec is the zero Codec: the answers'
// is checked where they are sent (ExternalRespond).
func (c BidiCodecs[Req, Resp]) Zero() bool { return c.Req.Zero() }

// TypeName names the requests' codec's type.
func (c BidiCodecs[Req, Resp]) TypeName() string { return c.Req.TypeName() }

// ExternalRequests is what clients send to a PortBidi, keyed by connection
// (C). n.Fn is a BidiCodecs.
type ExternalRequests[C ~uint64, Req, Resp any] struct{}

func (ExternalRequests[C, Req, Resp]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	p, codecs := n.Params.(Port), n.Fn.(BidiCodecs[Req, Resp])
	h, port := dfir.SourceInput[dfir.KV[C, Req]](c.Graph)
	b := &PortBinding{Name: p.Name, Kind: PortBidi, In: codecs.Req.Framing, Out: codecs.Resp.Framing, Split: codecs.Req.Split, MaxMessage: codecs.Req.Max,
		Receive: func(conn uint64, msg []byte) error {
			v, err := codecs.Req.Decode(msg)
			if err != nil {
				return fmt.Errorf("hydro: port %s: %w", p.Name, err)
			}
			h.Push(dfir.KV[C, Req]{Key: C(conn), Val: v})
			return nil
		}}
	c.Ports = append(c.Ports, b)
	c.Handles[p.Handle] = b
	return port
}

// ExternalEvents is every connection to a PortBidi opening (E 1) and
// closing (E 2). It needs the requests lowered first.
type ExternalEvents[C ~uint64, E ~uint8] struct{}

func (ExternalEvents[C, E]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	p := n.Params.(Port)
	h, port := dfir.SourceInput[dfir.KV[C, E]](c.Graph)
	b := c.Handles[p.Handle].(*PortBinding) // made by the requests, lowered first
	b.Connect = func(conn uint64) { h.Push(dfir.KV[C, E]{Key: C(conn), Val: E(1)}) }
	b.Disconnect = func(conn uint64) { h.Push(dfir.KV[C, E]{Key: C(conn), Val: E(2)}) }
	return port
}

// ExternalRespond sends each value to the connection its key names: a
// sink. n.Fn is the answers' Codec.
type ExternalRespond[C ~uint64, T any] struct{}

func (ExternalRespond[C, T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	p, codec := n.Params.(Port), n.Fn.(Codec[T])
	out := dfir.SinkOutput(port[dfir.KV[C, T]](ins, 0))
	var items []dfir.KV[C, T]
	enc := encoder[T]{port: p.Name, codec: codec}
	b := c.Handles[p.Handle].(*PortBinding)
	b.Drain = func(send func(uint64, []byte)) error {
		items = out.Drain(items[:0])
		for _, kv := range items {
			enc.send(kv.Val, func(msg []byte) { send(uint64(kv.Key), msg) })
		}
		clear(items)
		return enc.done()
	}
	return nil
}

// encoder encodes the values a port sends, keeping count of those it
// cannot encode.
type encoder[T any] struct {
	port  string
	codec Codec[T]
	buf   []byte
	bad   int
	first error
}

func (e *encoder[T]) send(v T, send func([]byte)) {
	var err error
	e.buf, err = e.codec.Encode(e.buf[:0], v)
	if err == nil && len(e.buf) > e.codec.Max {
		err = fmt.Errorf("message of %d bytes exceeds the codec's limit of %d", len(e.buf), e.codec.Max)
	}
	if err != nil {
		if e.bad == 0 {
			e.first = err
		}
		e.bad++
		return
	}
	send(e.buf)
}

// done returns the error for the values that could not be encoded since
// the last call.
func (e *encoder[T]) done() error {
	if e.bad == 0 {
		return nil
	}
	err := fmt.Errorf("hydro: port %s: %d values not sent; the first: %w", e.port, e.bad, e.first)
	e.bad, e.first = 0, nil
	return err
}
