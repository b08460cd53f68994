// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/node"
)

// Client is a connection to an external port of a deployed flow, for tests
// and client programs: it sends values of type Req and receives values of
// type Resp, with the port's codecs. The deployer prints each port's
// address:
//
//	[deployer] port Client listening on 127.0.0.1:40123
//
// A Client of a SourceExternal port only sends, and one of a SinkExternal
// port only receives; give the direction it does not use any codec.
//
// # Concurrency
//
// Send may be called from several goroutines, and Receive from another;
// Close from any. One goroutine, owned by Close, reads the connection.
type Client[Req, Resp any] struct {
	nc   net.Conn
	req  hydro.Codec[Req]
	resp hydro.Codec[Resp]
	// How the port delimits messages each way, and the largest it takes.
	reqFraming, respFraming compile.Framing
	respSplit               compile.Split
	respMax                 int

	wmu  sync.Mutex
	wbuf []byte

	msgs      chan received[Resp] // closed when the reader stops
	closing   chan struct{}
	closeOnce sync.Once
	done      chan struct{} // closed when the reader has returned
}

type received[T any] struct {
	v   T
	err error
}

// clientQueue is how many received messages wait for Receive before the
// Client stops reading, and TCP slows the port down.
const clientQueue = 64

// Dial connects to the port listening at addr (host:port). Until ctx ends
// it keeps trying, backing off from 10 ms to 0.5 s, so that it can be
// called while the fleet starts: bound ctx, as a wrong address is retried
// until then. Once connected, ctx no longer matters.
//
// With WithTLS it speaks TLS with the port, and with WithToken it sends
// the port's token and returns once the port took it in. A failed TLS
// handshake, or a token or certificate the port refused (ErrRefused),
// returns at once. With TLS and no token, a port that refuses the client's
// certificate ends the connection after Dial returned: the first Receive
// reports it.
func Dial[Req, Resp any](ctx context.Context, addr string, req hydro.Codec[Req], resp hydro.Codec[Resp], opts ...DialOption) (*Client[Req, Resp], error) {
	var dc dialConfig
	for _, o := range opts {
		o.apply(&dc)
	}
	reqFraming, _ := lang.Codec(req)
	respFraming, respMax := lang.Codec(resp)
	if reqFraming == 0 || respFraming == 0 {
		return nil, errors.New("deploy: Dial: the zero Codec; use hydro.Lines, hydro.Bytes or hydro.CBOR")
	}
	respSplit := lang.Split(resp)
	var d net.Dialer
	wait := 10 * time.Millisecond
	for {
		nc, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			var final bool
			var raw net.Conn
			raw, nc = nc, nil
			if nc, final, err = dc.handshake(ctx, raw, addr); err != nil {
				raw.Close()
				if final {
					return nil, fmt.Errorf("deploy: dialing port at %s: %w", addr, err)
				}
			}
		}
		if err == nil {
			c := &Client[Req, Resp]{nc: nc, req: req, resp: resp, reqFraming: reqFraming, respFraming: respFraming, respSplit: respSplit, respMax: respMax,
				msgs: make(chan received[Resp], clientQueue), closing: make(chan struct{}), done: make(chan struct{})}
			go c.read() // owned by Close, which waits for done
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("deploy: dialing port at %s: %w (last attempt: %v)", addr, context.Cause(ctx), err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("deploy: dialing port at %s: %w (last attempt: %v)", addr, context.Cause(ctx), err)
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// read decodes the port's messages until the connection ends.
func (c *Client[Req, Resp]) read() {
	defer close(c.done)
	defer close(c.msgs)
	r := node.NewMessageReader(c.nc, c.respFraming, c.respMax).WithSplit(c.respSplit)
	for {
		msg, err := r.Next()
		if err != nil {
			select {
			case <-c.closing:
				return
			default:
			}
			if err != io.EOF {
				c.deliver(received[Resp]{err: fmt.Errorf("deploy: receiving from %s: %w", c.nc.RemoteAddr(), err)})
			}
			return
		}
		v, err := c.resp.Decode(bytes.Clone(msg))
		if err != nil {
			err = fmt.Errorf("deploy: receiving from %s: %w", c.nc.RemoteAddr(), err)
		}
		if !c.deliver(received[Resp]{v: v, err: err}) {
			return
		}
	}
}

func (c *Client[Req, Resp]) deliver(m received[Resp]) bool {
	select {
	case c.msgs <- m:
		return true
	case <-c.closing:
		return false
	}
}

// Send encodes vs and writes them to the port in one write, returning once
// the write is done. It refuses, sending nothing, a value the request codec
// cannot encode or one longer than the codec allows (the port would close
// the connection).
func (c *Client[Req, Resp]) Send(vs ...Req) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	buf := c.wbuf[:0]
	var msg []byte
	for _, v := range vs {
		var err error
		if msg, err = c.req.Encode(msg[:0], v); err != nil {
			return fmt.Errorf("deploy: sending to %s: %w", c.nc.RemoteAddr(), err)
		}
		buf = node.AppendMessage(buf, c.reqFraming, msg)
	}
	c.wbuf = buf
	if _, err := c.nc.Write(buf); err != nil {
		return fmt.Errorf("deploy: sending to %s: %w", c.nc.RemoteAddr(), err)
	}
	return nil
}

// Receive returns the next value the port sent, waiting for it until ctx
// ends. It returns io.EOF once the port closed the connection and every
// value was received, and, for a message that does not decode, an error
// that leaves the Client usable for the next. A message too large ends the
// connection with an error matching deploy.ErrMessageTooLarge.
func (c *Client[Req, Resp]) Receive(ctx context.Context) (Resp, error) {
	select {
	case m, ok := <-c.msgs:
		if !ok {
			var zero Resp
			return zero, io.EOF
		}
		return m.v, m.err
	case <-ctx.Done():
		var zero Resp
		return zero, fmt.Errorf("deploy: receiving from %s: %w", c.nc.RemoteAddr(), context.Cause(ctx))
	}
}

// CloseWrite tells the port that no more values come: the flow sees the
// connection close once it has taken what was sent, and the answers it
// gives at once still arrive.
func (c *Client[Req, Resp]) CloseWrite() error {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.New("deploy: CloseWrite: not a TCP connection")
}

// Close closes the connection and waits for the reading goroutine. Values
// not yet received are lost. Close may be called more than once.
func (c *Client[Req, Resp]) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closing)
		err = c.nc.Close()
	})
	<-c.done
	return err
}

// ErrMessageTooLarge is matched by the error a Client's Receive returns
// when the port sent a message longer than the codec allows.
var ErrMessageTooLarge = node.ErrMessageTooLarge
