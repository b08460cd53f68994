// SPDX-License-Identifier: Apache-2.0

package node

import (
	"reflect"
	"sync"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/transport"
)

// Bounds of the inbox.
const (
	// maxQueued bounds the frames and values the inbox holds.
	maxQueued = 1024
	// maxQueuedBytes bounds the bytes of the frames' payloads it holds. A
	// frame larger than this (the Limits may allow it) is let in alone,
	// into an empty inbox.
	maxQueuedBytes = 4 << 20
)

// inbox holds the input that arrived while another goroutine ran a tick,
// for that goroutine's next tick (see the package's Concurrency section):
// copies of frames, and values of the Go channels the graph reads, in the
// order they were put. It has a lock of its own, taken without node.mu or
// under it, never the other way round.
type inbox struct {
	mu    sync.Mutex
	items []item
	buf   []byte // the frames' payloads, one after another
}

// item is a frame, whose payload is buf[start:end], or a value of a Go
// channel the graph reads (wake set).
type item struct {
	from            string
	channel, sender uint32
	start, end      int
	wake            *compile.Wake
	v               reflect.Value
}

// putFrame queues a copy of in, and reports false, queuing nothing, if
// the inbox is full.
func (q *inbox) putFrame(in transport.Inbound) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.roomLocked(len(in.Frame.Payload)) {
		return false
	}
	start := len(q.buf)
	q.buf = append(q.buf, in.Frame.Payload...) // lent only during the Handler
	q.items = append(q.items, item{from: in.From, channel: in.Frame.Channel, sender: in.Frame.Sender, start: start, end: len(q.buf)})
	return true
}

// putValue queues a value received from w's channel, and reports false,
// queuing nothing, if the inbox is full.
func (q *inbox) putValue(w *compile.Wake, v reflect.Value) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.roomLocked(0) {
		return false
	}
	q.items = append(q.items, item{wake: w, v: v})
	return true
}

func (q *inbox) roomLocked(size int) bool {
	return len(q.items) == 0 || len(q.items) < maxQueued && len(q.buf)+size <= maxQueuedBytes
}

// take returns what the inbox holds, in the order it was put, and gives
// it items and buf, emptied, to fill next: the slices take returned last
// time, once their items are cleared.
func (q *inbox) take(items []item, buf []byte) ([]item, []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	items, q.items = q.items, items[:0]
	buf, q.buf = q.buf, buf[:0]
	return items, buf
}

// empty reports whether the inbox holds nothing.
func (q *inbox) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) == 0
}

// size returns how many items and payload bytes the inbox holds.
func (q *inbox) size() (items, bytes int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), len(q.buf)
}
