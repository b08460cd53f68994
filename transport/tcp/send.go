// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"cmp"
	"fmt"

	"github.com/hydro-go/hydro/transport"
)

// Send queues frames to be written in order, all in one write, and
// returns without waiting for the network. It is safe for concurrent use;
// the frames of one call stay together and calls are queued in the order
// they take the Conn's lock. The caller may reuse the payloads when Send
// returns.
//
// Send refuses the whole call, queuing nothing:
//   - with an error matching transport.ErrFrameTooLarge if a frame is above
//     Limits.MaxFrameBytes (the peer would close the connection on it);
//   - if a frame's channel is math.MaxUint32, reserved for keepalives;
//   - with ErrBackpressure if the queue is not empty and the call would
//     take it past its bound (see WithQueueBytes);
//   - with ErrClosed after Close, or after Dial's context ended.
//
// Delivery is a fail-stop prefix per connection: frames are written in the
// order queued and never reordered or duplicated, but when a connection
// fails, the frames of the writes under way, and any the peer had not read,
// may be lost (counted in Stats.Lost); the frames queued after them go out
// on the next connection.
func (c *Conn) Send(frames ...transport.Frame) error {
	if len(frames) == 0 {
		return nil
	}
	size := 0
	for _, f := range frames {
		if err := c.limits.CheckFrame(f); err != nil {
			return fmt.Errorf("tcp: send to %s: %w", c.addr, err)
		}
		if f.Channel == keepaliveChannel {
			return fmt.Errorf("tcp: send to %s: channel %d is reserved for keepalives", c.addr, f.Channel)
		}
		size += transport.EncodedLen(f)
	}
	// A refused Send (the caller retries it later) costs no copy: look
	// before encoding. The look is checked again below.
	c.mu.Lock()
	queued, full := c.mu.stats.QueuedBytes, !c.mu.closed && c.mu.stats.QueuedBytes > 0 && c.mu.stats.QueuedBytes+size > c.opts.queueBytes
	var buf []byte
	if !full {
		// A Send to an idle writer is likely written at once, and its
		// buffer spared again: any spare will do. One that is queued
		// takes one at most twice its size (see takeSpareLocked).
		most := 2 * size
		if c.mu.pc != nil && !c.mu.writing && len(c.mu.queue) == 0 {
			most = maxSpare
		}
		buf = c.takeSpareLocked(size, most)
	}
	c.mu.Unlock()
	if full {
		return fmt.Errorf("tcp: send %d bytes to %s with %d of %d queued: %w", size, c.addr, queued, c.opts.queueBytes, ErrBackpressure)
	}
	if buf == nil {
		buf = make([]byte, 0, size)
	}
	for _, f := range frames {
		buf = transport.AppendFrame(buf, f)
	}

	c.mu.Lock()
	switch {
	case c.mu.closed:
		c.spareLocked(buf)
		c.mu.Unlock()
		return fmt.Errorf("tcp: send to %s: %w", c.addr, ErrClosed)
	case c.mu.stats.QueuedBytes > 0 && c.mu.stats.QueuedBytes+size > c.opts.queueBytes:
		queued := c.mu.stats.QueuedBytes
		c.spareLocked(buf)
		c.mu.Unlock()
		return fmt.Errorf("tcp: send %d bytes to %s with %d of %d queued: %w", size, c.addr, queued, c.opts.queueBytes, ErrBackpressure)
	}
	c.mu.wrote = true // no keepalive needed (see keepalive)
	b := batch{buf: buf, frames: len(frames)}
	if idle := c.mu.pc != nil && !c.mu.writing && len(c.mu.queue) == 0 && !c.mu.pc.halted(); idle && c.mu.direct != nil {
		// The writer is idle: write from here what the socket takes now,
		// and leave only the rest to the writer.
		n, err := c.mu.direct.write(buf)
		if err != nil {
			c.mu.stats.Lost += uint64(len(frames))
			c.mu.direct = nil
			c.mu.pc.halt() // serve stops writing on it, and reconnects
			c.spareLocked(buf)
			c.mu.Unlock()
			return nil
		}
		whole, end := wholeFrames(frames, n)
		c.mu.stats.Sent += uint64(whole)
		if whole == len(frames) {
			c.spareLocked(buf)
			c.mu.Unlock()
			return nil
		}
		b = batch{buf: buf[n:], frames: len(frames) - whole}
		if n > end {
			b.pc = c.mu.pc // the socket took part of a frame
		}
	} else if idle && size <= maxDirectTLS && c.mu.pc.wire != nil && c.mu.pc.wire.canGather() {
		queue := c.sendTLSLocked(buf, len(frames))
		c.spareLocked(buf) // TLS sealed a copy
		if !queue {
			c.mu.Unlock()
			return nil
		}
		b = batch{frames: len(frames), wired: c.mu.pc.wire.pendingBytes(), pc: c.mu.pc}
	}
	c.mu.queue = append(c.mu.queue, b)
	c.mu.stats.QueuedBytes += b.size()
	c.mu.stats.QueuedFrames += b.frames
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// maxDirectTLS is the largest Send that is written over TLS from the
// caller's goroutine: what the socket does not take at once waits, sealed,
// in the connection's wire (see wire), so this bounds that wait too.
const maxDirectTLS = 64 << 10

// A Conn keeps up to maxSpares buffers of at most maxSpare bytes, once
// written, for the next Sends to encode into: a stream of Sends then
// allocates nothing. A Conn that sends nothing for a third of the idle
// timeout lets them go (see keepalive).
const (
	maxSpares = 2
	maxSpare  = 1 << 20
)

// spareLocked keeps buf, whose bytes are no longer needed, for a later
// Send to encode into, in place of the smallest spare if there are
// maxSpares already.
func (c *Conn) spareLocked(buf []byte) {
	if cap(buf) == 0 || cap(buf) > maxSpare {
		return
	}
	if len(c.mu.spares) < maxSpares {
		c.mu.spares = append(c.mu.spares, buf[:0])
		return
	}
	small := 0
	for i, b := range c.mu.spares {
		if cap(b) < cap(c.mu.spares[small]) {
			small = i
		}
	}
	if cap(buf) > cap(c.mu.spares[small]) {
		c.mu.spares[small] = buf[:0]
	}
}

// takeSpareLocked returns the smallest spare of size to most bytes, or
// nil.
//
// NB: a queued buffer holds its capacity while QueuedBytes counts its
// length. A Send queued behind others takes no spare more than twice as
// large as it needs, which keeps what the queue holds within twice its
// bound; only one written directly may take a larger one, and if the
// socket takes only part of it, that one is the only batch queued.
func (c *Conn) takeSpareLocked(size, most int) []byte {
	best := -1
	for i, b := range c.mu.spares {
		if cap(b) >= size && cap(b) <= most && (best < 0 || cap(b) < cap(c.mu.spares[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	b := c.mu.spares[best]
	last := len(c.mu.spares) - 1
	c.mu.spares[best] = c.mu.spares[last]
	c.mu.spares[last] = nil
	c.mu.spares = c.mu.spares[:last]
	return b[:0]
}

// sendTLSLocked writes buf, the encoded frames of one Send, over the TLS
// connection c.mu.pc from the caller's goroutine, while the writer is
// idle: TLS seals it into records, and the wire under TLS writes what the
// socket takes at once (see wire). It reports whether some of it waits in
// the wire, for the writer to flush, in which case the caller queues a
// batch for that.
func (c *Conn) sendTLSLocked(buf []byte, frames int) (queue bool) {
	pc := c.mu.pc
	pc.wire.begin()
	_, err := pc.nc.Write(buf)
	left, werr := pc.wire.end()
	if err = cmp.Or(err, werr); err != nil {
		c.mu.stats.Lost += uint64(frames)
		pc.halt() // serve stops writing on it, and reconnects
		return false
	}
	c.mu.directs++
	if left > 0 {
		return true
	}
	c.mu.stats.Sent += uint64(frames)
	return false
}

// wholeFrames returns how many of frames, encoded one after the other, the
// first n bytes hold whole, and where the last of them ends.
func wholeFrames(frames []transport.Frame, n int) (whole, end int) {
	for _, f := range frames {
		l := transport.EncodedLen(f)
		if end+l > n {
			break
		}
		end += l
		whole++
	}
	return whole, end
}
