// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// handled collects what a ListenFunc's Handler is given.
type handled struct {
	mu    sync.Mutex
	ins   []Inbound
	more  []bool
	gate  chan struct{} // if set, the Handler waits on it before each frame
	delay time.Duration // the Handler takes this long for each frame
}

func (h *handled) handle(in Inbound, more bool) {
	if h.gate != nil {
		<-h.gate
	}
	time.Sleep(h.delay)
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
	// The writer counts frames sent once its write returns, which may be
	// after the peer has them.
	eventually(t, "every frame counted sent", func() bool { return c.Stats().Sent == uint64(n) })
	if s := c.Stats(); s.Lost != 0 {
		t.Errorf("Stats() = %+v; want %d sent, none lost", s, n)
	}
}

// hookConn is a dialed TCP connection whose Close first runs a hook.
type hookConn struct {
	*net.TCPConn
	once    sync.Once
	onClose func()
}

func (h *hookConn) Close() error {
	h.once.Do(h.onClose)
	return h.TCPConn.Close()
}

// rawListener listens for a Conn and returns, for each connection it
// accepts, a frame Reader past the hello. NB: close the connections and
// the listener before the Conn; else its Close waits for the peer to close
// its side, up to lingerTimeout.
func rawListener(t *testing.T) (net.Listener, func() (net.Conn, *transport.Reader)) {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw, func() (net.Conn, *transport.Reader) {
		t.Helper()
		nc, err := raw.Accept()
		if err != nil {
			t.Fatal(err)
		}
		// Generous: under -race on a loaded machine, reading a frame of
		// 8 MiB in growing chunks took over 10 s.
		nc.SetReadDeadline(time.Now().Add(6 * testTimeout))
		br := bufio.NewReaderSize(nc, readBufSize)
		if _, _, err := readHello(br); err != nil {
			t.Fatal(err)
		}
		return nc, transport.NewReader(br, transport.DefaultLimits)
	}
}

// TestDirectTailStaysOnItsConnection: a Send as its connection ends must
// not leave the tail of a frame, written in part, to start the next
// connection; the peer would read garbage as a frame length.
func TestDirectTailStaysOnItsConnection(t *testing.T) {
	raw, accept := rawListener(t)
	var conn atomic.Pointer[Conn]
	big := transport.Frame{Channel: 7, Sender: 1, Payload: bytes.Repeat([]byte{0x41}, 8<<20)}
	dial := wrapFirstDial(func(tc *net.TCPConn) net.Conn {
		tc.SetWriteBuffer(64 << 10) // the peer reads nothing: the socket takes part of big
		// The Send comes as serve closes the connection, which the peer
		// closed: the last moment Send could write to it directly.
		return &hookConn{TCPConn: tc, onClose: func() {
			if err := conn.Load().Send(big); err != nil {
				t.Errorf("Send() = %v", err)
			}
		}}
	})
	c := Dial(t.Context(), raw.Addr().String(), "P", transport.DefaultLimits, nil, fast, WithDialFunc(dial), WithQueueBytes(64<<20))
	conn.Store(c)
	defer closeConn(t, c)
	defer raw.Close()
	first, _ := accept()
	defer first.Close()
	first.(*net.TCPConn).CloseWrite() // the Conn's reader sees the end; serve closes
	second, r := accept()
	defer second.Close()
	f, err := r.Next()
	if err != nil {
		t.Fatalf("first frame on the second connection: %v", err)
	}
	if f.Channel != big.Channel || !bytes.Equal(f.Payload, big.Payload) {
		t.Fatalf("first frame on the second connection = channel %d, %d bytes; want the big frame whole", f.Channel, len(f.Payload))
	}
	eventually(t, "the write counted", func() bool { return c.Stats().Sent == 1 })
	if s := c.Stats(); s.Lost != 0 {
		t.Errorf("Stats() = %+v; want 1 sent, none lost", s)
	}
}

