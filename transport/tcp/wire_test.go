// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// tlsPair returns a TLS connection over loopback TCP whose writes go
// through a wire, and the TLS connection of its other end.
func tlsPair(t *testing.T) (client *tls.Conn, w *wire, server *tls.Conn) {
	t.Helper()
	fleet := []string{"A", "B"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted net.Conn
	var aerr error
	var wg sync.WaitGroup
	wg.Go(func() { accepted, aerr = ln.Accept() })
	raw, err := net.Dial("tcp", ln.Addr().String())
	wg.Wait()
	if err != nil || aerr != nil {
		t.Fatal(err, aerr)
	}
	t.Cleanup(func() { raw.Close(); accepted.Close() })
	var serr error
	wg.Go(func() {
		server, _, _, serr = WithTLS(certs["B"]).s.accept(timeout(t), accepted)
	})
	client, w, err = WithTLS(certs["A"]).s.dial(timeout(t), raw, "B")
	wg.Wait()
	if err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	if !w.canGather() {
		t.Skip("no direct writes on this platform")
	}
	return client, w, server
}

// message is the i-th message of the wire tests: its number, then
// filler, n bytes in all.
func message(i, n int) []byte {
	p := bytes.Repeat([]byte{byte(i)}, n)
	binary.BigEndian.PutUint64(p, uint64(i))
	return p
}

// TestWireKeepsRecordOrder: records sealed in a gather that the socket
// does not take wait in the wire; the records of later gathers and of a
// write outside one (the Conn's writer) go out after them. The peer, which
// reads nothing until the socket is full, then decrypts every message, in
// order: a record out of place would fail TLS's check.
func TestWireKeepsRecordOrder(t *testing.T) {
	client, w, server := tlsPair(t)
	const size = 60 << 10
	i := 0
	gather := func() int {
		w.begin()
		if _, err := client.Write(message(i, size)); err != nil {
			t.Fatal(err)
		}
		left, err := w.end()
		if err != nil {
			t.Fatal(err)
		}
		i++
		return left
	}
	for gather() == 0 { // until the socket's buffers are full
		if i == 2000 {
			t.Fatalf("%d MiB written to a peer that reads nothing, and nothing pending", i*size>>20)
		}
	}
	if gather() == 0 { // appended to what is pending, not written ahead of it
		t.Fatal("a gather after one the socket did not take left nothing pending")
	}
	pending := w.pendingBytes()
	blocked := make(chan error, 1)
	go func() { // the writer: its record follows the pending ones
		_, err := client.Write(message(i, size))
		blocked <- err
	}()
	total := i + 1
	got := make([]byte, size)
	for j := range total {
		if _, err := io.ReadFull(server, got); err != nil {
			t.Fatalf("reading message %d of %d (%d bytes were pending): %v", j, total, pending, err)
		}
		if !bytes.Equal(got, message(j, size)) {
			t.Fatalf("message %d: got #%d; want #%d", j, binary.BigEndian.Uint64(got), j)
		}
	}
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}
	if n := w.pendingBytes(); n != 0 {
		t.Errorf("pendingBytes() = %d after everything was read; want 0", n)
	}
}

