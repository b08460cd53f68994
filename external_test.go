// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// The tests of this file are inside the package: the deployed ones lower
// one process and run it with deploy.Run, as a node started by Main would.

type extServer struct{}
type extClient struct{}
type extFeed struct{}

// sum is a request of the calculator below.
type sum struct {
	A, B int
}

// calculator answers each sum request with A+B, counting each
// connection's requests; it also passes lines from a SourceExternal port
// to a SinkExternal one, upper-cased.
type calculator struct {
	f      *Flow
	server *Process[extServer]
	calc   *BidiPort[sum, int, extServer]
	feed   *InPort[string]
	news   *OutPort[string]
	seen   *Output[KV[ConnID, ConnEvent]]
}

func newCalculator() *calculator {
	f := NewFlow()
	c := &calculator{f: f, server: NewProcess[extServer](f)}
	clients := NewExternal[extClient](f)
	c.calc = BidiExternal(c.server, clients, CBOR[sum](), CBOR[int]())
	c.calc.Respond(MapValues(c.calc.Requests(), func(s sum) int { return s.A + s.B }))
	c.seen = NewOutput(c.calc.Events().Entries())
	feeds := NewExternal[extFeed](f)
	var lines Stream[string, *Process[extServer]]
	c.feed, lines = SourceExternal(c.server, feeds, Lines)
	c.news = SinkExternal(Map(lines, strings.ToUpper), feeds, Lines)
	return c
}

func TestExternalLocal(t *testing.T) {
	c := newCalculator()
	r := MustLocal(c.f)
	a, b := c.calc.Connect(r), c.calc.Connect(r)
	a.Send(sum{1, 2}, sum{3, 4})
	b.Send(sum{10, 20})
	r.RunAvailable()
	if got, want := a.Receive(), []int{3, 7}; !slices.Equal(got, want) {
		t.Errorf("a received %v; want %v", got, want)
	}
	if got, want := b.Receive(), []int{30}; !slices.Equal(got, want) {
		t.Errorf("b received %v; want %v", got, want)
	}
	b.Close()
	b.Close()
	r.RunAvailable()
	want := []KV[ConnID, ConnEvent]{{Key: 1, Val: Connected}, {Key: 2, Val: Connected}, {Key: 2, Val: Disconnected}}
	if got := c.seen.Drain(r); !slices.Equal(got, want) {
		t.Errorf("events %v; want %v", got, want)
	}
	if a.ID() != 1 || b.ID() != 2 {
		t.Errorf("ids %d, %d; want 1, 2", a.ID(), b.ID())
	}

	// One-way ports: a listener hears what is fed after it connects.
	early := c.news.Connect(r)
	feeder := c.feed.Connect(r)
	feeder.Send("one")
	r.RunAvailable()
	late := c.news.Connect(r)
	feeder.Send("two")
	r.RunAvailable()
	if got, want := early.Receive(), []string{"ONE", "TWO"}; !slices.Equal(got, want) {
		t.Errorf("early listener received %q; want %q", got, want)
	}
	if got, want := late.Receive(), []string{"TWO"}; !slices.Equal(got, want) {
		t.Errorf("late listener received %q; want %q", got, want)
	}
	if got := feeder.Receive(); len(got) != 0 {
		t.Errorf("a client of an in port received %v", got)
	}
}

// What is sent to a client that closed before the tick's answers were
// handed out is dropped.
func TestExternalLocalClosedClient(t *testing.T) {
	c := newCalculator()
	r := MustLocal(c.f)
	a := c.calc.Connect(r)
	a.Send(sum{1, 1})
	r.RunAvailable()
	a.Close()
	a.Send(sum{2, 2})
	r.RunAvailable()
	if got, want := a.Receive(), []int{2}; !slices.Equal(got, want) {
		t.Errorf("received %v; want %v: what came before Close", got, want)
	}
}

