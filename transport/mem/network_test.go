// SPDX-License-Identifier: Apache-2.0

package mem

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hydro-go/hydro/transport"
)

func frame(ch uint32, payload string) transport.Frame {
	return transport.Frame{Channel: ch, Payload: []byte(payload)}
}

// drain receives everything in e's inbox as "from:payload" strings.
func drain(e *Endpoint) []string {
	var out []string
	for {
		in, ok := e.Receive()
		if !ok {
			return out
		}
		out = append(out, in.From+":"+string(in.Frame.Payload))
	}
}

func heads(n *Network) []string {
	var out []string
	for _, m := range n.InFlight() {
		out = append(out, m.From+">"+m.To+":"+string(m.Frame.Payload))
	}
	return out
}

func TestLinkIsFIFOAndCopies(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	a, b := n.Endpoint("a"), n.Endpoint("b")
	p := []byte("x1")
	if err := a.Send("b", transport.Frame{Channel: 1, Sender: 4, Payload: p}, frame(1, "x2")); err != nil {
		t.Fatal(err)
	}
	p[1] = '!' // the network has its own copy
	if err := a.Send("b", frame(2, "x3")); err != nil {
		t.Fatal(err)
	}
	if got := n.DeliverAll(); got != 3 {
		t.Errorf("DeliverAll() = %d; want 3", got)
	}
	in, ok := b.Receive()
	if !ok || in.From != "a" || in.Frame.Channel != 1 || in.Frame.Sender != 4 || string(in.Frame.Payload) != "x1" {
		t.Errorf("Receive() = %+v, %v; want the first frame from a", in, ok)
	}
	if got, want := drain(b), []string{"a:x2", "a:x3"}; !slices.Equal(got, want) {
		t.Errorf("rest of inbox = %q; want %q", got, want)
	}
	if _, ok := b.Receive(); ok {
		t.Errorf("Receive() on an empty inbox = _, true")
	}
	if got := n.Stats(); got != (Stats{Sent: 3, Delivered: 3}) {
		t.Errorf("Stats() = %+v; want 3 sent, 3 delivered", got)
	}
}

func TestInFlightOneHeadPerLinkSorted(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	n.Endpoint("w2").Send("leader", frame(0, "w2-1"), frame(0, "w2-2"))
	n.Endpoint("w1").Send("leader", frame(0, "w1-1"))
	n.Endpoint("leader").Send("w1", frame(0, "l-1"))
	want := []string{"leader>w1:l-1", "w1>leader:w1-1", "w2>leader:w2-1"}
	if got := heads(n); !slices.Equal(got, want) {
		t.Fatalf("InFlight() = %q; want %q", got, want)
	}
	if m := n.Deliver(2); string(m.Frame.Payload) != "w2-1" || m.Seq != 1 {
		t.Errorf("Deliver(2) = %v; want w2-1 with Seq 1", m)
	}
	want = []string{"leader>w1:l-1", "w1>leader:w1-1", "w2>leader:w2-2"}
	if got := heads(n); !slices.Equal(got, want) {
		t.Errorf("InFlight() after Deliver(2) = %q; want %q", got, want)
	}
	n.Deliver(2)
	n.Deliver(1)
	if got, want := drain(n.Endpoint("leader")), []string{"w2:w2-1", "w2:w2-2", "w1:w1-1"}; !slices.Equal(got, want) {
		t.Errorf("leader's inbox = %q; want %q (the delivery order chosen)", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Deliver(1) with one message in flight did not panic")
		}
	}()
	n.Deliver(1)
}

func TestQueuedListsEveryLinkInOrder(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	n.Endpoint("w2").Send("leader", frame(0, "w2-1"), frame(0, "w2-2"))
	n.Endpoint("w1").Send("leader", frame(0, "w1-1"))
	n.Endpoint("leader").Send("w1", frame(0, "l-1"))
	queued := func() []string {
		var out []string
		for _, m := range n.Queued() {
			out = append(out, m.From+">"+m.To+":"+string(m.Frame.Payload))
		}
		return out
	}
	want := []string{"leader>w1:l-1", "w1>leader:w1-1", "w2>leader:w2-1", "w2>leader:w2-2"}
	if got := queued(); !slices.Equal(got, want) {
		t.Fatalf("Queued() = %q; want %q", got, want)
	}
	n.Deliver(2)
	want = []string{"leader>w1:l-1", "w1>leader:w1-1", "w2>leader:w2-2"}
	if got := queued(); !slices.Equal(got, want) {
		t.Errorf("Queued() after Deliver(2) = %q; want %q", got, want)
	}
}

func TestDeliverAllRoundRobin(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	n.Endpoint("a").Send("c", frame(0, "a1"), frame(0, "a2"), frame(0, "a3"))
	n.Endpoint("b").Send("c", frame(0, "b1"))
	n.DeliverAll()
	if got, want := drain(n.Endpoint("c")), []string{"a:a1", "b:b1", "a:a2", "a:a3"}; !slices.Equal(got, want) {
		t.Errorf("inbox after DeliverAll = %q; want %q", got, want)
	}
}