// TestWireFlush: flush writes what a gather left pending, waiting for
// the socket.
func TestWireFlush(t *testing.T) {
	client, w, server := tlsPair(t)
	const size = 60 << 10
	n := 0
	for left := 0; left == 0; n++ {
		w.begin()
		client.Write(message(n, size))
		var err error
		if left, err = w.end(); err != nil {
			t.Fatal(err)
		}
	}
	flushed := make(chan error, 1)
	go func() { flushed <- w.flush() }()
	got := make([]byte, size)
	for j := range n {
		if _, err := io.ReadFull(server, got); err != nil || binary.BigEndian.Uint64(got) != uint64(j) {
			t.Fatalf("message %d: got #%d, %v", j, binary.BigEndian.Uint64(got), err)
		}
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
}

// listenFuncTLS is ListenFunc over TLS with certificate cfg.
func listenFuncTLS(t *testing.T, cfg TLS, h Handler) *Listener {
	t.Helper()
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, h, WithTLS(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// writable waits until Send may write on c's connection from the caller's
// goroutine: Stats says connected a moment before that.
func writable(t *testing.T, c *Conn) {
	t.Helper()
	eventually(t, "direct writes possible", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.mu.pc != nil && !c.mu.writing && len(c.mu.queue) == 0
	})
}

func directs(c *Conn) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.directs
}

// TestTLSSendWritesDirectly: over TLS, a Send of up to 64 KiB while the
// writer is idle is written from the caller's goroutine; a larger one goes
// to the writer.
func TestTLSSendWritesDirectly(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	var h handled
	ln := listenFuncTLS(t, certs["Leader"], h.handle)
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/0"]), fast)
	defer closeConn(t, c)
	writable(t, c)
	for i := range 10 {
		if err := c.Send(numbered(1, i, 1)...); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the frame handled", func() bool { return h.count() == i+1 })
	}
	if got := directs(c); got != 10 {
		t.Errorf("%d of 10 Sends to an idle writer written directly; want 10", got)
	}
	big := transport.Frame{Channel: 1, Sender: 1, Payload: message(10, maxDirectTLS)}
	if err := c.Send(big); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the large frame handled", func() bool { return h.count() == 11 })
	if got := directs(c); got != 10 {
		t.Errorf("a Send of %d bytes was written directly; want it queued", transport.EncodedLen(big))
	}
	checkNumbers(t, h.ins[:10], "Worker/0", 0)
	// The writer counts frames sent once its write returns, which may be
	// after the peer has them.
	eventually(t, "11 frames counted sent", func() bool { return c.Stats().Sent == 11 })
	if s := c.Stats(); s.Lost != 0 {
		t.Errorf("Stats() = %+v; want 11 sent, none lost", s)
	}
}

// TestTLSDirectWriteThenQueue: over TLS, while the peer reads nothing,
// Sends are written directly until the socket is full, the records it did
// not take wait in the wire, and later Sends queue behind them; once the
// peer reads again, everything arrives whole and in order.
func TestTLSDirectWriteThenQueue(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	h := handled{gate: make(chan struct{})}
	ln := listenFuncTLS(t, certs["Leader"], h.handle)
	defer closeListener(t, ln)
	var gate sync.Once
	open := func() { gate.Do(func() { close(h.gate) }) }
	defer open() // before the Listener's Close, which waits for the Handler
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/0"]), fast, WithQueueBytes(64<<20))
	defer closeConn(t, c)
	const size = 48 << 10
	frame := func(i int) transport.Frame { return transport.Frame{Channel: 1, Sender: 1, Payload: message(i, size)} }
	writable(t, c)
	n := 0
	for ; c.Stats().QueuedBytes == 0; n++ { // until the socket's buffers are full
		if n == 2000 {
			t.Fatalf("%d MiB sent to a peer that reads nothing, and nothing queued", n*size>>20)
		}
		if err := c.Send(frame(n)); err != nil {
			t.Fatal(err)
		}
	}
	if directs(c) == 0 {
		t.Fatal("no Send was written directly")
	}
	for range 5 { // queued behind the records the wire holds
		if err := c.Send(frame(n)); err != nil {
			t.Fatal(err)
		}
		n++
	}
	open()
	eventually(t, "every frame handled", func() bool { return h.count() == n })
	for i, in := range h.ins {
		if !bytes.Equal(in.Frame.Payload, frame(i).Payload) {
			t.Fatalf("frame %d: got #%d; want #%d", i, binary.BigEndian.Uint64(in.Frame.Payload), i)
		}
	}
	eventually(t, "every frame counted sent", func() bool { return c.Stats().Sent == uint64(n) })
	if s := c.Stats(); s.Lost != 0 || s.QueuedBytes != 0 {
		t.Errorf("Stats() = %+v; want %d sent, none lost or queued", s, n)
	}
}

// TestTLSMixedSends: Sends of random sizes, from bytes to past the direct
// limit, to a Handler that is sometimes slow, interleave direct and queued
// writes; every frame arrives, in order.
func TestTLSMixedSends(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	var mu sync.Mutex
	var got []int
	var wrong []int
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	sizes := make([]int, 600)
	for i := range sizes {
		sizes[i] = 8 + rng.IntN(80<<10)
	}
	ln := listenFuncTLS(t, certs["Leader"], func(in Inbound, more bool) {
		if in.From == "" {
			return
		}
		i := int(binary.BigEndian.Uint64(in.Frame.Payload))
		if i%50 == 0 {
			time.Sleep(2 * time.Millisecond) // the writer queues meanwhile
		}
		mu.Lock()
		defer mu.Unlock()
		if len(in.Frame.Payload) != sizes[i] || !bytes.Equal(in.Frame.Payload, message(i, sizes[i])) {
			wrong = append(wrong, i)
		}
		got = append(got, i)
	})
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/0"]), fast, WithQueueBytes(1<<20))
	defer closeConn(t, c)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	for i := 0; i < len(sizes); {
		n := 1 + rng.IntN(3)
		var frames []transport.Frame
		for j := i; j < min(i+n, len(sizes)); j++ {
			frames = append(frames, transport.Frame{Channel: 1, Sender: 1, Payload: message(j, sizes[j])})
		}
		err := c.Send(frames...)
		if err == nil {
			i += len(frames)
			continue
		}
		if ctx.Err() != nil || !errors.Is(err, ErrBackpressure) {
			t.Fatalf("Send() = %v after %d frames", err, i)
		}
	}
	eventually(t, "every frame handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == len(sizes)
	})
	for i, g := range got {
		if g != i {
			t.Fatalf("frame %d arrived as #%d", i, g)
		}
	}
	if len(wrong) > 0 {
		t.Fatalf("frames with a wrong payload: %v", wrong)
	}
	if directs(c) == 0 {
		t.Error("no Send was written directly")
	}
}

