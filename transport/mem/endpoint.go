// SPDX-License-Identifier: Apache-2.0

package mem

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/transport"
)

// Endpoint is one named node's attachment to a Network: it sends frames and
// receives the ones delivered to it.
type Endpoint struct {
	net   *Network
	name  string
	inbox []Inbound // inbox[0] is next
}

// Name returns the endpoint's name.
func (e *Endpoint) Name() string { return e.name }

// Send queues frames for the endpoint named to, in order, after passing
// each through the network's Hooks. The payloads are copied: the caller may
// reuse them when Send returns. The endpoint to need not exist yet.
//
// Like a TCP link, Send refuses the whole call, queuing nothing, if any
// frame is above the network's Limits.MaxFrameBytes (an error matching
// transport.ErrFrameTooLarge) or if to is empty. A frame lost to a hook or
// a partition is not an error: the network loses it silently, as a real
// one would.
func (e *Endpoint) Send(to string, frames ...transport.Frame) error {
	if to == "" {
		return errors.New("mem: Send to an empty endpoint name")
	}
	size := 0
	for _, f := range frames {
		if err := e.net.limits.CheckFrame(f); err != nil {
			return fmt.Errorf("mem: send from %s to %s: %w", e.name, to, err)
		}
		size += len(f.Payload)
	}
	buf := make([]byte, 0, size) // one copy of all payloads
	for _, f := range frames {
		start := len(buf)
		buf = append(buf, f.Payload...)
		f.Payload = buf[start:len(buf):len(buf)]
		e.net.seq++
		e.net.stats.Sent++
		e.net.route(Message{From: e.name, To: to, Frame: f, Seq: e.net.seq})
	}
	return nil
}

// route applies the hooks to one message sent.
func (n *Network) route(m Message) {
	h := n.hooks
	msgs := []Message{m}
	if h.Rewrite != nil {
		msgs = h.Rewrite(m)
		for i := 1; i < len(msgs); i++ { // every receiver owns its payload
			msgs[i].Frame.Payload = append([]byte(nil), msgs[i].Frame.Payload...)
		}
		switch {
		case len(msgs) == 0:
			n.stats.Dropped++
		case len(msgs) > 1:
			n.stats.Duplicated += len(msgs) - 1
		}
	}
	for _, m := range msgs {
		if m.From == "" || m.To == "" {
			panic(fmt.Sprintf("mem: Hooks.Rewrite returned a message without sender or receiver: %v", m))
		}
		if n.cut[linkKey{m.From, m.To}] || (h.Drop != nil && h.Drop(m)) {
			n.stats.Dropped++
			continue
		}
		copies := []Message{m}
		if h.Duplicate != nil && h.Duplicate(m) {
			dup := m
			dup.Frame.Payload = append([]byte(nil), m.Frame.Payload...)
			copies = append(copies, dup)
			n.stats.Duplicated++
		}
		for _, c := range copies {
			if h.Delay != nil && h.Delay(c) {
				n.held = append(n.held, c)
				n.stats.Delayed++
				continue
			}
			n.enqueue(c)
		}
	}
}

// Receive pops the oldest frame delivered to e, reporting false if there
// is none. The receiver owns the payload.
func (e *Endpoint) Receive() (Inbound, bool) {
	if len(e.inbox) == 0 {
		return Inbound{}, false
	}
	in := e.inbox[0]
	e.inbox[0] = Inbound{}
	e.inbox = e.inbox[1:]
	if len(e.inbox) == 0 {
		e.inbox = nil
	}
	return in, true
}

// Pending reports how many delivered frames wait for Receive.
func (e *Endpoint) Pending() int { return len(e.inbox) }

// Link returns e's sending side towards the endpoint named to, as a
// transport.Sender: the in-memory twin of a *tcp.Conn.
func (e *Endpoint) Link(to string) Link { return Link{from: e, to: to} }

// Link sends frames from one endpoint to another; see Endpoint.Link.
type Link struct {
	from *Endpoint
	to   string
}

var _ transport.Sender = Link{}

// Send is e.Send(to, frames...).
func (l Link) Send(frames ...transport.Frame) error { return l.from.Send(l.to, frames...) }
