// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/transport"
)

// These tests drive the port shell with bindings made by hand over a dfir
// graph, as lowering makes them; the language's ports are tested end to
// end in the root package and the examples.

func TestMessageReaderLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want []string
		err  error // after the messages
	}{
		{in: "", max: 8, err: io.EOF},
		{in: "a\nbb\n", max: 8, want: []string{"a", "bb"}, err: io.EOF},
		{in: "a\r\n\r\n\n", max: 8, want: []string{"a", "", ""}, err: io.EOF},
		{in: "last", max: 8, want: []string{"last"}, err: io.EOF},
		{in: "12345678\n", max: 8, want: []string{"12345678"}, err: io.EOF},
		{in: "12345678\r\n", max: 8, want: []string{"12345678"}, err: io.EOF},
		{in: "ok\n123456789\nnever\n", max: 8, want: []string{"ok"}, err: ErrMessageTooLarge},
		{in: "123456789", max: 8, err: ErrMessageTooLarge},
		{in: strings.Repeat("x", 3*messageReadBuf) + "\n", max: 4 * messageReadBuf, want: []string{strings.Repeat("x", 3*messageReadBuf)}, err: io.EOF},
	} {
		got, err := readAll(NewMessageReader(strings.NewReader(tc.in), compile.FrameLines, tc.max))
		if !equal(got, tc.want) || !errors.Is(err, tc.err) {
			t.Errorf("lines %.20q (max %d) = %q, %v; want %q, %v", tc.in, tc.max, got, err, tc.want, tc.err)
		}
	}
}