// TestSendAllocates: Sends to an idle writer encode into the buffers of
// earlier Sends, so that a steady stream of them allocates nothing.
func TestSendAllocates(t *testing.T) {
	var got atomic.Int64 // the Handler allocates nothing either
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, func(in Inbound, _ bool) {
		if in.From != "" {
			got.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "A", transport.DefaultLimits, nil, fast)
	defer closeConn(t, c)
	eventually(t, "connected", func() bool { return c.Stats().Connected })
	frames := numbered(1, 0, 4)
	c.Send(frames...)
	eventually(t, "the first frames handled", func() bool { return got.Load() == 4 })
	writable(t, c)
	if n := testing.AllocsPerRun(100, func() { c.Send(frames...) }); n > 0.1 {
		t.Errorf("Send allocates %v objects a call; want none", n)
	}
	eventually(t, "every frame handled", func() bool { return got.Load() == 4*102 })
}

// TestTakeSpare: a Send takes the smallest spare that fits, and no spare
// more than most bytes.
func TestTakeSpare(t *testing.T) {
	for _, tc := range []struct {
		spares     []int
		size, most int
		want       int // capacity taken, 0 for none
	}{
		{[]int{100, 300}, 90, 180, 100},
		{[]int{300, 100}, 90, 180, 100},
		{[]int{300, 200}, 90, 180, 0},
		{[]int{300, 200}, 90, maxSpare, 200},
		{[]int{50}, 90, maxSpare, 0},
		{nil, 90, maxSpare, 0},
	} {
		var c Conn
		for _, n := range tc.spares {
			c.mu.spares = append(c.mu.spares, make([]byte, 0, n))
		}
		got := cap(c.takeSpareLocked(tc.size, tc.most))
		if got != tc.want {
			t.Errorf("takeSpareLocked(%d, %d) with spares %v = a buffer of %d; want %d", tc.size, tc.most, tc.spares, got, tc.want)
		}
		if left := len(c.mu.spares); tc.want != 0 && left != len(tc.spares)-1 {
			t.Errorf("%d spares left of %d after taking one", left, len(tc.spares))
		}
	}
}
