// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// External clients: programs outside the flow (nc, a load generator, a Go
// program using Dial) that talk to it through ports. A port belongs to an
// External, which names the kind of client, and is served by the process it
// attaches to; in a deployment that process's node listens on a TCP port of
// its own for it. There are three kinds:
//
//   - SourceExternal: clients send, the flow receives one stream of what
//     they all sent;
//   - SinkExternal: the flow sends a stream, and every connected client
//     receives it;
//   - BidiExternal: clients send requests, the flow answers each
//     connection, and sees connections open and close.
//
// Each direction has a Codec: Lines, Bytes or CBOR. What clients send is
// ordered per connection and exactly-once up to a failure of the
// connection; connections interleave in no particular order.
//
// Under Local, Connect acts as a client in memory, going through the same
// codec and the same port as a TCP client does.

// External is a kind of client outside the flow, named by a tag type. It
// runs nowhere: its ports are served by the processes they attach to.
//
//	type Client struct{}
//	clients := hydro.NewExternal[Client](f)
type External[Tag any] struct {
	f     *Flow
	l     *ir.Location
	ports int // ports made so far: they are named after the tag, in order
}

// NewExternal adds a kind of external client to the flow. Two externals of
// one flow must not share a tag name: their ports would share names.
func NewExternal[Tag any](f *Flow) *External[Tag] {
	return &External[Tag]{f: f, l: f.newLocation(ir.External, tagName[Tag](), nil)}
}

// String names the external.
func (e *External[Tag]) String() string { return e.l.String() }

// nextPort names a new port: the tag's name for the first ("Client"), then
// with its number ("Client.2", "Client.3").
func (e *External[Tag]) nextPort() string {
	e.ports++
	if e.ports == 1 {
		return e.l.Name
	}
	return fmt.Sprintf("%s.%d", e.l.Name, e.ports)
}

// ConnID identifies one client connection to a port. Ids start at 1 and
// are not reused while the node serving the port runs.
type ConnID uint64

// ConnEvent is a client connecting to or disconnecting from a port.
type ConnEvent uint8

// A connection's events and requests are two streams, so within a tick
// they have no order; across ticks they do.
const (
	// Connected: the connection opened. It comes no later than the tick
	// of the connection's first request.
	Connected ConnEvent = iota + 1
	// Disconnected: the connection closed, from either side. It comes no
	// earlier than the tick of the connection's last request (deployed,
	// when the client closed it: in a later tick, after the answers the
	// flow gave at once were sent). Answers to it are dropped.
	Disconnected
)

func (e ConnEvent) String() string {
	switch e {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	}
	return fmt.Sprintf("ConnEvent(%d)", uint8(e))
}

// InPort is a port through which external clients send values of type T:
// the handle that names it (for the deployer's address table and Dial) and
// lets a Local test connect to it.
type InPort[T any] struct {
	name  string
	codec Codec[T]
}

// SourceExternal attaches a port to process at through which clients of
// ext send values, and returns it with the stream of what they send. The
// stream is unbounded and exactly-once; it is ordered per connection only,
// so as a whole it is unordered.
func SourceExternal[T, P, E any](at *Process[P], ext *External[E], codec Codec[T]) (*InPort[T], Stream[T, *Process[P]]) {
	p := &InPort[T]{name: ext.nextPort(), codec: codec}
	n := build[T](at, "external_in", streamProps(false, false, true), nil, compile.ExternalIn[T]{}, codec.lowered())
	n.Params = compile.Port{Name: p.name, Handle: p}
	n.Label = p.name + ", " + codec.String()
	needCodec(n, codec, "SourceExternal")
	return p, stream[T](n, at)
}

// Name returns the port's name: its address's key in the deployer's table.
func (p *InPort[T]) Name() string { return p.name }

// Connect opens an in-memory client connection to the port in r.
func (p *InPort[T]) Connect(r *Local) *LocalClient[T, struct{}] {
	return connectLocal(r, p, p.codec, Codec[struct{}]{})
}

// OutPort is a port through which the flow sends values of type T to every
// connected client.
type OutPort[T any] struct {
	name  string
	codec Codec[T]
}

// SinkExternal sends every item of s to every client of ext connected to
// the port it attaches to s's process, in s's order. A client receives what
// the flow sends after it connected; with no client connected, items are
// dropped.
func SinkExternal[T, P, E any](s Stream[T, *Process[P]], ext *External[E], codec Codec[T]) *OutPort[T] {
	p := &OutPort[T]{name: ext.nextPort(), codec: codec}
	n := sink[T](s.l, "external_out", s.node(), compile.ExternalOut[T]{}, codec.lowered())
	n.Params = compile.Port{Name: p.name, Handle: p}
	n.Label = p.name + ", " + codec.String()
	needCodec(n, codec, "SinkExternal")
	return p
}

