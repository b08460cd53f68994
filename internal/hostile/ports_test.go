// SPDX-License-Identifier: Apache-2.0

package hostile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/node"
)

type (
	hServer struct{}
	hClient struct{}
	hWorker struct{}
)

// broadcastFlow: what a Go channel sends, the server broadcasts to every
// client of its port.
func broadcastFlow(feed <-chan string) (*hydro.Flow, string) {
	f := hydro.NewFlow()
	s := hydro.NewProcess[hServer](f)
	out := hydro.SinkExternal(hydro.SourceChan(s, feed), hydro.NewExternal[hClient](f), hydro.Lines)
	return f, out.Name()
}

// echoFlow: every line a client sends comes back to it, upper-cased.
func echoFlow() (*hydro.Flow, string) {
	f := hydro.NewFlow()
	s := hydro.NewProcess[hServer](f)
	p := hydro.BidiExternal(s, hydro.NewExternal[hClient](f), hydro.Lines, hydro.Lines)
	p.Respond(hydro.MapValues(p.Requests(), strings.ToUpper))
	return f, p.Name()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// closed reports whether the server closed nc within d.
func closedWithin(nc net.Conn, d time.Duration) bool {
	nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, nc)
	return err == nil // EOF: the server closed it
}

// TestChurnBroadcast: 3,000 clients connect to a broadcasting port and
// close at once, from 8 goroutines, while the flow broadcasts to three
// clients that stay. Those receive every message, in order; the heap grows
// by less than 64 MiB; every churning client was taken in.
func TestChurnBroadcast(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	feed := make(chan string)
	f, port := broadcastFlow(feed)
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	stats := &node.PortStats{}
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, stats: stats, logs: logs})
	logs.WaitFor(t, 10*time.Second, "external port listening")

	var stay []*bufio.Reader
	for range 3 {
		nc := dial(t, addr)
		stay = append(stay, bufio.NewReader(nc))
	}
	eventually(t, 10*time.Second, "the three clients taken in", func() bool { return stats.Port(port).Accepted.Load() == 3 })

	h := watchHeap()
	const churners, each = 8, 375
	var churn sync.WaitGroup
	for range churners {
		churn.Go(func() {
			for range each {
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					t.Errorf("dial during churn: %v", err)
					return
				}
				nc.Close()
			}
		})
	}
	// Broadcast while the churn goes on, and after.
	const msgs = 2000
	line := strings.Repeat("m", 200)
	go func() {
		for i := range msgs {
			feed <- strconv.Itoa(i) + " " + line
		}
	}()
	for i, r := range stay {
		for want := range msgs {
			s, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("client %d: after %d messages: %v\n%s", i, want, err, grepLogs(logs.String(), "conn=1 ", "conn=2 ", "conn=3 ", "WARN", "ERROR"))
			}
			if n, _, _ := strings.Cut(s, " "); n != strconv.Itoa(want) {
				t.Fatalf("client %d received message %s; want %d (in order, none lost)", i, n, want)
			}
		}
	}
	churn.Wait()
	grown := h.grown()
	t.Logf("heap grew by %d KiB at most; counters: accepted %d, slow %d, dropped %d", grown>>10,
		stats.Port(port).Accepted.Load(), stats.Port(port).Slow.Load(), stats.Port(port).Dropped.Load())
	if grown > 64<<20 {
		t.Errorf("the heap grew by %d MiB during the churn; want under 64", grown>>20)
	}
	eventually(t, 10*time.Second, "every churning client taken in", func() bool {
		return stats.Port(port).Accepted.Load() == 3+churners*each
	})
}

// TestIdleLargeLines: 60 clients each send one line of 256 KiB, read its
// answer and stay connected, idle. What they hold afterwards is their
// small buffers: the heap, after a collection, is less than 8 MiB above
// where it started (the lines alone were 15 MiB, twice over with the
// answers).
func TestIdleLargeLines(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, port := echoFlow()
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, logs: logs})
	logs.WaitFor(t, 10*time.Second, "external port listening")
	base := liveHeap()
	line := strings.Repeat("l", 256<<10)
	var conns []net.Conn
	for i := range 60 {
		nc := dial(t, addr)
		conns = append(conns, nc)
		if _, err := io.WriteString(nc, line+"\n"); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReaderSize(nc, 4<<10)
		n := 0
		for {
			s, err := r.ReadSlice('\n')
			n += len(s)
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				t.Fatalf("client %d: reading its answer: %v", i, err)
			}
		}
		if n != len(line)+1 {
			t.Fatalf("client %d: answer of %d bytes; want %d", i, n, len(line)+1)
		}
	}
	held := liveHeap() - base
	t.Logf("60 idle clients after a 256 KiB line each hold %d KiB", held>>10)
	if held > 8<<20 {
		t.Errorf("60 idle clients hold %d MiB; want under 8", held>>20)
	}
	for _, nc := range conns {
		nc.Close()
	}
}

