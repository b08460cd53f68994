// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// TestRoundTripInOrder: two peers send many frames in batches of varied
// sizes at once; each peer's frames arrive complete and in order.
func TestRoundTripInOrder(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	defer closeListener(t, ln)
	const n = 5000
	peers := []string{"Worker/0", "Worker/1"}
	var wg sync.WaitGroup
	for i, peer := range peers {
		wg.Go(func() {
			c := Dial(t.Context(), ln.Addr().String(), peer, transport.DefaultLimits, nil, fast)
			sendAll(t, c, uint32(i), 0, n)
			closeConn(t, c)
			if s := c.Stats(); s.Sent != n || s.Lost != 0 || s.Connects != 1 {
				t.Errorf("%s: Stats() = %+v; want %d sent, none lost, 1 connect", peer, s, n)
			}
		})
	}
	got := map[string][]Inbound{}
	for _, in := range receive(t, ln, 2*n) {
		got[in.From] = append(got[in.From], in)
	}
	wg.Wait()
	for i, peer := range peers {
		checkNumbers(t, got[peer], peer, 0)
		if len(got[peer]) != n || got[peer][0].Frame.Channel != uint32(i) {
			t.Errorf("%s: %d frames on channel %d; want %d on %d", peer, len(got[peer]), got[peer][0].Frame.Channel, n, i)
		}
	}
}

// TestLatePeer: frames sent before the peer listens wait in the queue and
// arrive, in order, once the redials reach it.
func TestLatePeer(t *testing.T) {
	addr := freeAddr(t)
	logger, logs := newRecorder()
	c := Dial(t.Context(), addr, "Early", transport.DefaultLimits, logger, fast)
	for i := range 10 {
		if err := c.Send(numbered(0, 10*i, 10)...); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the dialer has failed a few times", func() bool { return len(logs.find("dial failed")) >= unreachableFailures+1 })
	if s := c.Stats(); s.Connected || s.QueuedFrames != 100 {
		t.Errorf("Stats() before the peer listens = %+v; want 100 frames queued, not connected", s)
	}
	ln := listen(t, addr, nil)
	defer closeListener(t, ln)
	checkNumbers(t, receive(t, ln, 100), "Early", 0)
	closeConn(t, c)
	if got := logs.find("INFO tcp: peer not reachable; retrying"); len(got) != 1 {
		t.Errorf("logged %d 'not reachable' records; want 1 (the rest at DEBUG):\n%s", len(got), logs)
	}
}

// TestPeerRestart: the listener goes away and comes back on the same
// address; the Conn notices, reconnects, and sends what was queued.
func TestPeerRestart(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	addr := ln.Addr().String()
	c := Dial(t.Context(), addr, "Sender", transport.DefaultLimits, nil, fast)
	if err := c.Send(numbered(0, 0, 10)...); err != nil {
		t.Fatal(err)
	}
	checkNumbers(t, receive(t, ln, 10), "Sender", 0)
	closeListener(t, ln)
	eventually(t, "the Conn sees the peer gone", func() bool { return !c.Stats().Connected })
	if err := c.Send(numbered(0, 10, 10)...); err != nil {
		t.Fatal(err)
	}
	ln = listen(t, addr, nil)
	defer closeListener(t, ln)
	checkNumbers(t, receive(t, ln, 10), "Sender", 10)
	closeConn(t, c)
	if s := c.Stats(); s.Connects != 2 || s.Lost != 0 || s.Sent != 20 {
		t.Errorf("Stats() = %+v; want 2 connects, 20 sent, none lost", s)
	}
}

// TestStateFunc: WithStateFunc reports each connection coming up and
// going down, in order, as the peer stops and starts again, after Stats
// says so.
func TestStateFunc(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	addr := ln.Addr().String()
	states := make(chan bool, 10)
	c := Dial(t.Context(), addr, "Sender", transport.DefaultLimits, nil, fast, WithStateFunc(func(up bool) { states <- up }))
	next := func(want bool) {
		t.Helper()
		select {
		case up := <-states:
			if up != want {
				t.Fatalf("state %v; want %v", up, want)
			}
		case <-time.After(testTimeout):
			t.Fatalf("no state %v reported within %v", want, testTimeout)
		}
	}
	next(true)
	closeListener(t, ln)
	next(false)
	if s := c.Stats(); s.Connected || s.Connects != 1 {
		t.Errorf("Stats() = %+v after the state went down; want not connected, 1 connect", s)
	}
	ln = listen(t, addr, nil)
	defer closeListener(t, ln)
	next(true)
	closeConn(t, c)
	next(false)
	select {
	case up := <-states:
		t.Errorf("state %v reported after Close", up)
	default:
	}
}

// rawPeer connects without a Conn, to say anything at all.
func rawPeer(t *testing.T, addr string, wire []byte) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	if _, err := nc.Write(wire); err != nil {
		t.Fatal(err)
	}
	return nc
}

