// SPDX-License-Identifier: Apache-2.0

package mem

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hydro-go/hydro/transport"
)

// Inbound is a frame delivered to an endpoint, with its sender's name.
type Inbound = transport.Inbound

// Message is one frame in flight from one endpoint to another.
type Message struct {
	From, To string
	Frame    transport.Frame
	// Seq numbers the frames sent on the network from 1, in the order of
	// the Send calls and of the frames within a call. Copies made by
	// Hooks keep the Seq of the frame they copy, so a trace shows them.
	Seq uint64
}

func (m Message) String() string {
	return fmt.Sprintf("#%d %s->%s ch=%d sender=%d %dB", m.Seq, m.From, m.To, m.Frame.Channel, m.Frame.Sender, len(m.Frame.Payload))
}

// Stats counts what happened to the messages of a Network.
type Stats struct {
	Sent       int // frames given to Send
	Delivered  int // messages moved into an inbox by Deliver
	Dropped    int // messages lost: by Hooks.Drop, Rewrite, a partition or a crash
	Duplicated int // extra copies made by Hooks.Duplicate or Rewrite
	Delayed    int // messages Hooks.Delay held (released or not)
}

type linkKey struct{ from, to string }

func compareKeys(a, b linkKey) int {
	return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
}

// link is the FIFO queue of messages from one endpoint to another.
type link struct {
	key   linkKey
	queue []Message // queue[0] is the head
}

// Network is a set of named endpoints and the messages in flight between
// them. It delivers nothing by itself: the caller (a test or the
// simulator) chooses, with Deliver, which link's head moves next.
//
// A Network is not safe for concurrent use. Its methods, and the Hooks they
// call, run on the caller's goroutine; Hooks must not call the Network.
type Network struct {
	limits    transport.Limits
	hooks     Hooks
	endpoints map[string]*Endpoint
	links     map[linkKey]*link
	order     []*link // every link ever used, sorted by (from, to)
	held      []Message
	cut       map[linkKey]bool // partitioned pairs, stored both ways
	seq       uint64
	stats     Stats
}

// NewNetwork returns an empty network whose endpoints refuse frames above
// l.MaxFrameBytes, as a TCP link does, and which passes every message sent
// through h. It panics if l is not valid.
func NewNetwork(l transport.Limits, h Hooks) *Network {
	if err := l.Validate(); err != nil {
		panic(err)
	}
	return &Network{
		limits:    l,
		hooks:     h,
		endpoints: make(map[string]*Endpoint),
		links:     make(map[linkKey]*link),
		cut:       make(map[linkKey]bool),
	}
}

// SetHooks replaces the hooks applied to messages sent from now on.
// Messages already in flight or held are not affected.
func (n *Network) SetHooks(h Hooks) { n.hooks = h }

// Stats returns the counts so far.
func (n *Network) Stats() Stats { return n.stats }

// Endpoint returns the endpoint named name, creating it the first time.
// Names are free-form ("Leader", "Worker/3"); they are what Inbound.From
// says. Endpoint panics on an empty name.
func (n *Network) Endpoint(name string) *Endpoint {
	if name == "" {
		panic("mem: Endpoint with an empty name")
	}
	e, ok := n.endpoints[name]
	if !ok {
		e = &Endpoint{net: n, name: name}
		n.endpoints[name] = e
	}
	return e
}

func (n *Network) link(k linkKey) *link {
	l, ok := n.links[k]
	if !ok {
		l = &link{key: k}
		n.links[k] = l
		i, _ := slices.BinarySearchFunc(n.order, k, func(l *link, k linkKey) int { return compareKeys(l.key, k) })
		n.order = slices.Insert(n.order, i, l)
	}
	return l
}

// InFlight returns the messages that can be delivered next: the head of
// each non-empty link, ordered by sender name, then receiver name. Deliver
// takes an index into this list. The messages share their payloads with
// the network: read them, do not change them.
func (n *Network) InFlight() []Message {
	var out []Message
	for _, l := range n.order {
		if len(l.queue) > 0 {
			out = append(out, l.queue[0])
		}
	}
	return out
}

