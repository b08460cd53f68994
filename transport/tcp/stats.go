// SPDX-License-Identifier: Apache-2.0

package tcp

import "sync/atomic"

// ListenerStats describe what a Listener has taken in so far. A node shell
// puts them on its metrics: connections, frames and bytes in, and every
// connection dropped, by why.
type ListenerStats struct {
	Accepted uint64 // connections peers opened that said hello (over TLS, with a certificate accepted)
	Open     int    // of those, how many are open now
	// Frames and Bytes count the frames delivered and their encoded
	// size, from the connections peers opened and from those of the Conns
	// the Listener's Dial makes; keepalives are not counted.
	Frames     uint64
	Bytes      uint64
	Keepalives uint64 // keepalive frames read
	// Why connections were closed by this side, each connection once.
	// Closing the Listener, and a peer replaced by its own new
	// connection, are not counted.
	Refused   uint64 // before serving: no hello in 10 s, not a hydro peer, TLS refused, an impostor
	Idle      uint64 // silent past the idle timeout (WithIdleTimeout)
	Stalled   uint64 // a frame not whole within the frame timeout (WithFrameTimeout)
	Malformed uint64 // a frame the transport.Reader refused: too large, or malformed
}

// Dropped is how many connections this side closed for what they sent, or
// failed to send: Refused, Idle, Stalled and Malformed together.
func (s ListenerStats) Dropped() uint64 { return s.Refused + s.Idle + s.Stalled + s.Malformed }

// listenerCounters are a Listener's stats as they are counted.
type listenerCounters struct {
	accepted, frames, bytes, keepalives atomic.Uint64
	refused, idle, stalled, malformed   atomic.Uint64
	open                                atomic.Int64
}

// Stats returns the Listener's counters. It is safe for concurrent use,
// and cheap: a scrape may call it at any time.
func (ls *Listener) Stats() ListenerStats {
	c := &ls.stats
	return ListenerStats{
		Accepted:   c.accepted.Load(),
		Open:       int(c.open.Load()),
		Frames:     c.frames.Load(),
		Bytes:      c.bytes.Load(),
		Keepalives: c.keepalives.Load(),
		Refused:    c.refused.Load(),
		Idle:       c.idle.Load(),
		Stalled:    c.stalled.Load(),
		Malformed:  c.malformed.Load(),
	}
}
