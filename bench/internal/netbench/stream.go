// SPDX-License-Identifier: Apache-2.0

package netbench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// B6 stream: n 16-byte records from one node to another. The sender makes
// them from a counter; the receiver checks every one, in order.

// StreamSizes returns the records per iteration and per warm-up.
func StreamSizes() (n, warm int) {
	if Smoke() {
		return 100_000, 10_000
	}
	return 10_000_000, 100_000
}

// Rec is one record. Put and GetRec give it 16 bytes; a hydro channel
// encodes it as a 2-element CBOR array, 3 to 19 bytes.
type Rec struct {
	_   struct{} `cbor:",toarray"`
	Seq uint64
	Val uint64
}

// Mix is a record's value: every bit depends on the sequence number, so a
// record shifted or corrupted in transit fails the check.
func Mix(seq uint64) uint64 {
	seq ^= seq >> 31
	seq *= 0x9e3779b97f4a7c15
	return seq ^ seq>>29
}

// MkRec returns record seq.
func MkRec(seq uint64) Rec { return Rec{Seq: seq, Val: Mix(seq)} }

// Put writes r in 16 bytes.
func (r Rec) Put(b []byte) {
	binary.BigEndian.PutUint64(b[:8], r.Seq)
	binary.BigEndian.PutUint64(b[8:16], r.Val)
}

// GetRec reads what Put wrote.
func GetRec(b []byte) Rec {
	return Rec{Seq: binary.BigEndian.Uint64(b[:8]), Val: binary.BigEndian.Uint64(b[8:16])}
}

// Flow control: a sender that nothing slows down (a hydro node, whose TCP
// connection refuses frames past its queue bound; a NATS publisher, whose
// server drops a slow consumer's messages) takes a credit per span of at
// most SpanLen records, and the receiver hands one back at the end of each
// span: at most Window spans are in flight. A sender over a plain TCP
// connection needs none: TCP's flow control blocks its writer.
const (
	SpanLen = 1000
	Window  = 64
)

// Span is a run of records to make: they end where the receiver hands back
// a credit, at multiples of SpanLen and at the end of an iteration.
type Span struct {
	First uint64
	N     int
}

// Spans calls f with every span of the n records from first on.
func Spans(first uint64, n int, f func(Span) error) error {
	end := first + uint64(n)
	for first < end {
		next := min(end, (first/SpanLen+1)*SpanLen)
		if err := f(Span{first, int(next - first)}); err != nil {
			return err
		}
		first = next
	}
	return nil
}

// StreamCheck is the receiving end of every implementation: it checks each
// record, hands a credit back at the end of every span, and says when the
// last record of the iteration has arrived.
type StreamCheck struct {
	next    uint64        // the next sequence number expected
	end     atomic.Uint64 // the iteration is done when next reaches it
	done    chan error    // capacity 1: the iteration ended, or failed
	credits chan struct{} // nil: no window
	failed  bool
}

// NewStreamCheck returns a check expecting record 0 first, with Window
// credits if window is set.
func NewStreamCheck(window bool) *StreamCheck {
	c := &StreamCheck{done: make(chan error, 1)}
	if window {
		c.credits = make(chan struct{}, Window)
		for range Window {
			c.credits <- struct{}{}
		}
	}
	return c
}

// Add checks the next record. Only the receiver's goroutine calls it.
func (c *StreamCheck) Add(r Rec) {
	if c.failed {
		return
	}
	if r.Seq != c.next || r.Val != Mix(r.Seq) {
		c.failed = true
		c.done <- fmt.Errorf("record %d: got seq %d val %#x; want val %#x", c.next, r.Seq, r.Val, Mix(c.next))
		return
	}
	c.next++
	end := c.next == c.end.Load()
	if c.credits != nil && (c.next%SpanLen == 0 || end) {
		select {
		case c.credits <- struct{}{}:
		default: // more credits back than were taken: impossible
		}
	}
	if end {
		c.done <- nil
	}
}

// Expect starts an iteration of the n records from first on. The previous
// iteration must have ended.
func (c *StreamCheck) Expect(first uint64, n int) { c.end.Store(first + uint64(n)) }

// Credit takes a credit, waiting for the receiver to hand one back.
func (c *StreamCheck) Credit(deadline <-chan time.Time) error {
	select {
	case <-c.credits:
		return nil
	case err := <-c.done:
		c.done <- err // for Wait
		return errors.Join(err, errors.New("the receiver ended the iteration early"))
	case <-deadline:
		return fmt.Errorf("no credit back from the receiver in %v", Timeout)
	}
}

// Wait waits for the end of the iteration.
func (c *StreamCheck) Wait(deadline <-chan time.Time) error {
	select {
	case err := <-c.done:
		return err
	case <-deadline:
		return fmt.Errorf("the receiver did not see record %d within %v", c.end.Load()-1, Timeout)
	}
}

// Windowed is the iteration of a windowed sender: it sends the n records
// from the next one on, span by span, each after taking a credit, then
// waits for the receiver.
func (c *StreamCheck) Windowed(send func(Span) error) func(n int) error {
	var seq uint64
	return func(n int) error {
		deadline := time.After(Timeout)
		c.Expect(seq, n)
		err := Spans(seq, n, func(sp Span) error {
			if err := c.Credit(deadline); err != nil {
				return err
			}
			return send(sp)
		})
		seq += uint64(n)
		if err != nil {
			return err
		}
		return c.Wait(deadline)
	}
}