// Queued returns every message waiting in a link, ordered by sender name,
// then receiver name, then by the order they are delivered in: InFlight
// with what waits behind each head. Messages held by Hooks.Delay are not
// among them (see Held). The messages share their payloads with the
// network: read them, do not change them.
func (n *Network) Queued() []Message {
	var out []Message
	for _, l := range n.order {
		out = append(out, l.queue...)
	}
	return out
}

// Deliver moves InFlight()[i] into its receiver's inbox and returns it. It
// panics if i is out of range.
func (n *Network) Deliver(i int) Message {
	for _, l := range n.order {
		if len(l.queue) == 0 {
			continue
		}
		if i == 0 {
			return n.deliverHead(l)
		}
		i--
	}
	panic("mem: Deliver index out of range")
}

func (n *Network) deliverHead(l *link) Message {
	m := l.queue[0]
	l.queue[0] = Message{}
	l.queue = l.queue[1:]
	if len(l.queue) == 0 {
		l.queue = nil // release the backing array
	}
	to := n.Endpoint(m.To)
	to.inbox = append(to.inbox, Inbound{From: m.From, Frame: m.Frame})
	n.stats.Delivered++
	return m
}

// DeliverAll delivers until nothing is in flight, taking one head from each
// link in InFlight order per round, and returns how many it delivered.
// Held messages stay held.
func (n *Network) DeliverAll() int {
	total := 0
	for {
		round := 0
		for _, l := range n.order {
			if len(l.queue) > 0 {
				n.deliverHead(l)
				round++
			}
		}
		if round == 0 {
			return total
		}
		total += round
	}
}

// Held returns the messages Hooks.Delay holds, in the order they were held.
// Release takes an index into this list.
func (n *Network) Held() []Message { return slices.Clone(n.held) }

// Release moves Held()[i] to the tail of its link, behind everything sent
// on that link meanwhile: a delay that reorders. A message whose link is
// partitioned is dropped instead. Release panics if i is out of range.
func (n *Network) Release(i int) {
	m := n.held[i]
	n.held = slices.Delete(n.held, i, i+1)
	n.enqueue(m)
}

// ReleaseAll releases every held message, in the order they were held.
func (n *Network) ReleaseAll() {
	held := n.held
	n.held = nil
	for _, m := range held {
		n.enqueue(m)
	}
}

func (n *Network) enqueue(m Message) {
	k := linkKey{m.From, m.To}
	if n.cut[k] {
		n.stats.Dropped++
		return
	}
	l := n.link(k)
	l.queue = append(l.queue, m)
}

// Partition cuts the links between a and b in both directions: messages
// queued on them are lost, and messages sent or released onto them are
// dropped until Heal(a, b). Held messages stay held.
func (n *Network) Partition(a, b string) {
	for _, k := range []linkKey{{a, b}, {b, a}} {
		n.cut[k] = true
		if l, ok := n.links[k]; ok {
			n.stats.Dropped += len(l.queue)
			l.queue = nil
		}
	}
}

// Heal restores the links between a and b cut by Partition.
func (n *Network) Heal(a, b string) {
	delete(n.cut, linkKey{a, b})
	delete(n.cut, linkKey{b, a})
}

// Crash models the restart of the endpoint named name: its inbox and every
// message queued or held to or from it are lost. The endpoint itself stays
// usable, as the restarted node.
func (n *Network) Crash(name string) {
	if e, ok := n.endpoints[name]; ok {
		n.stats.Dropped += len(e.inbox)
		e.inbox = nil
	}
	for _, l := range n.order {
		if l.key.from == name || l.key.to == name {
			n.stats.Dropped += len(l.queue)
			l.queue = nil
		}
	}
	n.held = slices.DeleteFunc(n.held, func(m Message) bool {
		lost := m.From == name || m.To == name
		if lost {
			n.stats.Dropped++
		}
		return lost
	})
}
