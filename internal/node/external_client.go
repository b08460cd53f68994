// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
)

// client is one connection to a port. Its reader and writer goroutines
// never touch the graph; the loop owns open and queued.
//
// NB: closing a client closes raw, never nc: a TLS connection's Close,
// when no write is under way, first sends a close_notify, which can wait
// up to 5 s on a client that does not read, and would hold up the loop
// that closes it.
type client struct {
	id         uint64
	srv        *portServer
	nc         net.Conn // what the client speaks over: raw, or TLS over it
	raw        net.Conn // the TCP connection under nc (see below)
	log        *slog.Logger
	writes     bool          // a writer goroutine serves it
	live       atomic.Int32  // its goroutines still running
	gone       atomic.Bool   // closed: nothing more is queued for it
	dead       chan struct{} // closed when gone is set
	bytes      atomic.Int64  // queued for it: its share of srv.total
	lastQueued atomic.Int64  // when the loop last queued for it, Unix ns
	open       bool          // Connect delivered, Disconnect not yet; loop only
	greet      bool          // the reader answers the AUTH line first (no writer)
	queued     bool          // in ports.touched; loop only

	wake chan struct{} // capacity 1
	mu   struct {
		sync.Mutex
		out    []byte // framed messages to write
		finish bool   // write out, then close
		kill   bool   // close without writing
		werr   error  // why a write failed
	}
}

// drop stops queuing for c and lets go of what is queued for it at once,
// without waiting for the loop to hear that it ended: a client gone
// leaves its port's bounds at once.
func (c *client) drop() {
	c.markGone()
	c.mu.Lock()
	c.mu.kill = true
	c.releaseLocked(len(c.mu.out))
	c.mu.out = nil
	c.mu.Unlock()
	c.kick()
}

// markGone sets gone and closes dead, once.
func (c *client) markGone() {
	if c.gone.CompareAndSwap(false, true) {
		close(c.dead)
	}
}

func (c *client) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// holdLocked and releaseLocked count n bytes queued for c, or written or
// dropped. c.mu is held.
func (c *client) holdLocked(n int) {
	c.bytes.Add(int64(n))
	c.srv.total.Add(int64(n))
}

func (c *client) releaseLocked(n int) {
	if n == 0 {
		return
	}
	c.bytes.Add(-int64(n))
	c.srv.total.Add(-int64(n))
	if c.srv.paused.Load() > 0 {
		c.srv.roomMade()
	}
}

// roomChan returns a channel closed when a writer next makes room.
func (s *portServer) roomChan() <-chan struct{} {
	s.room.Lock()
	defer s.room.Unlock()
	if s.room.ch == nil {
		s.room.ch = make(chan struct{})
	}
	return s.room.ch
}

func (s *portServer) roomMade() {
	s.room.Lock()
	defer s.room.Unlock()
	if s.room.ch != nil {
		close(s.room.ch)
		s.room.ch = nil
	}
}

// full reports whether c's reader should wait before reading more: its
// queue, or its port's, holds more than half its bound.
func (c *client) full() bool {
	s := c.srv
	return !c.gone.Load() && (c.bytes.Load() > int64(s.lim.ClientQueueBytes/2) || s.total.Load() > int64(s.lim.PortQueueBytes/2))
}

// read reports c's messages and its end to the loop.
func (ps *ports) read(c *client) {
	defer ps.exit(c)
	var why error
	defer func() { ps.send(portEvent{c: c, kind: evEnd, err: why}) }()
	if c.srv.b.Kind == compile.PortOut {
		// The port only sends; read to notice the client leaving: its
		// end of the stream is its leaving, as it has nothing to ask.
		_, err := io.Copy(io.Discard, c.nc)
		c.drop() // it leaves the room now, before the loop hears of it
		if err != nil {
			why = ps.readEnded(c, err, false)
		}
		return
	}
	if c.greet {
		c.nc.SetWriteDeadline(time.Now().Add(c.srv.lim.AuthTimeout))
		if _, err := c.nc.Write([]byte(authOK)); err != nil {
			why = err
			return
		}
		c.nc.SetWriteDeadline(time.Time{})
	}
	tr := &timedReader{nc: c.nc, lim: c.srv.lim, in: &c.srv.stats.BytesIn}
	r := NewMessageReader(tr, c.srv.b.In, c.srv.b.MaxMessage).WithSplit(c.srv.b.Split)
	for {
		if !ps.waitRoom(c, tr) {
			return
		}
		msg, err := r.Next()
		if err == io.EOF {
			c.log.Debug("client finished sending")
			if c.writes {
				ps.linger(c)
			}
			return
		}
		if err != nil {
			why = ps.readEnded(c, err, tr.inFrame)
			return
		}
		tr.next(r.Buffered() > 0)
		if !ps.budget.acquire(len(msg), ps.closing) ||
			!ps.send(portEvent{c: c, kind: evMessage, msg: bytes.Clone(msg)}) {
			return
		}
	}
}

