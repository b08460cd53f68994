// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bytes"
	"encoding/binary"
	"sync"
	"testing"

	"github.com/hydro-go/hydro/transport"
)

// handled collects what a ListenFunc's Handler is given.
type handled struct {
	mu   sync.Mutex
	ins  []Inbound
	more []bool
	gate chan struct{} // if set, the Handler waits on it before each frame
}

func (h *handled) handle(in Inbound, more bool) {
	if h.gate != nil {
		<-h.gate
	}
	in.Frame.Payload = bytes.Clone(in.Frame.Payload) // valid only during the call
	h.mu.Lock()
	h.ins = append(h.ins, in)
	h.more = append(h.more, more)
	h.mu.Unlock()
}

func (h *handled) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ins)
}

// TestListenFunc: the Handler gets every frame in order, and says whether
// another has already arrived; the last of a burst has more false.
func TestListenFunc(t *testing.T) {
	var h handled
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, h.handle)
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	if ln.Inbound() != nil {
		t.Errorf("Inbound() of a ListenFunc Listener is not nil")
	}
	c := Dial(t.Context(), ln.Addr().String(), "Burst", transport.DefaultLimits, nil, fast)
	defer closeConn(t, c)
	if err := c.Send(numbered(5, 0, 50)...); err != nil { // one write
		t.Fatal(err)
	}
	eventually(t, "50 frames handled", func() bool { return h.count() == 50 })
	h.mu.Lock()
	defer h.mu.Unlock()
	checkNumbers(t, h.ins, "Burst", 0)
	if h.more[49] {
		t.Errorf("more = true for the last frame; nothing followed it")
	}
	if !h.more[0] {
		t.Errorf("more = false for the first of 50 frames written at once")
	}
}

// TestDirectWriteThenQueue: while the peer reads nothing, Send writes what
// the socket takes and queues the rest; once the peer reads again,
// everything arrives whole and in order.
func TestDirectWriteThenQueue(t *testing.T) {
	h := handled{gate: make(chan struct{})}
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, h.handle)
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Big", transport.DefaultLimits, nil, fast, WithQueueBytes(64<<20))
	defer closeConn(t, c)
	const size = 256 << 10
	frame := func(i int) transport.Frame {
		p := bytes.Repeat([]byte{byte(i)}, size)
		binary.BigEndian.PutUint64(p, uint64(i))
		return transport.Frame{Channel: 1, Sender: 1, Payload: p}
	}
	if err := c.Send(frame(0)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "connected", func() bool { return c.Stats().Connected })
	n := 1
	for ; c.Stats().QueuedBytes == 0; n++ { // until the socket's buffers are full
		if n == 1000 {
			t.Fatalf("%d MiB sent to a peer that reads nothing, and nothing queued", n*size>>20)
		}
		if err := c.Send(frame(n)); err != nil {
			t.Fatal(err)
		}
	}
	close(h.gate)
	eventually(t, "every frame handled", func() bool { return h.count() == n })
	for i, in := range h.ins {
		if want := frame(i).Payload; !bytes.Equal(in.Frame.Payload, want) {
			t.Fatalf("frame %d: payload differs from what was sent (%d bytes, first %x)", i, len(in.Frame.Payload), in.Frame.Payload[:8])
		}
	}
	if s := c.Stats(); s.Sent != uint64(n) || s.Lost != 0 {
		t.Errorf("Stats() = %+v; want %d sent, none lost", s, n)
	}
}
