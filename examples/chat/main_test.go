// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/sim"
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

// A move is one thing that happens in a session with the room: a client
// joins, says lines, leaves, or hears lines, next and in this order.
type move struct {
	who   string
	do    action
	lines []string
}

type action uint8

const (
	join action = iota
	say
	leave
	hear
)

// session is the conversation both runners hold with the room: the fleet
// test over TCP, the simulator test over in-memory clients. Each client
// waits for its welcome, so the others are in the room when it joins.
var session = []move{
	{"a", join, nil},
	{"a", hear, []string{"* welcome, you are client 1"}},
	{"b", join, nil},
	{"b", hear, []string{"* welcome, you are client 2"}},
	{"a", hear, []string{"* client 2 joined"}},
	{"c", join, nil},
	{"c", hear, []string{"* welcome, you are client 3"}},
	{"a", hear, []string{"* client 3 joined"}},
	{"b", hear, []string{"* client 3 joined"}},
	{"a", say, []string{"hi", "all"}},
	{"b", hear, []string{"1: hi", "1: all"}},
	{"c", hear, []string{"1: hi", "1: all"}},
	{"c", leave, nil},
	{"a", hear, []string{"* client 3 left"}},
	{"b", hear, []string{"* client 3 left"}},
	{"b", say, []string{"bye"}},
	{"a", hear, []string{"2: bye"}},
}

// The real thing: the room as an OS process, clients over TCP.
func TestChatFleet(t *testing.T) {
	f := deploytest.Start(t, ".")
	addr := f.PortAddr("Client", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clients := map[string]*deploy.Client[string, string]{}
	for i, m := range session {
		c := clients[m.who]
		switch m.do {
		case join:
			c, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			clients[m.who] = c
		case say:
			if err := c.Send(m.lines...); err != nil {
				t.Fatal(err)
			}
		case leave:
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
		case hear:
			for _, want := range m.lines {
				if got, err := c.Receive(ctx); err != nil || got != want {
					t.Fatalf("move %d: %s received %q, %v; want %q", i, m.who, got, err, want)
				}
			}
		}
	}
	f.Stop()
}

// The flow under the simulator. The session: before each move the room
// takes as many steps as the simulator says, so each move lands anywhere
// in the room's work; a client that is to hear lines waits, step by step,
// until they come. Every client hears what it hears in the fleet, in
// order, and nothing more once the room settles. And crowds of two to four
// clients that join, speak, listen and may leave, each at a moment the
// simulator picks between the room's steps: see checkHeard.
func TestChatSim(t *testing.T) {
	t.Run("session", func(t *testing.T) {
		sim.Random(t, sim.Config{Runs: 50}, simSession)
	})
	for _, n := range []int{2, 3, 4} {
		t.Run(fmt.Sprintf("crowd,clients=%d", n), func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 60}, func(s *sim.Sim) { simCrowd(s, n) })
		})
	}
}

// simSession holds the session with the room, as TestChatSim says.
func simSession(s *sim.Sim) {
	f := hydro.NewFlow()
	room := Chat(f)
	r := s.Local(f)
	clients := map[string]*hydro.LocalClient[string, string]{}
	heard := map[string][]string{} // received and not yet expected
	for i, m := range session {
		for range s.Choose(4, "room steps before the next move") {
			r.Step()
		}
		c := clients[m.who]
		switch m.do {
		case join:
			clients[m.who] = room.Connect(r)
		case say:
			c.Send(m.lines...)
		case leave:
			c.Close()
		case hear:
			for {
				heard[m.who] = append(heard[m.who], c.Receive()...)
				if len(heard[m.who]) >= len(m.lines) {
					break
				}
				s.Assert(r.Step(), "move %d: the room settled; %s heard %q, want %q", i, m.who, heard[m.who], m.lines)
			}
			got := heard[m.who][:len(m.lines)]
			s.Assert(slices.Equal(got, m.lines), "move %d: %s heard %q; want %q", i, m.who, got, m.lines)
			heard[m.who] = heard[m.who][len(m.lines):]
		}
	}
	s.RunAvailable(r)
	for _, who := range []string{"a", "b", "c"} {
		more := append(heard[who], clients[who].Receive()...)
		s.Assert(len(more) == 0, "%s heard %q after the session", who, more)
	}
}

// chatter is one client of a crowd, and what it must hear.
type chatter struct {
	name     string
	conn     *hydro.LocalClient[string, string]
	todo     []string // still to say
	said     []string
	heard    []string
	closed   bool
	welcomed bool
	// From its welcome on, while it is connected, a client hears every
	// line the others say, and of every other client joining or leaving.
	since  map[*chatter]int // how many lines each other had said at its welcome
	joins  []*chatter       // who connected after its welcome
	leaves []*chatter       // who left after its welcome
}

// receive takes what came, noting the welcome.
func (c *chatter) receive(crowd []*chatter) {
	if c.conn == nil {
		return
	}
	got := c.conn.Receive()
	if !c.welcomed && slices.Contains(got, fmt.Sprintf("* welcome, you are client %d", c.conn.ID())) {
		c.welcomed = true
		c.since = map[*chatter]int{}
		for _, o := range crowd {
			c.since[o] = len(o.said)
		}
	}
	c.heard = append(c.heard, got...)
}

