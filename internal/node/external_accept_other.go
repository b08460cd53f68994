// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package node

import (
	"net"
	"time"
)

// acceptNow hands the loop a connection that watch accepted, without
// waiting: errNoneWaiting if there is none.
//
// NB: here a goroutine accepts, so a client whose dial returned may miss
// the port's output until that goroutine has run; on Unix the loop
// accepts itself (external_accept_unix.go).
func (s *portServer) acceptNow() (net.Conn, error) {
	s.pend.Lock()
	defer s.pend.Unlock()
	if len(s.pend.conns) == 0 {
		return nil, errNoneWaiting
	}
	nc := s.pend.conns[0]
	s.pend.conns = s.pend.conns[1:]
	return nc, nil
}

// openWatch needs nothing here: watch accepts.
func (s *portServer) openWatch() error { return nil }

// watch accepts connections while the port has room for them, and tells
// the loop, until the listener closes.
func (ps *ports) watch(s *portServer) {
	for {
		for {
			s.pend.Lock()
			full := int(s.live.Load())+len(s.pend.conns) >= s.lim.MaxClients
			s.pend.Unlock()
			if !full {
				break
			}
			select {
			case <-ps.closing:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		nc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-ps.closing:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		s.pend.Lock()
		s.pend.conns = append(s.pend.conns, nc)
		s.pend.Unlock()
		ps.wantAccept(s)
	}
}
