// SPDX-License-Identifier: Apache-2.0

package node

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/transport"
)

// These tests drive the lock discipline (receive, acquire, drain, settle)
// as a Listener would, with readers that call receive, on a node whose
// graph has one channel and no operator: deliver records what reaches it.

// lockNode returns a node whose channel 1 hands each frame's payload to
// got, on the goroutine running the tick.
func lockNode(got func(from string, payload []byte)) *node {
	n := &node{
		log:   slog.New(slog.DiscardHandler),
		conns: map[string]peerLink{},
		out:   map[string][]transport.Frame{},
		wake:  make(chan struct{}, 1),
		ports: &ports{},
	}
	n.g = &compile.Graph{Graph: dfir.New(), Inboxes: map[uint32]compile.Inbox{1: {Channel: 1, Deliver: func(from uint32, p []byte) error {
		got(fmt.Sprint("peer", from), p)
		return nil
	}}}}
	return n
}

// frame is the i-th frame of peer p, carrying i, padded to size bytes.
func frame(p, i, size int) transport.Inbound {
	payload := make([]byte, max(size, 8))
	binary.BigEndian.PutUint64(payload, uint64(i))
	return transport.Inbound{From: fmt.Sprint("peer", p), Frame: transport.Frame{Channel: 1, Sender: uint32(p), Payload: payload}}
}

// TestInboxBoundMakesReaderWait: while a tick runs (the lock is held), a
// fast peer's reader queues frames up to the inbox's bound, then waits:
// what is queued never exceeds the bound, in frames or in bytes. Once the
// tick ends, every frame is delivered, in order.
func TestInboxBoundMakesReaderWait(t *testing.T) {
	for _, tc := range []struct {
		name      string
		size      int // payload bytes
		wantQueue int // frames queued when the reader waits
	}{
		{name: "frames", size: 16, wantQueue: maxQueued},
		{name: "bytes", size: 64 << 10, wantQueue: maxQueuedBytes / (64 << 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			var delivered []int
			n := lockNode(func(_ string, p []byte) { delivered = append(delivered, int(binary.BigEndian.Uint64(p))) })
			const total = 3000
			var calls atomic.Int64 // receive calls started
			n.mu.Lock()            // a tick runs
			var reader sync.WaitGroup
			reader.Go(func() {
				for i := range total {
					calls.Add(1)
					n.receive(t.Context(), frame(0, i, tc.size), false)
				}
			})
			// The reader queues, then waits in its next call.
			deadline := time.Now().Add(10 * time.Second)
			for calls.Load() <= int64(tc.wantQueue) {
				if time.Now().After(deadline) {
					t.Fatalf("the reader started %d calls within 10 s; want %d", calls.Load(), tc.wantQueue+1)
				}
				checkBound(t, &n.in)
				time.Sleep(time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // it would run on now, if it could
			checkBound(t, &n.in)
			q, _ := n.in.size()
			if c := calls.Load(); c != int64(tc.wantQueue)+1 || q != tc.wantQueue {
				t.Errorf("with the lock held, the reader started %d calls and queued %d frames; want %d calls, %d queued, then wait",
					c, q, tc.wantQueue+1, tc.wantQueue)
			}
			n.unlock(t.Context()) // the tick ends
			reader.Wait()
			if len(delivered) != total {
				t.Fatalf("%d frames delivered; want %d", len(delivered), total)
			}
			for i, v := range delivered {
				if v != i {
					t.Fatalf("frame %d delivered as the %d-th", v, i)
				}
			}
		})
	}
}

func checkBound(t *testing.T, q *inbox) {
	t.Helper()
	if items, bytes := q.size(); items > maxQueued || bytes > maxQueuedBytes {
		t.Fatalf("the inbox holds %d frames, %d bytes; bound %d, %d", items, bytes, maxQueued, maxQueuedBytes)
	}
}

// TestManyReadersKeepOrder: readers of several peers call receive at
// once, some frames with more set, while ticks are slow and run on
// whichever reader holds the lock: every frame is delivered once, and
// each peer's in the order it was read.
func TestManyReadersKeepOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	const peers, each = 8, 2000
	next := map[string]int{}
	delivered := 0
	n := lockNode(func(from string, p []byte) {
		i := int(binary.BigEndian.Uint64(p))
		if i != next[from] {
			t.Errorf("from %s: frame %d delivered; want %d", from, i, next[from])
		}
		next[from] = i + 1
		delivered++
		if delivered%97 == 0 {
			time.Sleep(200 * time.Microsecond) // a slow tick: the others queue
		}
	})
	var readers sync.WaitGroup
	for p := range peers {
		readers.Go(func() {
			for i := range each {
				n.receive(t.Context(), frame(p, i, 16), i%5 != 4) // bursts of five
			}
		})
	}
	readers.Wait()
	n.settle(t.Context())
	if delivered != peers*each {
		t.Errorf("%d frames delivered; want %d", delivered, peers*each)
	}
	if q, _ := n.in.size(); q != 0 {
		t.Errorf("%d frames left in the inbox; want none", q)
	}
}