// readEnded says why c's reader stopped, for the loop to log, closing the
// connection if c broke the framing or timed out; nil if it needs no
// word.
func (ps *ports) readEnded(c *client, err error, inFrame bool) error {
	select {
	case <-ps.closing:
		return nil
	default:
	}
	switch {
	case errors.Is(err, ErrMessageTooLarge):
		c.log.Warn("closing client: bad input", "err", err)
	case errors.Is(err, os.ErrDeadlineExceeded) && inFrame:
		c.srv.stats.TimedOut.Add(1)
		c.log.Warn("closing client: message not finished in time", "timeout", c.srv.lim.FrameTimeout)
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.srv.stats.TimedOut.Add(1)
		c.log.Info("closing client: idle", "timeout", c.srv.lim.IdleTimeout)
	case errors.Is(err, net.ErrClosed):
		// Closed by this side: killed, or a write failed.
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.mu.werr
	default:
		return err
	}
	c.markGone()
	c.raw.Close()
	return nil
}

// waitRoom waits while c is full (see client.full), and reports false if
// the ports close meanwhile.
func (ps *ports) waitRoom(c *client, tr *timedReader) bool {
	if !c.full() {
		return true
	}
	s := c.srv
	s.stats.Paused.Add(1)
	s.paused.Add(1)
	defer s.paused.Add(-1)
	for {
		ch := s.roomChan()
		if !c.full() {
			break
		}
		select {
		case <-ch:
		case <-c.dead:
		case <-ps.closing:
			return false
		}
	}
	if tr.inFrame {
		tr.started = time.Now() // the wait was the node's, not the client's
	}
	return true
}

// linger keeps a client that half-closed open for answers until none was
// queued for it for PortLimits.Linger, or it is gone.
func (ps *ports) linger(c *client) {
	eof := time.Now().UnixNano()
	t := time.NewTimer(c.srv.lim.Linger)
	defer t.Stop()
	for {
		last := max(eof, c.lastQueued.Load())
		wait := time.Until(time.Unix(0, last).Add(c.srv.lim.Linger))
		if wait <= 0 {
			return
		}
		t.Reset(wait)
		select {
		case <-t.C:
		case <-c.dead:
			return
		case <-ps.closing:
			return
		}
	}
}

// exit is called by each of c's goroutines as it returns; the last one
// closes the connection, forgets c and lets the port accept again.
func (ps *ports) exit(c *client) {
	if c.live.Add(-1) > 0 {
		return
	}
	c.raw.Close()
	c.markGone()
	c.mu.Lock()
	c.releaseLocked(int(c.bytes.Load()))
	c.mu.out = nil
	c.mu.Unlock()
	ps.mu.Lock()
	delete(ps.mu.clients, c)
	ps.mu.Unlock()
	c.srv.stats.Clients.Add(-1)
	ps.unlive(c.srv) // if it was full, it takes in who waits
}

// write writes what the loop queued for c, one write per wake-up. A write
// that fails closes the connection; the reader then reports the error to
// the loop with c's end.
func (ps *ports) write(c *client) {
	defer ps.exit(c)
	defer c.raw.Close() // whatever the reader does: the connection is done
	var buf []byte
	for {
		select {
		case <-c.wake:
		case <-ps.closing:
			return
		}
		c.mu.Lock()
		buf, c.mu.out = c.mu.out, keep(buf)
		finish, kill := c.mu.finish, c.mu.kill
		c.mu.Unlock()
		if kill {
			return
		}
		if len(buf) > 0 {
			n, err := c.nc.Write(buf)
			c.srv.stats.BytesOut.Add(uint64(n))
			c.mu.Lock()
			c.releaseLocked(len(buf))
			if err != nil {
				c.mu.werr = err
			}
			c.mu.Unlock()
			if err != nil {
				c.drop()
				return
			}
			buf = keep(buf)
		}
		if finish {
			return
		}
	}
}

// keep returns b emptied for reuse, or nil if it is larger than keepBuf.
func keep(b []byte) []byte {
	if cap(b) > keepBuf {
		return nil
	}
	return b[:0]
}

// timedReader reads a client's connection with deadlines: FrameTimeout
// from the first byte of a message, IdleTimeout (if set) between messages.
// It is used by the client's reader only.
type timedReader struct {
	nc      net.Conn
	lim     PortLimits
	in      *atomic.Uint64 // counts the bytes read
	inFrame bool           // bytes of a message not yet returned have arrived
	started time.Time      // when they began to
	set     time.Time      // the deadline set last
}

func (t *timedReader) Read(p []byte) (int, error) {
	var dl time.Time
	switch {
	case t.inFrame:
		dl = t.started.Add(t.lim.FrameTimeout)
	case t.lim.IdleTimeout > 0:
		dl = time.Now().Add(t.lim.IdleTimeout)
	}
	if !dl.Equal(t.set) {
		if err := t.nc.SetReadDeadline(dl); err != nil {
			return 0, err
		}
		t.set = dl
	}
	n, err := t.nc.Read(p)
	t.in.Add(uint64(n))
	if n > 0 && !t.inFrame {
		t.inFrame, t.started = true, time.Now()
	}
	return n, err
}

// next is told, after each message, whether bytes of the next are
// buffered already: it started then.
func (t *timedReader) next(buffered bool) {
	t.inFrame = buffered
	if buffered {
		t.started = time.Now()
	}
}
