// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
)

// TestRunHeldBounded: a receiver that stops reading makes the sender hold
// messages up to its bound and then take no more input (its channel's
// sender waits); once the receiver reads again, every message arrives
// once, in order.
func TestRunHeldBounded(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	if testing.Short() {
		t.Skip("moves 20 MB over loopback")
	}
	const (
		n       = 20000
		pad     = 1000
		maxHeld = 256 << 10
		// A tick's messages are held whole: the pump takes up to 1,024
		// values into one tick.
		tickMax = 1024 * (pad + 16)
	)
	f := &flow{}
	sender := f.location(ir.Process, "Sender")
	receiver := f.location(ir.Process, "Receiver")
	ch := make(chan int)
	gate := make(chan struct{})
	got := newCollector[string]()
	padded := mapSelf(f, chanSource(f, sender, ch), func(_ uint32, v int) string {
		return fmt.Sprintf("%06d", v) + strings.Repeat("x", pad)
	})
	sink(f, send[string](f, padded, receiver), func(m msg[string]) {
		<-gate
		got.add(m.V[:6])
	})
	fl := newNodes(t, f, nil)
	fl.views = map[string]*node.View{}
	fl.maxHeld, fl.queue = maxHeld, 64<<10
	fl.start("Receiver")
	fl.start("Sender")
	view := fl.views["Sender"]
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range n {
			ch <- i
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for view.HeldPeak() < maxHeld {
		if time.Now().After(deadline) {
			close(gate)
			t.Fatalf("the sender held at most %d bytes within 10 s; want its bound, %d", view.HeldPeak(), maxHeld)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // time to take more input, if it would
	select {
	case <-sent:
		t.Errorf("all %d messages were taken while the receiver read nothing; want the sender to wait", n)
	default:
	}
	close(gate)
	<-sent
	vs := got.wait(t, n, 20*time.Second)
	for i, v := range vs {
		if want := fmt.Sprintf("%06d", i); v != want {
			t.Fatalf("message %d is %s; want %s: messages lost, repeated or reordered", i, v, want)
		}
	}
	if p := view.HeldPeak(); p > maxHeld+tickMax {
		t.Errorf("the sender held %d bytes for the receiver; want at most %d (its bound) + %d (a tick)", p, maxHeld, tickMax)
	}
	t.Logf("held at most %d bytes", view.HeldPeak())
	fl.stopAll()
}