// closedByPeer checks the listener closed nc.
func closedByPeer(t *testing.T, nc net.Conn, who string) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(testTimeout))
	if n, err := nc.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		t.Errorf("%s: Read() = %d, %v; want the listener to close the connection", who, n, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestHostileClients: connections that send garbage, a huge length or a
// malformed frame are closed and logged with the problem; a well-behaved
// peer is served before, during and after.
func TestHostileClients(t *testing.T) {
	logger, logs := newRecorder()
	ln := listen(t, "127.0.0.1:0", logger)
	defer closeListener(t, ln)
	addr := ln.Addr().String()
	good := Dial(t.Context(), addr, "Good/0", transport.DefaultLimits, nil, fast)
	defer closeConn(t, good)
	good.Send(numbered(0, 0, 5)...)
	checkNumbers(t, receive(t, ln, 5), "Good/0", 0)

	valid := transport.AppendFrame(nil, transport.Frame{Channel: 9, Payload: []byte{0x80}})
	hostile := []struct {
		who, wire, log string
	}{
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "ERROR tcp: refusing connection"},
		{"Huge/1", string(appendHello(nil, "Huge/1", false)) + string(valid) + "\xff\xff\xff\xff",
			"ERROR tcp: closing connection: bad frame"},
		{"Bad/2", string(appendHello(nil, "Bad/2", false)) + "\x00\x00\x00\x03\x80\x00\x00",
			"ERROR tcp: closing connection: bad frame"},
	}
	var conns []net.Conn
	for _, h := range hostile {
		conns = append(conns, rawPeer(t, addr, []byte(h.wire)))
	}
	for i, h := range hostile {
		closedByPeer(t, conns[i], h.who)
	}
	for _, want := range []struct{ parts []string }{
		{[]string{hostile[0].log, "remote=127.0.0.1:", `err=not a hydro peer: hello starts with "GET /"`}},
		{[]string{hostile[1].log, "peer=Huge/1", "err=transport: frame length 4294967299 exceeds MaxFrameBytes 16777216"}},
		{[]string{hostile[2].log, "peer=Bad/2", "err=transport: channel id is not in shortest form"}},
	} {
		if len(logs.find(want.parts...)) != 1 {
			t.Errorf("no log record with %q; got:\n%s", want.parts, logs)
		}
	}
	// Huge/1's valid frame before its bad one was delivered.
	if in := receive(t, ln, 1)[0]; in.From != "Huge/1" || in.Frame.Channel != 9 {
		t.Errorf("received %s ch %d; want Huge/1's valid frame on channel 9", in.From, in.Frame.Channel)
	}
	good.Send(numbered(0, 5, 5)...)
	checkNumbers(t, receive(t, ln, 5), "Good/0", 5)
	if s := good.Stats(); s.Connects != 1 {
		t.Errorf("good peer Stats() = %+v; want its one connection untouched", s)
	}
}

// TestPeerConnectsAgain: a second connection under a peer's name replaces
// the first, which is closed; the second delivers after the first stopped.
func TestPeerConnectsAgain(t *testing.T) {
	logger, logs := newRecorder()
	ln := listen(t, "127.0.0.1:0", logger)
	defer closeListener(t, ln)
	addr := ln.Addr().String()
	hello := appendHello(nil, "Twin", false)
	one := frameBytes(numbered(0, 0, 3))
	first := rawPeer(t, addr, append(hello, one...))
	checkNumbers(t, receive(t, ln, 3), "Twin", 0)
	rawPeer(t, addr, append(hello, frameBytes(numbered(0, 3, 3))...))
	closedByPeer(t, first, "first Twin")
	checkNumbers(t, receive(t, ln, 3), "Twin", 3)
	if len(logs.find("WARN tcp: peer connected again", "peer=Twin")) != 1 {
		t.Errorf("no warning about the replaced connection:\n%s", logs)
	}
}

func frameBytes(frames []transport.Frame) []byte {
	var b []byte
	for _, f := range frames {
		b = transport.AppendFrame(b, f)
	}
	return b
}

