// SPDX-License-Identifier: Apache-2.0

package node

import (
	"sync/atomic"

	"github.com/hydro-go/hydro/transport/tcp"
)

// LinkStats gives what a node's link to its peers has taken in: the
// counters of its Listener (connections, frames, bytes, keepalives, and
// the connections it dropped, by why). Run fills it in (Node.LinkStats)
// once it listens; read it from any goroutine.
//
// A node on a Host (Node.Host) counts in Frames and Bytes the frames its
// co-located peers sent it over memory too, their Bytes being payload
// bytes; the other counters are its Listener's alone.
type LinkStats struct {
	ln    atomic.Pointer[tcp.Listener]
	local atomic.Pointer[localQueue]
}

// Stats returns the Listener's counters, zero before the node listens.
// They stay readable after the node stops.
func (s *LinkStats) Stats() tcp.ListenerStats {
	var st tcp.ListenerStats
	if ln := s.ln.Load(); ln != nil {
		st = ln.Stats()
	}
	if q := s.local.Load(); q != nil {
		st.Frames += q.frames.Load()
		st.Bytes += q.size.Load()
	}
	return st
}
