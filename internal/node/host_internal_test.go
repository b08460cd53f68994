// SPDX-License-Identifier: Apache-2.0

package node

import (
	"errors"
	"testing"

	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// TestLocalLinkBounds: a link to a co-located node refuses frames while
// the node is not running and past its queue's bounds, in batches or in
// bytes, as a TCP Conn does (tcp.ErrBackpressure), queuing nothing of a
// refused Send; it copies what it takes, refuses a frame too large for
// the limits outright, and reports the node up while it runs.
func TestLocalLinkBounds(t *testing.T) {
	h := NewHost("A", "B")
	l := h.link("A", "B", transport.DefaultLimits, nil)
	small := transport.Frame{Channel: 1, Payload: []byte("hello")}
	if err := l.Send(small); !errors.Is(err, tcp.ErrBackpressure) {
		t.Errorf("Send before B runs = %v; want tcp.ErrBackpressure", err)
	}
	if st := l.Stats(); st.Connected || st.Connects != 0 {
		t.Errorf("Stats before B runs = %+v; want not connected, no connects", st)
	}
	s, q, err := h.serve("B")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.serve("B"); err == nil {
		t.Error("serve(B) twice = nil error; want one")
	}
	if st := l.Stats(); !st.Connected || st.Connects != 1 {
		t.Errorf("Stats while B runs = %+v; want connected, 1 connect", st)
	}

	// Batches: the queue takes maxLocalBatches, then refuses.
	payload := []byte("abc")
	for i := range maxLocalBatches {
		if err := l.Send(transport.Frame{Channel: 1, Payload: payload}); err != nil {
			t.Fatalf("Send %d = %v; want nil", i, err)
		}
	}
	payload[0] = 'X' // the queue holds a copy
	if err := l.Send(small); !errors.Is(err, tcp.ErrBackpressure) {
		t.Errorf("Send past %d batches = %v; want tcp.ErrBackpressure", maxLocalBatches, err)
	}
	if got := q.bytes.Load(); got != 3*maxLocalBatches {
		t.Errorf("queued %d bytes; want %d: a refused Send queues nothing", got, 3*maxLocalBatches)
	}
	first := <-q.ch
	if string(first.frames[0].Payload) != "abc" || first.from != "A" {
		t.Errorf("first batch from %s holds %q; want from A, %q", first.from, first.frames[0].Payload, "abc")
	}
	for len(q.ch) > 0 {
		<-q.ch
	}
	q.bytes.Store(0)

	// Bytes: past maxLocalBytes the queue refuses, unless it is empty.
	big := transport.Frame{Channel: 1, Payload: make([]byte, maxLocalBytes/2+1)}
	if err := l.Send(big); err != nil {
		t.Fatalf("Send of %d bytes into an empty queue = %v; want nil", len(big.Payload), err)
	}
	if err := l.Send(big); !errors.Is(err, tcp.ErrBackpressure) {
		t.Errorf("Send past %d bytes = %v; want tcp.ErrBackpressure", maxLocalBytes, err)
	}
	<-q.ch
	q.bytes.Store(0)
	huge := transport.Frame{Channel: 1, Payload: make([]byte, maxLocalBytes+1)}
	if err := l.Send(huge); err != nil {
		t.Errorf("Send of %d bytes alone into an empty queue = %v; want nil", len(huge.Payload), err)
	}
	<-q.ch
	q.bytes.Store(0)
	tooLarge := transport.Frame{Channel: 1, Payload: make([]byte, transport.DefaultLimits.MaxFrameBytes)}
	if err := l.Send(tooLarge); err == nil || errors.Is(err, tcp.ErrBackpressure) {
		t.Errorf("Send of a frame past MaxFrameBytes = %v; want an error other than backpressure", err)
	}

	s.leave(q)
	if st := l.Stats(); st.Connected || st.Connects != 1 {
		t.Errorf("Stats after B stopped = %+v; want not connected, 1 connect", st)
	}
	if err := l.Send(small); !errors.Is(err, tcp.ErrBackpressure) {
		t.Errorf("Send after B stopped = %v; want tcp.ErrBackpressure", err)
	}
	if err := l.Close(t.Context()); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := l.Send(small); !errors.Is(err, tcp.ErrClosed) {
		t.Errorf("Send after Close = %v; want tcp.ErrClosed", err)
	}
}

// TestLocalLinkMoved: a link watching its peer hears it start and stop.
func TestLocalLinkMoved(t *testing.T) {
	h := NewHost("A", "B")
	var moves []bool
	l := h.link("A", "B", transport.DefaultLimits, func(up bool) { moves = append(moves, up) })
	s, q, err := h.serve("B")
	if err != nil {
		t.Fatal(err)
	}
	s.leave(q)
	if len(moves) != 2 || !moves[0] || moves[1] {
		t.Errorf("moves = %v; want [true false]", moves)
	}
	_ = l.Close(t.Context())
	if _, q, err = h.serve("B"); err != nil {
		t.Fatal(err)
	}
	s.leave(q)
	if len(moves) != 2 {
		t.Errorf("moves after Close = %v; want no more", moves)
	}
}