// Name returns the port's name.
func (p *OutPort[T]) Name() string { return p.name }

// Connect opens an in-memory client connection to the port in r.
func (p *OutPort[T]) Connect(r *Local) *LocalClient[struct{}, T] {
	return connectLocal(r, p, Codec[struct{}]{}, p.codec)
}

// BidiPort is a port through which each client connection sends requests
// of type Req and receives answers of type Resp, at process P.
type BidiPort[Req, Resp, P any] struct {
	name     string
	req      Codec[Req]
	resp     Codec[Resp]
	at       *Process[P]
	requests *ir.Node
	events   *ir.Node
}

// BidiExternal attaches a port to process at through which clients of ext
// send requests and receive answers, one conversation per connection. Use
// Requests and Events, and answer with Respond.
//
//	echo := hydro.BidiExternal(server, clients, hydro.Lines, hydro.Lines)
//	echo.Respond(echo.Requests())
func BidiExternal[Req, Resp, P, E any](at *Process[P], ext *External[E], req Codec[Req], resp Codec[Resp]) *BidiPort[Req, Resp, P] {
	p := &BidiPort[Req, Resp, P]{name: ext.nextPort(), req: req, resp: resp, at: at}
	keyed := ir.Props{Kind: ir.KeyedStream, Ordered: true, ExactlyOnce: true} // ordered per connection
	port := compile.Port{Name: p.name, Handle: p}
	p.requests = build[KV[ConnID, Req]](at, "external_requests", keyed, nil, compile.ExternalRequests[ConnID, Req, Resp]{},
		compile.BidiCodecs[Req, Resp]{Req: req.lowered(), Resp: resp.lowered()})
	p.requests.Params = port
	p.requests.Label = p.name + ", " + req.String()
	needCodec(p.requests, req, "BidiExternal")
	p.events = build[KV[ConnID, ConnEvent]](at, "external_events", keyed, nil, compile.ExternalEvents[ConnID, ConnEvent]{}, nil)
	p.events.Params = port
	p.events.Label = p.name
	return p
}

// Name returns the port's name.
func (p *BidiPort[Req, Resp, P]) Name() string { return p.name }

// Requests is what clients send, keyed by connection: unbounded,
// exactly-once, ordered per connection.
func (p *BidiPort[Req, Resp, P]) Requests() KeyedStream[ConnID, Req, *Process[P]] {
	return keyedStream[ConnID, Req](p.requests, p.at)
}

// Events is every connection opening and closing, keyed by connection: for
// each, Connected, then Disconnected (see ConnEvent for how they fall
// among the connection's requests).
func (p *BidiPort[Req, Resp, P]) Events() KeyedStream[ConnID, ConnEvent, *Process[P]] {
	return keyedStream[ConnID, ConnEvent](p.events, p.at)
}

// Respond sends each value of s to the connection its key names, in s's
// order per connection. Values for a connection that is closed, or never
// was, are dropped. Call it at most once per port: Merge the answers first.
func (p *BidiPort[Req, Resp, P]) Respond(s KeyedStream[ConnID, Resp, *Process[P]]) {
	n := sink[KV[ConnID, Resp]](p.at, "external_respond", s.node(), compile.ExternalRespond[ConnID, Resp]{}, p.resp.lowered())
	n.Params = compile.Port{Name: p.name, Handle: p}
	n.Label = p.name + ", " + p.resp.String()
	needCodec(n, p.resp, "Respond")
}

// Connect opens an in-memory client connection to the port in r.
func (p *BidiPort[Req, Resp, P]) Connect(r *Local) *LocalClient[Req, Resp] {
	return connectLocal(r, p, p.req, p.resp)
}

// LocalClient is an in-memory client connection to a port of a Local run:
// what it sends goes through the port's codec and into the port as a TCP
// client's would, and it receives what the flow sent it since it
// connected. A client of an InPort receives nothing, and a client of an
// OutPort sends nothing: their missing direction has type struct{}.
//
// Like its Local, a LocalClient is not safe for concurrent use.
type LocalClient[Req, Resp any] struct {
	r    *Local
	port *localPort
	conn *localConn
	id   ConnID
	req  Codec[Req]
	resp Codec[Resp]
	buf  []byte
}

// localPort is a port's in-memory clients in a Local run.
//
// NB: what a port sends waits in its dfir output until drainPorts, which
// runs whenever a client connects, receives or closes, the only moments a
// client can tell when a message was delivered. So Local needs no hook in
// its ticks, whichever way they are scheduled.
type localPort struct {
	b     *compile.PortBinding
	next  uint64
	conns map[uint64]*localConn // open ones
}

type localConn struct {
	inbox [][]byte // encoded messages the flow sent
	err   error    // the first error it met: see LocalClient.Err
}