// simCrowd is n clients, each saying three lines; in half the runs the
// last may leave at any moment. Each round the simulator picks one thing
// to happen: a step of the room, or a client connecting, saying its next
// line, receiving or leaving. A step with nothing to run lets every client
// take what came, so the loop ends once all is said and heard.
func simCrowd(s *sim.Sim, n int) {
	f := hydro.NewFlow()
	room := Chat(f)
	r := s.Local(f)
	crowd := make([]*chatter, n)
	for i := range crowd {
		crowd[i] = &chatter{name: fmt.Sprintf("client %d", i), todo: []string{fmt.Sprintf("hello from %d", i), "how are you", "bye"}}
	}
	var quitter *chatter
	if s.Choose(2, "may the last client leave early") == 1 {
		quitter = crowd[n-1]
	}
	for round := 0; ; round++ {
		s.Assert(round < 10000, "the chat did not end in %d rounds", round)
		var menu sim.Menu
		menu.Add("step", func() {
			if !r.Step() {
				for _, c := range crowd {
					c.receive(crowd)
				}
			}
		})
		for _, c := range crowd {
			add := func(what string, act func()) { menu.Add(c.name+" "+what, act) }
			switch {
			case c.conn == nil:
				add("connects", func() {
					c.conn = room.Connect(r)
					for _, o := range crowd {
						if o.welcomed && !o.closed {
							o.joins = append(o.joins, c)
						}
					}
				})
				continue
			case c.closed || len(c.todo) == 0 && c.welcomed:
				continue // done
			case len(c.todo) > 0:
				add("says", func() { c.said = append(c.said, c.todo[0]); c.conn.Send(c.todo[0]); c.todo = c.todo[1:] })
			}
			add("receives", func() { c.receive(crowd) })
			if c == quitter {
				add("leaves", func() {
					c.receive(crowd)
					c.conn.Close()
					c.closed = true
					for _, o := range crowd {
						if o != c && o.welcomed && !o.closed {
							o.leaves = append(o.leaves, c)
						}
					}
				})
			}
		}
		if menu.Len() == 1 && !r.Step() {
			break
		}
		s.Pick(&menu, "chat client action")
	}
	for _, c := range crowd {
		c.receive(crowd)
	}
	for _, c := range crowd {
		if err := checkHeard(c, crowd); err != nil {
			s.Fatalf("%s (connection %d): %v\nheard %q", c.name, c.conn.ID(), err, c.heard)
		}
	}
}

// checkHeard checks what c heard in a crowd: one welcome (none if it left
// before its arrival was announced); from each other client a run of the
// lines it said, in order, with every line said after c's welcome if c is
// still here; at most one notice of each other client joining and leaving,
// and one for each that joined or left after c's welcome if c is still
// here; nothing about itself.
//
// NB: a client may hear lines before its welcome, as it may in a fleet
// (Local shows it when the lines and the arrival fall in one tick). It may
// also hear a client's last lines after the notice that it left, which a
// fleet never shows: there a connection's Disconnected comes no earlier
// than the tick of its last line, and within a tick the lines go first.
// Under the simulator the room's two batches, of lines and of arrivals and
// departures, end independently, so the departure can be let in while the
// lines wait. So the order of notices and lines is not checked.
func checkHeard(c *chatter, crowd []*chatter) error {
	byID := map[hydro.ConnID]*chatter{}
	for _, o := range crowd {
		byID[o.conn.ID()] = o
	}
	lines := map[*chatter][]string{} // what c heard each other say
	joined, left := map[*chatter]int{}, map[*chatter]int{}
	welcomes := 0
	for _, l := range c.heard {
		if l == fmt.Sprintf("* welcome, you are client %d", c.conn.ID()) {
			welcomes++
			continue
		}
		if rest, ok := strings.CutPrefix(l, "* client "); ok {
			who, ok := strings.CutSuffix(rest, " joined")
			count := joined
			if !ok {
				who, ok = strings.CutSuffix(rest, " left")
				count = left
			}
			id, err := strconv.ParseUint(who, 10, 64)
			if !ok || err != nil || byID[hydro.ConnID(id)] == nil {
				return fmt.Errorf("heard %q: not a notice of the room", l)
			}
			count[byID[hydro.ConnID(id)]]++
			continue
		}
		who, text, ok := strings.Cut(l, ": ")
		id, err := strconv.ParseUint(who, 10, 64)
		if !ok || err != nil || byID[hydro.ConnID(id)] == nil {
			return fmt.Errorf("heard %q: not a line of the room", l)
		}
		lines[byID[hydro.ConnID(id)]] = append(lines[byID[hydro.ConnID(id)]], text)
	}
	if welcomes > 1 || welcomes == 0 && !c.closed {
		return fmt.Errorf("welcomed %d times", welcomes)
	}
	for _, o := range crowd {
		if o == c {
			if joined[o]+left[o]+len(lines[o]) > 0 {
				return fmt.Errorf("heard itself, or of itself")
			}
			continue
		}
		if joined[o] > 1 || left[o] > 1 {
			return fmt.Errorf("told %d times of %s joining, %d of it leaving", joined[o], o.name, left[o])
		}
		got := lines[o]
		if index(o.said, got) < 0 {
			return fmt.Errorf("heard %q from %s, who said %q", got, o.name, o.said)
		}
		if c.closed {
			continue
		}
		if w := o.said[c.since[o]:]; len(w) > 0 && index(got, w) < 0 {
			return fmt.Errorf("heard %q from %s, who said %q after the welcome", got, o.name, w)
		}
		if slices.Contains(c.joins, o) && joined[o] == 0 {
			return fmt.Errorf("not told of %s joining", o.name)
		}
		if slices.Contains(c.leaves, o) && left[o] == 0 {
			return fmt.Errorf("not told of %s leaving", o.name)
		}
	}
	return nil
}

// index returns where sub starts in s as a contiguous run, or -1.
func index(s, sub []string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
