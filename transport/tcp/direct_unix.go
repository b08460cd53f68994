// SPDX-License-Identifier: Apache-2.0

//go:build unix

package tcp

import (
	"errors"
	"net"
	"syscall"
)

// direct writes to a connection's socket without blocking, from the
// goroutine that calls Send, sparing that goroutine's hand-over to the
// writer when the writer is idle. It is used under Conn.mu only.
type direct struct {
	rc  syscall.RawConn
	buf []byte // what write is writing
	n   int    // how much of it the socket took
	err error
	fn  func(fd uintptr) bool // d.attempt, bound once
}

// newDirect returns the direct writer of nc, or nil if nc is not a socket.
func newDirect(nc net.Conn) *direct {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	d := &direct{rc: rc}
	d.fn = d.attempt
	return d
}

// write writes what the socket takes of buf now, without waiting for room,
// and returns how much that was. An error means the connection is broken.
func (d *direct) write(buf []byte) (int, error) {
	d.buf, d.n, d.err = buf, 0, nil
	if err := d.rc.Write(d.fn); err != nil {
		d.err = err // closed
	}
	n, err := d.n, d.err
	d.buf, d.err = nil, nil
	return n, err
}

// attempt is the RawConn callback: it never asks to wait for the socket.
func (d *direct) attempt(fd uintptr) bool {
	for d.n < len(d.buf) {
		m, err := syscall.Write(int(fd), d.buf[d.n:])
		if m > 0 {
			d.n += m
		}
		switch {
		case err == syscall.EINTR:
			continue
		case errors.Is(err, syscall.EAGAIN):
			return true // full: the writer goroutine waits for room
		case err != nil:
			d.err = err
			return true
		case m <= 0:
			return true
		}
	}
	return true
}