// TestDirectTailDroppedWithItsConnection: the tail of a direct write that
// ended inside a frame is written on its connection or not at all; when
// the connection ends first, its frames count as lost, and the whole
// batches queued after it wait for the next connection.
func TestDirectTailDroppedWithItsConnection(t *testing.T) {
	raw, accept := rawListener(t)
	nc, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetWriteBuffer(64 << 10)
	nc.Write(appendHello(nil, "P", false))
	far, _ := accept() // and read nothing more
	defer far.Close()
	c := newConn(raw.Addr().String(), "P", transport.DefaultLimits, nil, nil)
	pc := newPeerConn("", nc, nc)
	c.writeDirect(pc)
	if c.mu.direct == nil {
		t.Skip("no direct writes on this platform")
	}
	const n = 8
	frames := make([]transport.Frame, n)
	for i := range frames {
		frames[i] = transport.Frame{Channel: 1, Payload: bytes.Repeat([]byte{byte(i)}, 1<<20)}
	}
	c.Send(frames...)
	c.Send(numbered(2, 0, 3)...)
	s := c.Stats()
	if s.Sent == n || s.Sent+uint64(s.QueuedFrames) != n+3 {
		t.Fatalf("Stats() after Sends = %+v; want part of %d frames sent, the rest and 3 more queued", s, n)
	}
	tail := c.mu.queue[0]
	if tail.pc != pc || tail.frames != n-int(s.Sent) || c.mu.queue[1].pc != nil {
		t.Fatalf("queue = %d frames on %p, then %d on %p; want the tail on the connection %p, then a whole batch",
			tail.frames, tail.pc, c.mu.queue[1].frames, c.mu.queue[1].pc, pc)
	}
	c.ended(pc, false)
	s = c.Stats()
	if s.Sent+s.Lost != n || s.QueuedFrames != 3 || s.QueuedBytes != len(frameBytes(numbered(2, 0, 3))) {
		t.Errorf("Stats() after the connection ended = %+v; want the %d big frames sent or lost, the 3 others queued", s, n)
	}
	if len(c.mu.queue) != 1 || c.mu.queue[0].pc != nil {
		t.Errorf("queue after the connection ended: %d batches; want the whole one alone", len(c.mu.queue))
	}
}

// stallRead is a dialed TCP connection whose reads return only some time
// after it is closed, so that serve sees its writes fail before it sees
// the connection end.
type stallRead struct {
	*net.TCPConn
	once   sync.Once
	closed chan struct{}
}

func (s *stallRead) Read([]byte) (int, error) {
	<-s.closed
	return 0, net.ErrClosed
}

// WriteTo hides the TCPConn's, which io.Copy would call to read.
func (s *stallRead) WriteTo(io.Writer) (int64, error) {
	<-s.closed
	return 0, net.ErrClosed
}

func (s *stallRead) Close() error {
	s.once.Do(func() { time.AfterFunc(200*time.Millisecond, func() { close(s.closed) }) })
	return s.TCPConn.Close()
}

// TestNoWriteAfterDirectWriteFails: when a direct write fails, the frames
// sent after it are not written to the broken connection, and lost, but go
// out on the next one.
func TestNoWriteAfterDirectWriteFails(t *testing.T) {
	raw, accept := rawListener(t)
	stalled := make(chan *stallRead, 1)
	dial := wrapFirstDial(func(tc *net.TCPConn) net.Conn {
		s := &stallRead{TCPConn: tc, closed: make(chan struct{})}
		stalled <- s
		return s
	})
	c := Dial(t.Context(), raw.Addr().String(), "P", transport.DefaultLimits, nil, fast, WithDialFunc(dial))
	defer closeConn(t, c)
	defer raw.Close()
	first, _ := accept()
	defer first.Close()
	stall := <-stalled
	if newDirect(stall) == nil {
		t.Skip("no direct writes on this platform")
	}
	eventually(t, "direct writes on", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.mu.direct != nil
	})
	stall.TCPConn.Close() // the socket, under the Conn's feet
	if err := c.Send(numbered(1, 0, 1)...); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Lost != 1 {
		t.Fatalf("Stats() after a direct write to a closed socket = %+v; want 1 lost", s)
	}
	if err := c.Send(numbered(1, 1, 1)...); err != nil {
		t.Fatal(err)
	}
	second, r := accept()
	defer second.Close()
	if f, err := r.Next(); err != nil || number(f) != 1 {
		t.Fatalf("first frame on the second connection: %v, %v; want #1", f, err)
	}
	eventually(t, "the write counted", func() bool { return c.Stats().Sent == 1 })
	if s := c.Stats(); s.Lost != 1 {
		t.Errorf("Stats() = %+v; want 1 sent, 1 lost", s)
	}
}

