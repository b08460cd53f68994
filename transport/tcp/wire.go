// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"net"
	"sync"
)

// wire is the TCP connection under a TLS connection: crypto/tls writes its
// records to it. It lets Send write over TLS from the caller's goroutine
// without ever waiting for the socket, and keeps the records in the order
// TLS sealed them, whichever goroutine writes next.
//
// Outside a gather, a write passes straight to the socket and may block
// (the Conn's writer, the handshake). Between begin and end (a direct
// write, under Conn.mu, while the writer is idle), the records TLS seals
// are only collected; end then writes what the socket takes at once, and
// leaves the rest pending. Whatever is pending goes out before any later
// record: every write outside a gather, and flush, write it first.
//
// NB: TLS numbers its records, and a record that reaches the peer after a
// later one fails the peer's check: the connection is lost. That is why the
// pending bytes live here, below TLS, and not in the Conn's queue, which
// the writer seals through TLS again.
type wire struct {
	net.Conn // the TCP connection
	d        *direct

	mu struct {
		sync.Mutex
		gathering bool
		pending   []byte // sealed records the socket has not taken yet
	}
}

// maxWireKeep is the largest pending buffer a wire keeps for reuse once
// it is empty; a larger one, from an unusual burst, is let go.
const maxWireKeep = 256 << 10

// newWire returns the wire of the TCP connection nc. Its direct writes
// need a socket: where nc is none, or the platform has no direct writes,
// canGather reports false.
func newWire(nc net.Conn) *wire {
	return &wire{Conn: nc, d: newDirect(nc)}
}

// canGather reports whether begin and end may be used.
func (w *wire) canGather() bool { return w.d != nil }

// Write writes p after whatever is pending; in a gather it only collects p.
func (w *wire) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mu.gathering {
		w.mu.pending = append(w.mu.pending, p...)
		return len(p), nil
	}
	if err := w.flushLocked(); err != nil {
		return 0, err
	}
	return w.Conn.Write(p)
}

// begin starts a gather: until end, what TLS writes is collected.
func (w *wire) begin() {
	w.mu.Lock()
	w.mu.gathering = true
	w.mu.Unlock()
}

// end ends a gather: it writes what the socket takes of the pending bytes
// without waiting, and returns how many are left for flush. An error means
// the connection is broken.
func (w *wire) end() (left int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.mu.gathering = false
	if len(w.mu.pending) == 0 {
		return 0, nil
	}
	n, err := w.d.write(w.mu.pending)
	w.consumeLocked(n)
	return len(w.mu.pending), err
}

// pendingBytes returns how many bytes wait for flush.
func (w *wire) pendingBytes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.mu.pending)
}

// flush writes the pending bytes, waiting for the socket to take them.
func (w *wire) flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *wire) flushLocked() error {
	if len(w.mu.pending) == 0 {
		return nil
	}
	n, err := w.Conn.Write(w.mu.pending)
	w.consumeLocked(n)
	return err
}

// consumeLocked drops the first n pending bytes, which the socket took.
func (w *wire) consumeLocked(n int) {
	rest := w.mu.pending[n:]
	switch {
	case len(rest) > 0:
		// Rare (the socket was full): move the rest to the front.
		w.mu.pending = w.mu.pending[:copy(w.mu.pending, rest)]
	case cap(w.mu.pending) > maxWireKeep:
		w.mu.pending = nil
	default:
		w.mu.pending = w.mu.pending[:0]
	}
}
