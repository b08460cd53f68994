// SPDX-License-Identifier: Apache-2.0

package netbench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// B7 echo: a client keeps k requests outstanding against an echo server,
// each answer followed at once by the next request of its slot. The loop
// runs from start to stop; an iteration waits for the next n answers.

// Outstanding lists the values of k the suite measures.
var Outstanding = []int{1, 100}

// EchoSizes returns the answers per iteration and per warm-up with k
// requests outstanding.
func EchoSizes(k int) (n, warm int) {
	n = 20_000
	if k > 1 {
		n = 200_000
	}
	if Smoke() {
		n /= 40
	}
	return n, max(n/10, 100)
}

// Req is one request, and its answer: ID%k is its slot and ID/k the number
// of requests of that slot before it; Sent is when it was sent, in ns
// since the recorder started. Put and GetReq give it 16 bytes.
type Req struct {
	_    struct{} `cbor:",toarray"`
	ID   uint64
	Sent int64
}

// Put writes q in 16 bytes.
func (q Req) Put(b []byte) {
	binary.BigEndian.PutUint64(b[:8], q.ID)
	binary.BigEndian.PutUint64(b[8:16], uint64(q.Sent))
}

// GetReq reads what Put wrote.
func GetReq(b []byte) Req {
	return Req{ID: binary.BigEndian.Uint64(b[:8]), Sent: int64(binary.BigEndian.Uint64(b[8:16]))}
}

// Recorder is the client's end of every implementation: it checks each
// answer (the id its slot expects, a send time in the past), records the
// round trip in an HDR histogram while an iteration waits, and hands out
// the slot's next request. Answer may be called from several goroutines
// as long as each slot has one.
type Recorder struct {
	k      uint64
	t0     time.Time
	expect []uint64 // the id each slot waits for: touched by its client only

	mu       sync.Mutex
	hist     *hdrhistogram.Histogram
	left     int        // answers the iteration still waits for; 0: none runs
	done     chan error // capacity 1: the iteration ended, or failed
	err      error      // the first bad answer
	stopping bool       // answers end their slot's loop
	live     int        // slots still looping
	drained  chan struct{}
}

// NewRecorder returns the recorder of a client with k slots.
func NewRecorder(k int) *Recorder {
	r := &Recorder{k: uint64(k), t0: time.Now(), expect: make([]uint64, k),
		done: make(chan error, 1), live: k, drained: make(chan struct{})}
	for i := range r.expect {
		r.expect[i] = uint64(i)
	}
	r.hist = hdrhistogram.New(1, int64(Timeout), 3)
	return r
}

// Now returns the time since the recorder started, in ns: what Sent holds.
func (r *Recorder) Now() int64 { return int64(time.Since(r.t0)) }

// Seeds returns the first request of every slot, stamped as it is taken.
func (r *Recorder) Seeds() iter.Seq[Req] {
	return func(yield func(Req) bool) {
		for i := range r.k {
			if !yield(Req{ID: i, Sent: r.Now()}) {
				return
			}
		}
	}
}

// Seed returns the first request of one slot, stamped.
func (r *Recorder) Seed(slot int) Req { return Req{ID: uint64(slot), Sent: r.Now()} }

// Answer checks an answer and records its round trip. It returns the next
// request of the slot, to be stamped when sent, and true; or false once
// Drain has been called, and the slot's loop ends.
func (r *Recorder) Answer(a Req) (Req, bool) {
	now := r.Now()
	slot := a.ID % r.k
	var bad error
	if want := r.expect[slot]; a.ID != want || a.Sent > now || a.Sent < 0 {
		bad = fmt.Errorf("answer id %d sent at %d (now %d); slot %d expects id %d", a.ID, a.Sent, now, slot, want)
	}
	r.expect[slot] = a.ID + r.k
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case bad != nil && r.err == nil:
		r.err = bad
		if r.left > 0 {
			r.left = 0
			r.done <- bad
		}
	case r.left > 0:
		r.hist.RecordValue(max(now-a.Sent, 1)) // in range: a slower answer fails Wait first
		if r.left--; r.left == 0 {
			r.done <- nil
		}
	}
	if r.stopping {
		if r.live--; r.live == 0 {
			close(r.drained)
		}
		return Req{}, false
	}
	return Req{ID: a.ID + r.k}, true
}

// Fail ends a slot's loop on an error of the client's own (a request that
// failed), which fails the iteration.
func (r *Recorder) Fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
		if r.left > 0 {
			r.left = 0
			r.done <- err
		}
	}
	if r.live--; r.live == 0 {
		close(r.drained)
	}
}

// Iter records the next n answers: the iteration of every implementation.
func (r *Recorder) Iter(n int) error {
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return r.err
	}
	r.left = n
	r.mu.Unlock()
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case err := <-r.done:
		return err
	case <-t.C:
		r.mu.Lock()
		left := r.left
		r.left = 0
		r.mu.Unlock()
		select {
		case err := <-r.done: // it ended meanwhile
			return err
		default:
		}
		return fmt.Errorf("%d of %d answers missing after %v", left, n, Timeout)
	}
}

// Drain ends every slot's loop at its next answer and waits until all
// have ended: then nothing is in flight, and the nodes can stop.
func (r *Recorder) Drain() error {
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	select {
	case <-r.drained:
		return nil
	case <-time.After(Timeout):
		return fmt.Errorf("requests still unanswered %v after the last was sent", Timeout)
	}
}

// Reset forgets the round trips recorded so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.hist.Reset()
	r.mu.Unlock()
}

// Report reports the median and the 99th percentile round trip.
func (r *Recorder) Report(b *testing.B) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b.ReportMetric(float64(r.hist.ValueAtQuantile(50)), "p50-ns")
	b.ReportMetric(float64(r.hist.ValueAtQuantile(99)), "p99-ns")
}

// Run returns the started implementation whose loop this recorder
// measures: stop runs after the loop has drained.
func (r *Recorder) Run(stop func() error) *Run {
	return &Run{
		Iter: r.Iter,
		Stop: func() error {
			err := r.Drain() // on error, stop all the same
			return errors.Join(err, stop())
		},
		Reset:  r.Reset,
		Report: r.Report,
	}
}
