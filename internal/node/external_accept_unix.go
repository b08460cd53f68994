// SPDX-License-Identifier: Apache-2.0

//go:build unix

package node

import (
	"net"
	"os"
	"syscall"
)

// acceptNow takes a connection waiting in s's accept queue, without
// waiting for one: errNoneWaiting if there is none. It runs on the loop,
// so that a connection whose handshake completed is registered before the
// port's next output (see ports.flush); a watcher goroutine only tells the
// loop that connections wait (watch).
func (s *portServer) acceptNow() (net.Conn, error) {
	for {
		var nfd int
		var aerr error
		err := s.raw.Control(func(fd uintptr) {
			// NB: under ForkLock, as package net does, so that a process
			// started meanwhile does not inherit the descriptor.
			syscall.ForkLock.RLock()
			nfd, _, aerr = syscall.Accept(int(fd))
			if aerr == nil {
				syscall.CloseOnExec(nfd)
			}
			syscall.ForkLock.RUnlock()
		})
		if err != nil {
			return nil, err // the listener is closed
		}
		switch aerr {
		case nil:
		case syscall.EAGAIN:
			return nil, errNoneWaiting
		case syscall.EINTR, syscall.ECONNABORTED:
			continue // interrupted, or the client left before accept
		default:
			return nil, os.NewSyscallError("accept", aerr)
		}
		f := os.NewFile(uintptr(nfd), "port client")
		nc, err := net.FileConn(f) // a descriptor of its own, in the poller
		f.Close()
		if err != nil {
			return nil, err
		}
		return nc, nil
	}
}

// openWatch gives s a second descriptor of its listening socket, which
// watch waits on (a listener's own RawConn cannot wait).
func (s *portServer) openWatch() error {
	f, err := s.ln.(*net.TCPListener).File()
	if err != nil {
		return err
	}
	s.wf = f
	return nil
}

// watch tells the loop each time connections arrive in s's accept queue,
// until the ports close. It accepts nothing itself.
func (ps *ports) watch(s *portServer) {
	raw, err := s.wf.SyscallConn()
	if err != nil {
		s.log.Error("cannot watch for clients", "err", err)
		return
	}
	_ = raw.Read(func(uintptr) bool {
		ps.wantAccept(s)
		select {
		case <-ps.closing:
			return true
		default:
			return false // wait for the next arrival
		}
	})
}
