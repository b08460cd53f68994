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
type LinkStats struct {
	ln atomic.Pointer[tcp.Listener]
}

// Stats returns the Listener's counters, zero before the node listens.
// They stay readable after the node stops.
func (s *LinkStats) Stats() tcp.ListenerStats {
	if ln := s.ln.Load(); ln != nil {
		return ln.Stats()
	}
	return tcp.ListenerStats{}
}
