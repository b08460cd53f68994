// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/sim"
)

// talks is what the tests' clients say to the server, one conversation per
// client; each must hear its own lines back, in order, and nothing else.
// The fleet test holds them over TCP (a Go client says the first, then the
// last after a bad client was closed; nc says the second, raw), the
// simulator test over in-memory clients.
var talks = [][]string{
	{"hello", "world"},
	{"one", "two", "three"},
	{"after"},
}

// checkEcho checks what a client heard against what it said, however the
// server ran: the same lines, in order, or, for a client that closed, the
// first of them.
func checkEcho(said, heard []string, closed bool) error {
	if slices.Equal(heard, said) || closed && len(heard) <= len(said) && slices.Equal(heard, said[:len(heard)]) {
		return nil
	}
	return fmt.Errorf("said %q, heard %q", said, heard)
}

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
	f := deploytest.Start(t, ".")
	addr := f.PortAddr("Client", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// A Go client.
	c, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	said := talks[0]
	if err := c.Send(said...); err != nil {
		t.Fatal(err)
	}
	var heard []string
	for range said {
		got, err := c.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive: %v; heard %q", err, heard)
		}
		heard = append(heard, got)
	}
	if err := checkEcho(said, heard, false); err != nil {
		t.Error(err)
	}

	// What nc does: raw lines (with a telnet's \r\n too), then a
	// half-close, as `nc -N` does at the end of its input. The answers
	// still come, then the server closes.
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ncSaid := talks[1]
	if _, err := io.WriteString(nc, ncSaid[0]+"\r\n"+strings.Join(ncSaid[1:], "\n")); err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).CloseWrite()
	nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	all, err := io.ReadAll(nc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(all), "\n") {
		t.Errorf("nc received %q; want lines", all)
	}
	if err := checkEcho(ncSaid, strings.Split(strings.TrimSuffix(string(all), "\n"), "\n"), false); err != nil {
		t.Errorf("nc: %v", err)
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
	said = talks[2]
	if err := c.Send(said...); err != nil {
		t.Fatal(err)
	}
	heard = heard[:0]
	for range said {
		got, err := c.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive: %v; heard %q", err, heard)
		}
		heard = append(heard, got)
	}
	if err := checkEcho(said, heard, false); err != nil {
		t.Error(err)
	}

	f.Stop()
	out := f.Output()
	for _, want := range []string{`msg="external port listening" node=Server port=Client`, `msg="client connected"`, `msg="node stopped" node=Server`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// The same talks under the simulator, with one to five in-memory clients
// (client i says talks[i%len(talks)]): see simEcho. Every client hears its
// own lines back, in order, and nothing else; one that closed, a first
// part of them.
func TestEchoSim(t *testing.T) {
	for _, n := range []int{1, 3, 5} {
		t.Run(fmt.Sprintf("clients=%d", n), func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 40}, func(s *sim.Sim) { simEcho(s, n) })
		})
	}
}

// simEcho runs the server with n clients that connect, send, receive and,
// in half the runs, one of them closes early, each at a moment the
// simulator picks, so the clients' steps interleave with the server's.
// Each round the simulator picks one thing to happen: a step of the
// server, or a client connecting, sending its next line, receiving or
// closing. A step with nothing to run lets every client take what came, so
// the loop ends once all is said and heard.
func simEcho(s *sim.Sim, n int) {
	f := hydro.NewFlow()
	echo := Echo(f)
	r := s.Local(f)
	cs := make([]*echoClient, n)
	for i := range cs {
		cs[i] = &echoClient{name: fmt.Sprintf("client %d", i), todo: talks[i%len(talks)]}
	}
	var quitter *echoClient // may close at any moment: the others are served on
	if n > 1 && s.Choose(2, "may the last client close early") == 1 {
		quitter = cs[n-1]
	}
	for round := 0; ; round++ {
		s.Assert(round < 10000, "the conversation did not end in %d rounds", round)
		var menu sim.Menu
		menu.Add("step", func() {
			if !r.Step() {
				for _, c := range cs {
					c.receive(s)
				}
			}
		})
		for _, c := range cs {
			add := func(what string, act func()) { menu.Add(c.name+" "+what, act) }
			switch {
			case c.conn == nil:
				add("connects", func() { c.conn = echo.Connect(r) })
				continue
			case c.closed || len(c.todo) == 0 && len(c.heard) == len(c.said):
				continue // done
			case len(c.todo) > 0:
				add("sends", func() { c.said = append(c.said, c.todo[0]); c.conn.Send(c.todo[0]); c.todo = c.todo[1:] })
			}
			add("receives", func() { c.receive(s) })
			if c == quitter {
				add("closes", func() { c.conn.Close(); c.closed = true })
			}
		}
		if menu.Len() == 1 && !r.Step() {
			break
		}
		s.Pick(&menu, "echo client action")
	}
	for _, c := range cs {
		c.receive(s)
		if err := checkEcho(c.said, c.heard, c.closed); err != nil {
			s.Fatalf("%s: %v", c.name, err)
		}
	}
}

// echoClient is one client of simEcho.
type echoClient struct {
	name        string
	conn        *hydro.LocalClient[string, string]
	todo        []string // still to say
	said, heard []string
	closed      bool
}

// receive takes what came and checks that it is, so far, the echo of what
// the client said.
func (c *echoClient) receive(s *sim.Sim) {
	if c.conn == nil {
		return // not yet connected
	}
	c.heard = append(c.heard, c.conn.Receive()...)
	if err := checkEcho(c.said, c.heard, true); err != nil {
		s.Fatalf("%s: %v", c.name, err)
	}
}