// TestStalledFrame: a client that stops halfway through a message is
// closed once FrameTimeout has passed since it began, and counted; the
// port serves a well-behaved client meanwhile and after.
func TestStalledFrame(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, port := echoFlow()
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	stats := &node.PortStats{}
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, stats: stats, logs: logs, lim: node.PortLimits{FrameTimeout: 300 * time.Millisecond}})
	logs.WaitFor(t, 10*time.Second, "external port listening")

	stall := dial(t, addr)
	io.WriteString(stall, "ok\nhalf a li") // one message, then half of one
	good := dial(t, addr)
	gr := bufio.NewReader(good)
	start := time.Now()
	for i := range 5 {
		io.WriteString(good, "hi\n")
		good.SetReadDeadline(time.Now().Add(5 * time.Second))
		if s, err := gr.ReadString('\n'); err != nil || s != "HI\n" {
			t.Fatalf("good client, request %d: %q, %v", i, s, err)
		}
		time.Sleep(100 * time.Millisecond) // well within the timeout each time
	}
	if !closedWithin(stall, 5*time.Second) {
		t.Fatal("the stalled client is still open 5 s later")
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("closed after %v; want FrameTimeout (300 ms) first", d)
	}
	logs.WaitFor(t, 5*time.Second, `msg="closing client: message not finished in time"`)
	if n := stats.Port(port).TimedOut.Load(); n != 1 {
		t.Errorf("TimedOut = %d; want 1", n)
	}
	io.WriteString(good, "after\n")
	if s, err := gr.ReadString('\n'); err != nil || s != "AFTER\n" {
		t.Errorf("good client after the close: %q, %v", s, err)
	}
}

// TestIdleClient: with IdleTimeout, a client that sends nothing is closed;
// one that keeps sending is not.
func TestIdleClient(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, port := echoFlow()
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	stats := &node.PortStats{}
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, stats: stats, logs: logs, lim: node.PortLimits{IdleTimeout: 300 * time.Millisecond}})
	logs.WaitFor(t, 10*time.Second, "external port listening")
	idle, busy := dial(t, addr), dial(t, addr)
	br := bufio.NewReader(busy)
	for range 8 {
		io.WriteString(busy, "x\n")
		busy.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatalf("the busy client was closed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !closedWithin(idle, 5*time.Second) {
		t.Fatal("the idle client is still open")
	}
	if n := stats.Port(port).TimedOut.Load(); n != 1 {
		t.Errorf("TimedOut = %d; want 1 (the idle client only)", n)
	}
}

// TestMaxClients: a port at MaxClients accepts no more; the client
// waiting in the accept queue is taken in, and answered, once one leaves.
func TestMaxClients(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, port := echoFlow()
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	stats := &node.PortStats{}
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, stats: stats, logs: logs, lim: node.PortLimits{MaxClients: 2}})
	logs.WaitFor(t, 10*time.Second, "external port listening")
	a, b := dial(t, addr), dial(t, addr)
	eventually(t, 5*time.Second, "two clients in", func() bool { return stats.Port(port).Accepted.Load() == 2 })
	c := dial(t, addr) // the kernel completes the handshake; the port waits
	io.WriteString(c, "third\n")
	cr := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if s, err := cr.ReadString('\n'); err == nil {
		t.Fatalf("the third client got %q with the port full", s)
	}
	if stats.Port(port).Full.Load() == 0 {
		t.Error("Full = 0; want the port to have counted that it was full")
	}
	a.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if s, err := cr.ReadString('\n'); err != nil || s != "THIRD\n" {
		t.Fatalf("third client after one left: %q, %v", s, err)
	}
	io.WriteString(b, "b\n")
	if s, err := bufio.NewReader(b).ReadString('\n'); err != nil || s != "B\n" {
		t.Errorf("b: %q, %v", s, err)
	}
}

// TestSinkAfterDial: a client whose Dial returned receives the very next
// value the flow broadcasts, round after round.
func TestSinkAfterDial(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	feed := make(chan string)
	f, port := broadcastFlow(feed)
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, logs: logs})
	logs.WaitFor(t, 10*time.Second, "external port listening")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 50 {
		c, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint("round ", i)
		feed <- want
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		got, err := c.Receive(rctx)
		rcancel()
		c.Close()
		if err != nil || got != want {
			t.Fatalf("round %d: the client received %q, %v; want %q", i, got, err, want)
		}
	}
}

// TestRelayHalfClose: a client sends 100 lines through a port whose flow
// answers from another node, half-closes at once, and still receives
// every answer before the port closes.
func TestRelayHalfClose(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f := hydro.NewFlow()
	s := hydro.NewProcess[hServer](f)
	w := hydro.NewProcess[hWorker](f)
	p := hydro.BidiExternal(s, hydro.NewExternal[hClient](f), hydro.Lines, hydro.Lines)
	there := hydro.Send(p.Requests().Entries(), w)
	upper := hydro.Map(there, func(kv hydro.KV[hydro.ConnID, string]) hydro.KV[hydro.ConnID, string] {
		kv.Val = strings.ToUpper(kv.Val)
		return kv
	})
	p.Respond(hydro.IntoKeyed(hydro.Send(upper, s)))
	fe := newFleet(t, f, nil, "hServer", "hWorker")
	addr := freeAddr(t)
	logs := &fleettest.Output{}
	fe.start("hWorker", opts{})
	fe.start("hServer", opts{ports: map[string]string{p.Name(): addr}, logs: logs})
	logs.WaitFor(t, 10*time.Second, "external port listening")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var lines []string
	for i := range 100 {
		lines = append(lines, fmt.Sprint("line ", i))
	}
	if err := c.Send(lines...); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		got, err := c.Receive(ctx)
		if want := strings.ToUpper(lines[i]); err != nil || got != want {
			t.Fatalf("answer %d = %q, %v; want %q", i, got, err, want)
		}
	}
	if _, err := c.Receive(ctx); err != io.EOF {
		t.Errorf("after the answers: %v; want io.EOF once the port closes", err)
	}
}
