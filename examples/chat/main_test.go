// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/fleettest"
)

// The flow under Local, with in-memory clients.
func TestChatLocal(t *testing.T) {
	f := hydro.NewFlow()
	room := Chat(f)
	r := hydro.MustLocal(f)
	expect := func(who string, c *hydro.LocalClient[string, string], want ...string) {
		t.Helper()
		if got := c.Receive(); !slices.Equal(got, want) {
			t.Errorf("%s received %q; want %q", who, got, want)
		}
	}

	a := room.Connect(r)
	r.RunAvailable()
	expect("a", a, "* welcome, you are client 1")

	b := room.Connect(r)
	r.RunAvailable()
	expect("b", b, "* welcome, you are client 2")
	expect("a", a, "* client 2 joined")

	a.Send("hi", "there")
	r.RunAvailable()
	expect("b", b, "1: hi", "1: there")
	expect("a", a)

	// A newcomer who speaks at once is heard by everyone there, in the
	// tick of its arrival.
	c := room.Connect(r)
	c.Send("hello all")
	r.RunAvailable()
	for who, cl := range map[string]*hydro.LocalClient[string, string]{"a": a, "b": b} {
		got := cl.Receive()
		slices.Sort(got)
		if want := []string{"* client 3 joined", "3: hello all"}; !slices.Equal(got, want) {
			t.Errorf("%s received %q; want %q in any order", who, got, want)
		}
	}
	expect("c", c, "* welcome, you are client 3")

	b.Close()
	r.RunAvailable()
	expect("a", a, "* client 2 left")
	expect("c", c, "* client 2 left")
	expect("b", b)
}

// The real thing: the room as an OS process, clients over TCP.
func TestChatFleet(t *testing.T) {
	f := fleettest.Start(t, ".")
	addr := f.PortAddr("Client", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func() *hydro.Client[string, string] {
		t.Helper()
		c, err := hydro.Dial(ctx, addr, hydro.Lines, hydro.Lines)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	expect := func(who string, c *hydro.Client[string, string], want string) {
		t.Helper()
		if got, err := c.Receive(ctx); err != nil || got != want {
			t.Fatalf("%s received %q, %v; want %q", who, got, err, want)
		}
	}

	// Each waits for its welcome, so the others are in the room when it
	// joins.
	a := dial()
	expect("a", a, "* welcome, you are client 1")
	b := dial()
	expect("b", b, "* welcome, you are client 2")
	expect("a", a, "* client 2 joined")
	c := dial()
	expect("c", c, "* welcome, you are client 3")
	expect("a", a, "* client 3 joined")
	expect("b", b, "* client 3 joined")

	if err := a.Send("hi", "all"); err != nil {
		t.Fatal(err)
	}
	for who, cl := range map[string]*hydro.Client[string, string]{"b": b, "c": c} {
		expect(who, cl, "1: hi")
		expect(who, cl, "1: all")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	expect("a", a, "* client 3 left")
	expect("b", b, "* client 3 left")
	if err := b.Send("bye"); err != nil {
		t.Fatal(err)
	}
	expect("a", a, "2: bye")
	f.Stop()
}