func TestSendErrors(t *testing.T) {
	l := transport.DefaultLimits
	l.MaxFrameBytes = 1 << 10
	c := Dial(t.Context(), freeAddr(t), "Lonely", l, nil, fast, WithQueueBytes(1000))
	err := c.Send(transport.Frame{Payload: make([]byte, 1<<10)})
	if !errors.Is(err, transport.ErrFrameTooLarge) || !strings.HasPrefix(err.Error(), "tcp: send to ") {
		t.Errorf("Send(oversized) = %v; want tcp: ... ErrFrameTooLarge", err)
	}
	if err := c.Send(transport.Frame{Payload: make([]byte, 600)}); err != nil {
		t.Errorf("Send(600 bytes) = %v; want nil", err)
	}
	err = c.Send(transport.Frame{Payload: make([]byte, 600)})
	if !errors.Is(err, ErrBackpressure) || !strings.Contains(err.Error(), "send 606 bytes to "+c.Addr()+" with 606 of 1000 queued") {
		t.Errorf("Send(600 more bytes) = %v; want ErrBackpressure naming the counts", err)
	}
	if s := c.Stats(); s.QueuedFrames != 1 || s.QueuedBytes != 606 {
		t.Errorf("Stats() = %+v; want the first frame queued alone", s)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err = c.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "1 frames lost") {
		t.Errorf("Close() with the peer absent = %v; want DeadlineExceeded and 1 frame lost", err)
	}
	if err := c.Send(transport.Frame{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send() after Close = %v; want ErrClosed", err)
	}
	if err := c.Close(t.Context()); err == nil {
		t.Errorf("second Close() = nil; want the same loss reported")
	}
}

// TestLargeSendIntoEmptyQueue: a call larger than the queue bound goes
// through when nothing else waits.
func TestLargeSendIntoEmptyQueue(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Big", transport.DefaultLimits, nil, fast, WithQueueBytes(16))
	defer closeConn(t, c)
	if err := c.Send(numbered(0, 0, 100)...); err != nil {
		t.Fatalf("Send(100 frames) into an empty queue = %v", err)
	}
	checkNumbers(t, receive(t, ln, 100), "Big", 0)
}

// TestDialContextEnds: when Dial's context ends the Conn stops; Sends fail
// and Close reports what was lost.
func TestDialContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c := Dial(ctx, freeAddr(t), "Doomed", transport.DefaultLimits, nil, fast)
	c.Send(numbered(0, 0, 3)...)
	cancel()
	eventually(t, "Send fails", func() bool { return errors.Is(c.Send(transport.Frame{}), ErrClosed) })
	err := c.Close(timeout(t))
	lost := c.Stats().Lost // 3, and the frames of the Sends that raced with the stop
	if !errors.Is(err, context.Canceled) || lost < 3 || !strings.Contains(err.Error(), fmt.Sprintf("%d frames lost", lost)) {
		t.Errorf("Close() = %v with Stats().Lost = %d; want context.Canceled with 3 or more frames lost", err, lost)
	}
}

// TestCloseWithStuckConsumer: nobody reads Inbound and a peer keeps
// sending; Close still ends everything, and Inbound is closed.
func TestCloseWithStuckConsumer(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	c := Dial(t.Context(), ln.Addr().String(), "Flood", transport.DefaultLimits, nil, fast, WithQueueBytes(1<<16))
	for c.Stats().Sent < 2*inboundBuffer {
		if err := c.Send(numbered(0, 0, 64)...); err != nil && !errors.Is(err, ErrBackpressure) {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Microsecond)
	}
	closeListener(t, ln)
	n := 0
	for range ln.Inbound() {
		n++
	}
	if n > inboundBuffer {
		t.Errorf("Inbound held %d frames; want at most its capacity %d", n, inboundBuffer)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	c.Close(ctx) // may or may not flush: the peer is gone
}

// TestCloseIdle: closing what never carried anything is immediate.
func TestCloseIdle(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	c := Dial(t.Context(), freeAddr(t), "Idle", transport.DefaultLimits, nil, fast)
	start := time.Now()
	closeConn(t, c)
	closeListener(t, ln)
	if d := time.Since(start); d > time.Second {
		t.Errorf("closing idle Conn and Listener took %v", d)
	}
	if _, ok := <-ln.Inbound(); ok {
		t.Errorf("Inbound() not closed after Close")
	}
}

func TestListenErrors(t *testing.T) {
	if _, err := Listen(t.Context(), "127.0.0.1:0", transport.Limits{}, nil); err == nil || !strings.HasPrefix(err.Error(), "tcp: listen on") {
		t.Errorf("Listen(zero Limits) = %v; want a tcp: error", err)
	}
	ln := listen(t, "127.0.0.1:0", nil)
	defer closeListener(t, ln)
	if _, err := Listen(t.Context(), ln.Addr().String(), transport.DefaultLimits, nil); err == nil {
		t.Errorf("Listen(address in use) = nil error")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Dial with an empty name did not panic")
		}
	}()
	Dial(t.Context(), "127.0.0.1:1", "", transport.DefaultLimits, nil)
}