func TestCodecs(t *testing.T) {
	type pair struct {
		K string `cbor:"k"`
		V []int  `cbor:"v"`
	}
	roundTrip := func(name string, ok bool, enc func() ([]byte, error), dec func([]byte) (any, error), want any) {
		t.Helper()
		msg, err := enc()
		if (err == nil) != ok {
			t.Errorf("%s: encode error %v; want ok=%v", name, err, ok)
			return
		}
		if !ok {
			return
		}
		got, err := dec(msg)
		if err != nil || !equalAny(got, want) {
			t.Errorf("%s: decode(encode) = %v, %v; want %v", name, got, err, want)
		}
	}
	roundTrip("lines", true, func() ([]byte, error) { return Lines.encode(nil, "héllo") }, func(b []byte) (any, error) { return Lines.decode(b) }, "héllo")
	roundTrip("lines with a newline", false, func() ([]byte, error) { return Lines.encode(nil, "a\nb") }, nil, nil)
	roundTrip("bytes", true, func() ([]byte, error) { return Bytes.encode(nil, []byte{0, 1, '\n'}) }, func(b []byte) (any, error) { return Bytes.decode(b) }, []byte{0, 1, '\n'})
	p := CBOR[pair]()
	roundTrip("cbor", true, func() ([]byte, error) { return p.encode(nil, pair{"x", []int{1, -2}}) }, func(b []byte) (any, error) { return p.decode(b) }, pair{"x", []int{1, -2}})
	ch := CBOR[chan int]()
	roundTrip("cbor of a channel", false, func() ([]byte, error) { return ch.encode(nil, make(chan int)) }, nil, nil)

	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"empty", nil},
		{"trailing bytes", []byte{0x01, 0x02}},
		{"truncated", []byte{0x82, 0x01}},
		{"indefinite array", []byte{0x9f, 0x01, 0xff}},
		{"wrong type", []byte{0x63, 'a', 'b', 'c'}},
		{"invalid utf-8", []byte{0x61, 0xff}},
		{"too deep", bytes.Repeat([]byte{0x81}, 100)},
		{"claims more than sent", []byte{0x5a, 0xff, 0xff, 0xff, 0xff}},
	} {
		if v, err := CBOR[[]int]().decode(tc.msg); err == nil {
			t.Errorf("CBOR[[]int] decode of %s (% x) = %v; want an error", tc.name, tc.msg, v)
		}
	}
	if s := CBOR[pair]().String(); s != "cbor hydro.pair" {
		t.Errorf("CBOR[pair].String() = %q", s)
	}
	if got := Lines.WithMaxMessage(5).max; got != 5 {
		t.Errorf("WithMaxMessage(5).max = %d", got)
	}
	if Lines.max != DefaultMaxMessage {
		t.Errorf("WithMaxMessage changed Lines")
	}
}

func equalAny(a, b any) bool { return reflect.DeepEqual(a, b) }

func TestPortNames(t *testing.T) {
	c := newCalculator()
	ports, err := fleetPorts(c.f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ports {
		names = append(names, p.Name)
	}
	if want := []string{"extClient", "extFeed", "extFeed.2"}; !slices.Equal(names, want) {
		t.Errorf("ports %q; want %q", names, want)
	}
	if c.calc.Name() != "extClient" || c.feed.Name() != "extFeed" || c.news.Name() != "extFeed.2" {
		t.Errorf("Name()s %q %q %q", c.calc.Name(), c.feed.Name(), c.news.Name())
	}
}

func TestExternalMisuse(t *testing.T) {
	f := NewFlow()
	server := NewProcess[extServer](f)
	clients := NewExternal[extClient](f)
	NewExternal[extClient](f)
	p := BidiExternal(server, clients, Lines, Lines)
	p.Respond(p.Requests())
	p.Respond(p.Requests())
	SourceExternal(server, clients, Codec[int]{})
	err := f.Compile()
	for _, want := range []string{
		"a second External named extClient",
		"port extClient already answered by Respond at",
		"external_in given the zero Codec[int]",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile() = %v; want a problem %q", err, want)
		}
	}
}

