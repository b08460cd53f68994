// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/compile"
)

// The tests of this file are inside the package; the deployed ones are in
// package deploy.

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
	prog, err := compile.Lower(&c.f.ir, compile.Env{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range prog.Graphs {
		for _, b := range g.Ports {
			names = append(names, b.Name)
		}
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

// An echo server, and two clients of it under Local. Deployed with deploy.Main,
// the same flow serves nc and deploy.Dial on the port the deployer prints.
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

// A value over its codec's limit is not sent: under Local, as in a
// deployed port, Receive skips it and returns the rest, and Err says why,
// instead of a panic.
func TestExternalLocalOverLimit(t *testing.T) {
	f := NewFlow()
	server := NewProcess[extServer](f)
	feeds := NewExternal[extFeed](f)
	feed, lines := SourceExternal(server, feeds, Lines)
	news := SinkExternal(lines, feeds, Lines.WithMaxMessage(4))
	r := MustLocal(f)
	in, out := feed.Connect(r), news.Connect(r)
	in.Send("ab", "toolong", "cd")
	r.RunAvailable()
	if got := out.Receive(); !slices.Equal(got, []string{"ab", "cd"}) {
		t.Errorf("Receive() = %q; want [ab cd]", got)
	}
	err := out.Err()
	if err == nil || !strings.Contains(err.Error(), "exceeds the codec's limit of 4") {
		t.Errorf("Err() = %v; want the codec's limit named", err)
	}
	if in.Err() != nil {
		t.Errorf("the feed's Err() = %v; want nil", in.Err())
	}
}