// TestHandlerMoreKept: a Handler called with more true is called again,
// with no frame if the next one will not be delivered after all: the
// connection stopped while the Handler ran, or the next frame is
// malformed (then more is false to begin with).
func TestHandlerMoreKept(t *testing.T) {
	two := frameBytes(numbered(1, 0, 2))
	bad := []byte{0, 0, 0, 3, 0x80, 0, 0} // a channel id not in shortest form
	type call struct {
		n    int // -1: no frame
		more bool
	}
	tests := []struct {
		name string
		wire []byte
		stop func(t *testing.T, ln *Listener) (wait func())
		want []call
	}{
		{"Listener closing", two, func(t *testing.T, ln *Listener) func() {
			done := make(chan error, 1)
			go func() { done <- ln.Close(timeout(t)) }()
			eventually(t, "closing", ln.isClosing)
			return func() {
				if err := <-done; err != nil {
					t.Errorf("Close() = %v", err)
				}
			}
		}, []call{{0, true}, {-1, false}}},
		{"connection replaced", two, func(t *testing.T, ln *Listener) func() {
			ln.mu.Lock()
			old := ln.mu.accepted["P"]
			ln.mu.Unlock()
			rawPeer(t, ln.Addr().String(), appendHello(nil, "P", false))
			eventually(t, "the first connection halted", old.halted)
			return func() { closeListener(t, ln) }
		}, []call{{0, true}, {-1, false}}},
		{"malformed next", append(frameBytes(numbered(1, 0, 1)), bad...), nil, []call{{0, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entered, release := make(chan struct{}, 1), make(chan struct{})
			var mu sync.Mutex
			var calls []call
			ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, func(in Inbound, more bool) {
				c := call{-1, more}
				if in.From != "" {
					c.n = number(in.Frame)
				}
				mu.Lock()
				calls = append(calls, c)
				mu.Unlock()
				if c.n == 0 && tt.stop != nil {
					entered <- struct{}{}
					<-release
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			nc := rawPeer(t, ln.Addr().String(), append(appendHello(nil, "P", false), tt.wire...))
			wait := func() { closeListener(t, ln) }
			if tt.stop != nil {
				<-entered
				wait = tt.stop(t, ln)
				close(release)
			} else {
				closedByPeer(t, nc, "P")
			}
			wait()
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(calls, tt.want) {
				t.Errorf("Handler calls (frame, more) = %v; want %v", calls, tt.want)
			}
		})
	}
}

// wrapFirstDial returns a dial function for WithDialFunc that dials TCP and
// hands the first connection to wrap; the later ones are plain.
func wrapFirstDial(wrap func(*net.TCPConn) net.Conn) func(ctx context.Context, addr string) (net.Conn, error) {
	dials := 0
	return func(ctx context.Context, addr string) (net.Conn, error) {
		var d net.Dialer
		nc, err := d.DialContext(ctx, "tcp", addr)
		if err != nil || dials > 0 {
			return nc, err
		}
		dials++
		return wrap(nc.(*net.TCPConn)), nil
	}
}