// startNode runs the server of c as a deployed node in this process, with
// its ports at free addresses, until the test ends.
func startNode(t *testing.T, c *calculator) (ports map[string]string, logs *fleettest.Output) {
	t.Helper()
	g, err := compile.LowerOne(&c.f.ir, ir.Dest{Loc: c.server.l}, compile.Env{})
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := deploy.FreeAddrs(4, 0)
	if err != nil {
		t.Fatal(err)
	}
	ports = map[string]string{"extClient": addrs[1], "extFeed": addrs[2], "extFeed.2": addrs[3]}
	logs = &fleettest.Output{}
	node := deploy.Node{Name: "extServer", Addr: addrs[0], Ports: ports, Limits: transport.DefaultLimits,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- deploy.Run(ctx, g, node, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("deploy.Run = %v", err)
		}
	})
	return ports, logs
}

func TestExternalDeployed(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the node stops
	c := newCalculator()
	ports, logs := startNode(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	calc, err := Dial(ctx, ports["extClient"], CBOR[sum](), CBOR[int]())
	if err != nil {
		t.Fatal(err)
	}
	defer calc.Close()
	if err := calc.Send(sum{1, 2}, sum{40, 2}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{3, 42} {
		if got, err := calc.Receive(ctx); err != nil || got != want {
			t.Fatalf("Receive = %d, %v; want %d", got, err, want)
		}
	}

	// Undecodable CBOR closes that client only.
	bad, err := net.Dial("tcp", ports["extClient"])
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	bad.Write(deploy.AppendMessage(nil, ir.FrameLength, []byte{0x63, 'a'}))
	bad.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := bad.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes from a client sending bad CBOR; want the connection closed", n)
	}
	if !strings.Contains(logs.String(), `msg="closing client: bad input" port=extClient conn=2`) {
		t.Errorf("no log line for the bad client:\n%s", logs)
	}
	if err := calc.Send(sum{5, 5}); err != nil {
		t.Fatal(err)
	}
	if got, err := calc.Receive(ctx); err != nil || got != 10 {
		t.Fatalf("Receive = %d, %v; want 10", got, err)
	}

	// One-way ports.
	news, err := Dial(ctx, ports["extFeed.2"], Lines, Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer news.Close()
	feed, err := Dial(ctx, ports["extFeed"], Lines, Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	// The listener must be connected before the line is fed: poll.
	for {
		if err := feed.Send("hi"); err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithTimeout(ctx, 50*time.Millisecond)
		got, err := news.Receive(rctx)
		rcancel()
		if err == nil {
			if got != "HI" {
				t.Fatalf("news received %q; want HI", got)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the news port never sent the fed line")
		}
	}
	if err := feed.Send("a\nb"); err == nil {
		t.Error("Send of a line with a newline: no error")
	}
	if err := calc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := calc.Receive(ctx); err != io.EOF {
		t.Errorf("Receive after CloseWrite = %v; want io.EOF once the port closes", err)
	}
}

func TestDialGivesUp(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the node stops
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Dial(ctx, addr, Lines, Lines); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial = %v; want an error matching context.DeadlineExceeded", err)
	}
	if _, err := Dial(context.Background(), addr, Lines, Codec[string]{}); err == nil {
		t.Error("Dial with the zero Codec: no error")
	}
}

// An echo server, and two clients of it under Local. Deployed with Main,
// the same flow serves nc and Dial on the port the deployer prints.
func ExampleBidiExternal() {
	type Server struct{}
	type Client struct{}
	f := NewFlow()
	server := NewProcess[Server](f)
	clients := NewExternal[Client](f)
	echo := BidiExternal(server, clients, Lines, Lines)
	echo.Respond(MapValues(echo.Requests(), strings.ToUpper))

	r := MustLocal(f)
	a, b := echo.Connect(r), echo.Connect(r)
	a.Send("hello")
	b.Send("hi", "there")
	r.RunAvailable()
	fmt.Println(echo.Name(), a.ID(), a.Receive())
	fmt.Println(echo.Name(), b.ID(), b.Receive())
	// Output:
	// Client 1 [HELLO]
	// Client 2 [HI THERE]
}