func connectLocal[Req, Resp any](r *Local, h any, req Codec[Req], resp Codec[Resp]) *LocalClient[Req, Resp] {
	b := r.handle(h, 0).(*compile.PortBinding)
	r.drainPorts() // what was sent before this client connected is not for it
	lp := r.ports[b]
	if lp == nil {
		lp = &localPort{b: b, conns: make(map[uint64]*localConn)}
		r.ports[b] = lp
	}
	lp.next++
	c := &LocalClient[Req, Resp]{r: r, port: lp, conn: &localConn{}, id: ConnID(lp.next), req: req, resp: resp}
	lp.conns[lp.next] = c.conn
	if b.Connect != nil {
		b.Connect(lp.next)
	}
	return c
}

// ID returns the connection's id, as the flow sees it.
func (c *LocalClient[Req, Resp]) ID() ConnID { return c.id }

// Send sends values to the port, in order: they arrive in the next tick.
// After Close, or once the port closed the connection, they are dropped.
// Send panics if the port only sends, or if a value cannot be encoded (a
// line with a newline in it) or is longer than the codec allows.
func (c *LocalClient[Req, Resp]) Send(vs ...Req) {
	b := c.port.b
	if b.Receive == nil {
		panic(fmt.Sprintf("hydro: LocalClient.Send: port %s only sends", b.Name))
	}
	for _, v := range vs {
		if c.port.conns[uint64(c.id)] != c.conn {
			return // closed
		}
		var err error
		if c.buf, err = c.req.encode(c.buf[:0], v); err != nil {
			panic(fmt.Sprintf("hydro: LocalClient.Send to port %s: %v", b.Name, err))
		}
		if len(c.buf) > c.req.max {
			panic(fmt.Sprintf("hydro: LocalClient.Send to port %s: message of %d bytes exceeds the codec's limit of %d", b.Name, len(c.buf), c.req.max))
		}
		if err := b.Receive(uint64(c.id), append([]byte(nil), c.buf...)); err != nil {
			c.Close() // as a deployed port closes a client sending garbage
		}
	}
}

// Receive returns, decoded, what the flow sent the connection since the
// last Receive, up to its Close. A message the flow could not send (a
// value its codec cannot encode, or longer than the codec allows) is
// skipped, as a deployed port drops it, and so is one that does not
// decode: Err reports them.
func (c *LocalClient[Req, Resp]) Receive() []Resp {
	c.r.drainPorts()
	var out []Resp
	for _, msg := range c.conn.inbox {
		v, err := c.resp.decode(msg)
		if err != nil {
			c.conn.fail(fmt.Errorf("hydro: LocalClient.Receive from port %s: %w", c.port.b.Name, err))
			continue
		}
		out = append(out, v)
	}
	clear(c.conn.inbox)
	c.conn.inbox = c.conn.inbox[:0]
	return out
}

// Err returns the first error met by what the flow sent the connection
// while it was open: messages the port could not encode, or over its
// codec's limit, which Receive skipped (on a port that answers each
// connection, a message for another connection may be the one), or
// messages that did not decode. It is nil if every message arrived.
func (c *LocalClient[Req, Resp]) Err() error {
	c.r.drainPorts()
	return c.conn.err
}

func (lc *localConn) fail(err error) {
	if lc.err == nil {
		lc.err = err
	}
}

// Close closes the connection: the flow sees it disconnect in the next
// tick, and what it sends the connection from then on is dropped. Closing
// again does nothing.
func (c *LocalClient[Req, Resp]) Close() {
	lp, id := c.port, uint64(c.id)
	if lp.conns[id] != c.conn {
		return
	}
	c.r.drainPorts()
	delete(lp.conns, id)
	if lp.b.Disconnect != nil {
		lp.b.Disconnect(id)
	}
}

// drainPorts hands what every port sent since the last call to its
// connected in-memory clients.
func (r *Local) drainPorts() {
	if r.ports == nil {
		r.ports = make(map[*compile.PortBinding]*localPort)
	}
	for _, g := range r.run.Program().Graphs {
		for _, b := range g.Ports {
			if b.Drain == nil {
				continue
			}
			lp := r.ports[b]
			err := b.Drain(func(conn uint64, msg []byte) {
				if lp == nil {
					return // no client ever connected
				}
				if b.Kind == compile.PortOut {
					for _, c := range lp.conns {
						c.inbox = append(c.inbox, append([]byte(nil), msg...))
					}
					return
				}
				if c, ok := lp.conns[conn]; ok {
					c.inbox = append(c.inbox, append([]byte(nil), msg...))
				}
			})
			if err != nil && lp != nil {
				for _, c := range lp.conns {
					c.fail(err)
				}
			}
		}
	}
}