func TestHooks(t *testing.T) {
	is := func(payload string) func(Message) bool {
		return func(m Message) bool { return string(m.Frame.Payload) == payload }
	}
	tests := []struct {
		name  string
		hooks Hooks
		want  []string // b's inbox after DeliverAll (and ReleaseAll, DeliverAll)
		stats Stats
	}{
		{"none", Hooks{}, []string{"1", "2", "3"}, Stats{Sent: 3, Delivered: 3}},
		{"drop", Hooks{Drop: is("2")}, []string{"1", "3"}, Stats{Sent: 3, Delivered: 2, Dropped: 1}},
		{"duplicate", Hooks{Duplicate: is("2")}, []string{"1", "2", "2", "3"}, Stats{Sent: 3, Delivered: 4, Duplicated: 1}},
		{"delay reorders", Hooks{Delay: is("1")}, []string{"2", "3", "1"}, Stats{Sent: 3, Delivered: 3, Delayed: 1}},
		{"rewrite drops", Hooks{Rewrite: func(m Message) []Message {
			if is("3")(m) {
				return nil
			}
			return []Message{m}
		}}, []string{"1", "2"}, Stats{Sent: 3, Delivered: 2, Dropped: 1}},
		{"rewrite corrupts and duplicates", Hooks{Rewrite: func(m Message) []Message {
			if is("2")(m) {
				m.Frame.Payload[0] = 'X'
				return []Message{m, m}
			}
			return []Message{m}
		}}, []string{"1", "X", "X", "3"}, Stats{Sent: 3, Delivered: 4, Duplicated: 1}},
		{"rewrite redirects", Hooks{Rewrite: func(m Message) []Message {
			if is("1")(m) {
				m.To = "c"
			}
			return []Message{m}
		}}, []string{"2", "3"}, Stats{Sent: 3, Delivered: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewNetwork(transport.DefaultLimits, tt.hooks)
			if err := n.Endpoint("a").Send("b", frame(0, "1"), frame(0, "2"), frame(0, "3")); err != nil {
				t.Fatal(err)
			}
			n.DeliverAll()
			n.ReleaseAll()
			n.DeliverAll()
			var got []string
			for _, s := range drain(n.Endpoint("b")) {
				got = append(got, strings.TrimPrefix(s, "a:"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("b received %q; want %q", got, tt.want)
			}
			if s := n.Stats(); s != tt.stats {
				t.Errorf("Stats() = %+v; want %+v", s, tt.stats)
			}
		})
	}
}

func TestDuplicatesOwnTheirPayload(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{Duplicate: func(Message) bool { return true }})
	n.Endpoint("a").Send("b", frame(0, "p"))
	n.DeliverAll()
	b := n.Endpoint("b")
	first, _ := b.Receive()
	second, _ := b.Receive()
	first.Frame.Payload[0] = 'X'
	if string(second.Frame.Payload) != "p" {
		t.Errorf("changing one duplicate's payload changed the other's: %q", second.Frame.Payload)
	}
}

func TestHeldAndRelease(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{Delay: func(m Message) bool { return m.Seq <= 2 }})
	n.Endpoint("a").Send("b", frame(0, "1"), frame(0, "2"), frame(0, "3"))
	if got := len(n.Held()); got != 2 {
		t.Fatalf("len(Held()) = %d; want 2", got)
	}
	n.Release(1) // "2" joins the link behind "3"
	if got, want := heads(n), []string{"a>b:3"}; !slices.Equal(got, want) {
		t.Errorf("InFlight() = %q; want %q", got, want)
	}
	n.DeliverAll()
	n.Partition("a", "b")
	n.Release(0) // "1" onto a cut link: lost
	n.DeliverAll()
	if got, want := drain(n.Endpoint("b")), []string{"a:3", "a:2"}; !slices.Equal(got, want) {
		t.Errorf("b received %q; want %q", got, want)
	}
	if got := n.Stats().Dropped; got != 1 {
		t.Errorf("Stats().Dropped = %d; want 1", got)
	}
}

func TestPartitionHeal(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	a, b, c := n.Endpoint("a"), n.Endpoint("b"), n.Endpoint("c")
	a.Send("b", frame(0, "queued"))
	n.Partition("b", "a")
	if got := n.InFlight(); len(got) != 0 {
		t.Errorf("InFlight() after Partition = %v; want queued messages lost", got)
	}
	a.Send("b", frame(0, "a-cut"))
	b.Send("a", frame(0, "b-cut"))
	a.Send("c", frame(0, "a-c"))
	n.DeliverAll()
	if got, want := drain(c), []string{"a:a-c"}; !slices.Equal(got, want) {
		t.Errorf("c received %q; want %q (other links unaffected)", got, want)
	}
	n.Heal("a", "b")
	a.Send("b", frame(0, "healed"))
	n.DeliverAll()
	if got, want := drain(b), []string{"a:healed"}; !slices.Equal(got, want) {
		t.Errorf("b received %q; want %q", got, want)
	}
	if got := drain(a); len(got) != 0 {
		t.Errorf("a received %q across the partition", got)
	}
	if got := n.Stats().Dropped; got != 3 {
		t.Errorf("Stats().Dropped = %d; want 3", got)
	}
}