func TestMessageReaderPrefixed(t *testing.T) {
	frame := func(s string) string {
		return string(AppendMessage(nil, compile.FrameLength, []byte(s)))
	}
	for _, tc := range []struct {
		in   string
		want []string
		err  error
	}{
		{in: "", err: io.EOF},
		{in: frame("a") + frame("") + frame("12345678"), want: []string{"a", "", "12345678"}, err: io.EOF},
		{in: frame("123456789"), err: ErrMessageTooLarge},
		{in: "\xff\xff\xff\xff", err: ErrMessageTooLarge},
		{in: frame("abc")[:5], err: io.ErrUnexpectedEOF},
		{in: "\x00\x00", err: io.ErrUnexpectedEOF},
	} {
		got, err := readAll(NewMessageReader(strings.NewReader(tc.in), compile.FrameLength, 8))
		if !equal(got, tc.want) || !errors.Is(err, tc.err) {
			t.Errorf("prefixed %q = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// A line over the limit is refused as soon as its bytes arrive, without
// waiting for the rest of the stream.
func TestMessageReaderRefusesEarly(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	go func() { _, _ = pw.Write([]byte(strings.Repeat("x", 100))) }() // then nothing, and no EOF
	_, err := NewMessageReader(pr, compile.FrameLines, 50).Next()
	if !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("Next = %v; want ErrMessageTooLarge", err)
	}
}

// Whatever the input, messages stay within the limit and lines hold no
// newline; a length-prefixed stream read to its end re-encodes to itself.
func FuzzMessageReader(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), true)
	f.Add(AppendMessage(AppendMessage(nil, compile.FrameLength, []byte("xy")), compile.FrameLength, nil), false)
	f.Fuzz(func(t *testing.T, in []byte, lines bool) {
		fr := compile.FrameLength
		if lines {
			fr = compile.FrameLines
		}
		r := NewMessageReader(bytes.NewReader(in), fr, 64)
		var re []byte
		for {
			msg, err := r.Next()
			if err != nil {
				if err == io.EOF && !lines && !bytes.Equal(re, in) {
					t.Fatalf("read %q back as %q", in, re)
				}
				return
			}
			if len(msg) > 64 || (lines && bytes.IndexByte(msg, '\n') >= 0) {
				t.Fatalf("message %q: over the limit, or a line with a newline", msg)
			}
			re = AppendMessage(re, fr, msg)
		}
	})
}

func readAll(r *MessageReader) ([]string, error) {
	var got []string
	for {
		msg, err := r.Next()
		if err != nil {
			return got, err
		}
		got = append(got, string(msg))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// portNode is a node serving one port by hand: what clients send is
// transformed by answer and sent back (to the sender on a bidi port, to
// everyone on an out port), and every event is recorded.
type portNode struct {
	addr   string
	mu     sync.Mutex
	events []string
	stop   func() error
	logs   *fleettest.Output
}

type msgIn struct {
	conn uint64
	msg  string
}

// startPort runs a node with one port of kind k, framed as fr both ways.
// A message "bad" does not decode.
func startPort(t *testing.T, k compile.PortKind, fr compile.Framing, answer func(string) string) *portNode {
	t.Helper()
	return startPortWith(t, k, fr, answer, nil)
}

// startPortWith is startPort with the node's configuration changed by
// config, if not nil.
func startPortWith(t *testing.T, k compile.PortKind, fr compile.Framing, answer func(string) string, config func(*Node)) *portNode {
	t.Helper()
	g := dfir.New()
	in, evs := dfir.SourceInput[msgIn](g) // messages and events, in push order
	pn := &portNode{logs: &fleettest.Output{}}
	evs = dfir.Inspect(evs, func(m msgIn) {
		pn.mu.Lock()
		pn.events = append(pn.events, fmt.Sprintf("%d %s", m.conn, m.msg))
		pn.mu.Unlock()
	})
	answers := dfir.FilterMap(evs, func(m msgIn) (msgIn, bool) {
		text, ok := strings.CutPrefix(m.msg, "msg ")
		return msgIn{m.conn, answer(text)}, ok
	})
	out := dfir.SinkOutput(answers)
	b := &compile.PortBinding{Name: "P", Kind: k, In: fr, Out: fr, MaxMessage: 64,
		Receive: func(conn uint64, msg []byte) error {
			if string(msg) == "bad" {
				return errors.New("undecodable")
			}
			in.Push(msgIn{conn, "msg " + string(msg)})
			return nil
		},
		Drain: func(send func(uint64, []byte)) error {
			for _, m := range out.Drain(nil) {
				if k == compile.PortOut {
					m.conn = 0
				}
				send(m.conn, []byte(m.msg))
			}
			return nil
		},
	}
	if k == compile.PortBidi {
		b.Connect = func(c uint64) { in.Push(msgIn{c, "connect"}) }
		b.Disconnect = func(c uint64) { in.Push(msgIn{c, "disconnect"}) }
	}
	if k == compile.PortOut {
		b.Receive = nil // fed by a second port instead: see below
	}
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	addrs, err := launch.FreeAddrs(2, 0)
	if err != nil {
		t.Fatal(err)
	}
	pn.addr = addrs[1]
	cg := &compile.Graph{Graph: g, Handles: map[any]any{}, Inboxes: map[uint32]compile.Inbox{}, Ports: []*compile.PortBinding{b}}
	if k == compile.PortOut {
		// Whatever arrives on a second, inbound port is broadcast.
		cg.Ports = append(cg.Ports, &compile.PortBinding{Name: "Feed", Kind: compile.PortIn, In: fr, MaxMessage: 64,
			Receive: func(conn uint64, msg []byte) error { in.Push(msgIn{0, "msg " + string(msg)}); return nil }})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(pn.logs, nil))
	self := Node{Name: "Server", Addr: addrs[0], Ports: map[string]string{"P": addrs[1]}, Logger: log, Limits: testLimits}
	if config != nil {
		config(&self)
	}
	go func() { done <- Run(ctx, cg, self, nil) }()
	var once sync.Once
	var runErr error
	pn.stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := pn.stop(); err != nil {
			t.Errorf("Run = %v", err)
		}
	})
	pn.logs.WaitFor(t, 10*time.Second, "external port listening")
	return pn
}

func (pn *portNode) seen() []string {
	pn.mu.Lock()
	defer pn.mu.Unlock()
	return append([]string(nil), pn.events...)
}

// waitEvents waits until the flow has seen, for each connection, the
// events want lists for it (connections interleave in any order).
func waitEvents(t *testing.T, pn *portNode, want map[uint64][]string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := map[uint64][]string{}
		for _, e := range pn.seen() {
			var conn uint64
			var what string
			fmt.Sscanf(e, "%d", &conn)
			_, what, _ = strings.Cut(e, " ")
			got[conn] = append(got[conn], what)
		}
		ok := len(got) == len(want)
		for c, w := range want {
			ok = ok && equal(got[c], w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %v; want %v", got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	return nc
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	s, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: %v (got %q)", err, s)
	}
	return strings.TrimSuffix(s, "\n")
}

func TestPortBidi(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	pn := startPort(t, compile.PortBidi, compile.FrameLines, strings.ToUpper)
	a := dial(t, pn.addr)
	waitEvents(t, pn, map[uint64][]string{1: {"connect"}}) // a is 1, b is 2
	b := dial(t, pn.addr)
	ar, br := bufio.NewReader(a), bufio.NewReader(b)
	io.WriteString(a, "hello\nworld\n")
	if got := readLine(t, ar) + " " + readLine(t, ar); got != "HELLO WORLD" {
		t.Errorf("a got %q", got)
	}
	io.WriteString(b, "b\r\n")
	if got := readLine(t, br); got != "B" {
		t.Errorf("b got %q", got)
	}

	// Undecodable: closed, with a log line, and the flow told.
	io.WriteString(b, "bad\nb2\n")
	if s, err := br.ReadString('\n'); err == nil {
		t.Errorf("b got %q after a bad message; want the connection closed", s)
	}
	pn.logs.WaitFor(t, 10*time.Second, `msg="closing client: bad input" port=P conn=2`)

	// Too long: the same.
	c := dial(t, pn.addr)
	io.WriteString(c, strings.Repeat("x", 100))
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		t.Error("c got an answer to an oversized line; want the connection closed")
	}
	pn.logs.WaitFor(t, 10*time.Second, `msg="closing client: bad input" port=P conn=3`)

	// a is still served; its half-close still gets the answer.
	io.WriteString(a, "last")
	a.(*net.TCPConn).CloseWrite()
	rest, err := io.ReadAll(ar)
	if err != nil || string(rest) != "LAST\n" {
		t.Errorf("a's last answer = %q, %v; want %q", rest, err, "LAST\n")
	}
	waitEvents(t, pn, map[uint64][]string{
		1: {"connect", "msg hello", "msg world", "msg last", "disconnect"},
		2: {"connect", "msg b", "disconnect"},
		3: {"connect", "disconnect"},
	})
	if err := pn.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestPortOutBroadcasts(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	pn := startPort(t, compile.PortOut, compile.FrameLength, func(s string) string { return s + "!" })
	a, b := dial(t, pn.addr), dial(t, pn.addr)
	pn.logs.WaitFor(t, 10*time.Second, "conn=2")
	feed := strings.Split(strings.Split(pn.logs.String(), `port=Feed addr=`)[1], " ")[0]
	f := dial(t, feed)
	f.Write(AppendMessage(AppendMessage(nil, compile.FrameLength, []byte("x")), compile.FrameLength, []byte("y")))
	for _, c := range []net.Conn{a, b} {
		r := NewMessageReader(c, compile.FrameLength, 64)
		for _, want := range []string{"x!", "y!"} {
			if got, err := r.Next(); err != nil || string(got) != want {
				t.Errorf("received %q, %v; want %q", got, err, want)
			}
		}
	}
	if err := pn.stop(); err != nil {
		t.Fatal(err)
	}
}

// Stopping the node closes its clients and leaves no goroutine behind.
func TestPortStop(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	pn := startPort(t, compile.PortBidi, compile.FrameLength, strings.ToUpper)
	a := dial(t, pn.addr)
	a.Write(AppendMessage(nil, compile.FrameLength, []byte("q")))
	r := NewMessageReader(a, compile.FrameLength, 64)
	if got, err := r.Next(); err != nil || string(got) != "Q" {
		t.Fatalf("received %q, %v; want Q", got, err)
	}
	if err := pn.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil {
		t.Error("the client is still connected after the node stopped")
	}
}

func TestPortListenError(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	g := dfir.New()
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	cg := &compile.Graph{Graph: g, Handles: map[any]any{}, Inboxes: map[uint32]compile.Inbox{},
		Ports: []*compile.PortBinding{{Name: "P", Kind: compile.PortIn, In: compile.FrameLines, MaxMessage: 8, Receive: func(uint64, []byte) error { return nil }}}}
	err = Run(context.Background(), cg, Node{Name: "Server", Addr: "127.0.0.1:0", Ports: map[string]string{"P": taken.Addr().String()}, Limits: testLimits}, nil)
	if err == nil || !strings.Contains(err.Error(), "external port P") {
		t.Fatalf("Run = %v; want an error naming the port", err)
	}
}

var testLimits = transport.DefaultLimits

// A client that does not read while the flow keeps answering is closed
// once what waits for it passes the bound; the node does not grow.
func TestPortSlowClient(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	big := strings.Repeat("y", 1<<20)
	pn := startPort(t, compile.PortBidi, compile.FrameLines, func(string) string { return big })
	slow := dial(t, pn.addr) // never reads
	for range 3 * DefaultClientQueueBytes / len(big) {
		if _, err := io.WriteString(slow, "q\n"); err != nil {
			break // closed already
		}
	}
	pn.logs.WaitFor(t, 10*time.Second, `msg="closing client: too slow" port=P conn=1`)
	// The flow is told, after the messages it took before the close.
	deadline := time.Now().Add(10 * time.Second)
	for got := pn.seen(); !slices.Equal(got[len(got)-1:], []string{"1 disconnect"}); got = pn.seen() {
		if time.Now().After(deadline) {
			t.Fatalf("events %q; want the last to be 1's disconnect", got)
		}
		time.Sleep(time.Millisecond)
	}
	if err := pn.stop(); err != nil {
		t.Fatal(err)
	}
}
