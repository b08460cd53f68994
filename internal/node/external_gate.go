// SPDX-License-Identifier: Apache-2.0

package node

import (
	"net"
)

// What a PortOut sends while a client is in its handshake.
//
// A TLS client's handshake ends on its side (its Dial returns) before the
// port's does: the port still reads the client's Finished, and then hands
// the connection to the loop (evAdmit). A message broadcast in between
// would reach neither the client, not yet taken in, nor the flow's
// notice. So from its accept until it is taken in, a connection to a
// PortOut is given every message the port sends, held here, and the
// client finds them queued first when it is taken in (after the OK of a
// token). A client refused never sees them.
//
// What is held is bounded: ClientQueueBytes per connection, and
// PortQueueBytes for all the connections of a port in their handshake
// together (portServer.held, apart from the clients' queues: these
// connections are not read, so they cannot be slowed down, and their
// handshakes last AuthTimeout at most). A message past either bound closes
// the connection whose handshake it would be held for (PortCounts.Slow).

// gated is a connection in a port's handshake (ports.mu.gating).
type gated struct {
	srv  *portServer
	raw  net.Conn
	out  []byte // framed messages held for it; guarded by ports.mu
	over bool   // closed for holding too much; guarded by ports.mu
}

// gatedOf appends to dst the connections of a PortOut s in their
// handshake. The lock is held.
func (ps *ports) gatedOf(s *portServer, dst []*gated) []*gated {
	dst = dst[:0]
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, g := range ps.mu.gating {
		if g.srv == s {
			dst = append(dst, g)
		}
	}
	return dst
}

// hold keeps msg for g, unless g left the handshake meanwhile. A message
// past the bounds closes g's connection instead. The lock is held.
func (ps *ports) hold(g *gated, msg []byte) {
	s := g.srv
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.mu.gating[g.raw] != g || g.over {
		return
	}
	before := len(g.out)
	n := int64(before + len(msg) + 4)
	if n > int64(s.lim.ClientQueueBytes) || s.held.Load()+int64(len(msg)+4) > int64(s.lim.PortQueueBytes) {
		g.over = true
		s.held.Add(-int64(before))
		g.out = nil
		g.raw.Close() // its handshake fails, and admit counts it
		return
	}
	g.out = AppendMessage(g.out, s.b.Out, msg)
	s.held.Add(int64(len(g.out) - before))
}

// ungateLocked takes raw out of the handshake and returns what was held
// for it. ps.mu is held.
func (ps *ports) ungateLocked(raw net.Conn) []byte {
	g := ps.mu.gating[raw]
	delete(ps.mu.gating, raw)
	if g == nil {
		return nil
	}
	out := g.out
	g.out = nil
	g.srv.held.Add(-int64(len(out)))
	return out
}