func TestCrash(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{Delay: func(m Message) bool { return string(m.Frame.Payload) == "held" }})
	a, b, c := n.Endpoint("a"), n.Endpoint("b"), n.Endpoint("c")
	a.Send("b", frame(0, "delivered"))
	n.DeliverAll()
	a.Send("b", frame(0, "queued"), frame(0, "held"))
	b.Send("c", frame(0, "from-b"))
	c.Send("a", frame(0, "c-a"))
	n.Crash("b")
	if got := b.Pending(); got != 0 {
		t.Errorf("b.Pending() after Crash = %d; want 0", got)
	}
	if got, want := heads(n), []string{"c>a:c-a"}; !slices.Equal(got, want) {
		t.Errorf("InFlight() after Crash(b) = %q; want %q", got, want)
	}
	if got := len(n.Held()); got != 0 {
		t.Errorf("len(Held()) after Crash(b) = %d; want 0", got)
	}
	if got := n.Stats().Dropped; got != 4 {
		t.Errorf("Stats().Dropped = %d; want 4", got)
	}
	a.Send("b", frame(0, "after"))
	n.DeliverAll()
	if got, want := drain(b), []string{"a:after"}; !slices.Equal(got, want) {
		t.Errorf("restarted b received %q; want %q", got, want)
	}
}

func TestSendErrors(t *testing.T) {
	l := transport.DefaultLimits
	l.MaxFrameBytes = 64
	n := NewNetwork(l, Hooks{})
	a := n.Endpoint("a")
	err := a.Send("b", frame(0, "ok"), transport.Frame{Payload: make([]byte, 64)})
	if !errors.Is(err, transport.ErrFrameTooLarge) || !strings.HasPrefix(err.Error(), "mem: send from a to b: ") {
		t.Errorf("Send(oversized) = %v; want mem: ... ErrFrameTooLarge", err)
	}
	if err := a.Send("", frame(0, "x")); err == nil {
		t.Errorf("Send(\"\") = nil; want an error")
	}
	if got := n.InFlight(); len(got) != 0 || n.Stats().Sent != 0 {
		t.Errorf("a refused Send queued %v", got)
	}
	if err := a.Send("b"); err != nil {
		t.Errorf("Send with no frames = %v; want nil", err)
	}
}

func TestLinkIsASender(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{})
	var s transport.Sender = n.Endpoint("w").Link("l")
	if err := s.Send(frame(0, "hi")); err != nil {
		t.Fatal(err)
	}
	n.DeliverAll()
	if got, want := drain(n.Endpoint("l")), []string{"w:hi"}; !slices.Equal(got, want) {
		t.Errorf("received %q; want %q", got, want)
	}
}

// TestReplay runs a random schedule with random loss, duplication and delay
// twice from one seed; the traces must be equal.
func TestReplay(t *testing.T) {
	seed := uint64(20260101)
	t.Logf("seed %d", seed)
	run := func() []string {
		rng := rand.New(rand.NewPCG(seed, 0))
		n := NewNetwork(transport.DefaultLimits, Hooks{
			Drop:      func(Message) bool { return rng.IntN(10) == 0 },
			Duplicate: func(Message) bool { return rng.IntN(10) == 0 },
			Delay:     func(Message) bool { return rng.IntN(5) == 0 },
		})
		names := []string{"a", "b", "c"}
		var trace []string
		for step := range 300 {
			from, to := names[rng.IntN(3)], names[rng.IntN(3)]
			n.Endpoint(from).Send(to, frame(uint32(step), fmt.Sprint(step)))
			if f := n.InFlight(); len(f) > 0 && rng.IntN(2) == 0 {
				trace = append(trace, n.Deliver(rng.IntN(len(f))).String())
			}
			if h := n.Held(); len(h) > 0 && rng.IntN(4) == 0 {
				n.Release(rng.IntN(len(h)))
			}
		}
		n.ReleaseAll()
		n.DeliverAll()
		for _, name := range names {
			trace = append(trace, drain(n.Endpoint(name))...)
		}
		return append(trace, fmt.Sprintf("%+v", n.Stats()))
	}
	first, second := run(), run()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("seed %d: two runs differ (-first +second):\n%s", seed, diff)
	}
}

func TestRewriteWithoutReceiverPanics(t *testing.T) {
	n := NewNetwork(transport.DefaultLimits, Hooks{Rewrite: func(m Message) []Message {
		m.To = ""
		return []Message{m}
	}})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "without sender or receiver") {
			t.Errorf("recover() = %v; want a panic naming the bad message", r)
		}
	}()
	n.Endpoint("a").Send("b", frame(0, "x"))
}
