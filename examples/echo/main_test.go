// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/fleettest"
)

// The flow under Local, with in-memory clients.
func TestEchoLocal(t *testing.T) {
	f := hydro.NewFlow()
	echo := Echo(f)
	r := hydro.MustLocal(f)
	a, b := echo.Connect(r), echo.Connect(r)
	a.Send("hello", "world")
	b.Send("hi")
	r.RunAvailable()
	if got, want := a.Receive(), []string{"hello", "world"}; !slices.Equal(got, want) {
		t.Errorf("a received %q; want %q", got, want)
	}
	if got, want := b.Receive(), []string{"hi"}; !slices.Equal(got, want) {
		t.Errorf("b received %q; want %q", got, want)
	}
	a.Close()
	a.Send("gone")
	b.Send("still here")
	r.RunAvailable()
	if got := a.Receive(); len(got) != 0 {
		t.Errorf("a received %q after closing; want nothing", got)
	}
	if got, want := b.Receive(), []string{"still here"}; !slices.Equal(got, want) {
		t.Errorf("b received %q; want %q", got, want)
	}
}

// The real thing: the server as an OS process, clients over TCP.
func TestEchoFleet(t *testing.T) {
	f := fleettest.Start(t, ".")
	addr := f.PortAddr("Client", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// A Go client.
	c, err := hydro.Dial(ctx, addr, hydro.Lines, hydro.Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send("hello", "world"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hello", "world"} {
		if got, err := c.Receive(ctx); err != nil || got != want {
			t.Fatalf("Receive = %q, %v; want %q", got, err, want)
		}
	}

	// What nc does: raw lines (with a telnet's \r\n too), then a
	// half-close, as `nc -N` does at the end of its input. The answers
	// still come, then the server closes.
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := io.WriteString(nc, "one\r\ntwo\nthree"); err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).CloseWrite()
	nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	all, err := io.ReadAll(nc)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(all), "one\ntwo\nthree\n"; got != want {
		t.Errorf("nc received %q; want %q", got, want)
	}

	// A client sending a line longer than the limit is closed; the others
	// are served on.
	bad, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	go func() { _, _ = bad.Write([]byte(strings.Repeat("x", hydro.DefaultMaxMessage+10))) }()
	bad.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := bufio.NewReader(bad).ReadString('\n'); err == nil {
		t.Error("the client with an oversized line got an answer; want the connection closed")
	}
	f.WaitFor("the oversized line logged", 30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[Server] ") && strings.Contains(l, "closing client: bad input")
	})
	if err := c.Send("after"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Receive(ctx); err != nil || got != "after" {
		t.Fatalf("Receive = %q, %v; want %q", got, err, "after")
	}

	f.Stop()
	out := f.Output()
	for _, want := range []string{`msg="external port listening" node=Server port=Client`, `msg="client connected"`, `msg="node stopped" node=Server`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}
