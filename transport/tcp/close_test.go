// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// TestCloseLetsPeerReadEverything: a Conn closes a duplex connection while
// frames the peer wrote back sit unread in its receive buffer (its Handler
// is slow) and frames it wrote sit in the socket buffers (the peer's
// Handler is slow too). Closing the socket at once would reset the
// connection and discard frames Close counted as written; Close lets the
// peer read them first.
func TestCloseLetsPeerReadEverything(t *testing.T) {
	aEntered, aGate := make(chan struct{}, 1), make(chan struct{}) // A's Handler waits on frames from B
	ha := &handled{}
	aln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, func(in Inbound, more bool) {
		if in.Frame.Channel == 2 {
			select {
			case aEntered <- struct{}{}:
			default:
			}
			<-aGate
		}
		ha.handle(in, more)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, aln)
	bGate := make(chan struct{})
	hb := &handled{gate: bGate}
	bln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, hb.handle)
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, bln)
	a, b := node{aln, ha}, node{bln, hb}
	ab := aln.Dial(t.Context(), "B", bln.Addr().String(), "A", nil, fast, WithQueueBytes(64<<20))
	defer ab.Close(timeout(t)) // if the test fails before it does
	if err := ab.Send(numbered(1, 0, 1)...); err != nil {
		t.Fatal(err)
	}
	bGate <- struct{}{}
	eventually(t, "B has frame 0", func() bool { return hb.count() == 1 })
	ba := b.dial(t, "B", "A", a) // writes on A's connection
	defer closeConn(t, ba)
	openA := sync.OnceFunc(func() { close(aGate) })
	defer openA()
	// B writes 4 MiB that A does not read: its Handler waits on the first.
	big := func(ch uint32, i int) transport.Frame {
		f := numbered(ch, i, 1)[0]
		f.Payload = append(f.Payload, bytes.Repeat([]byte{byte(ch)}, 64<<10)...)
		return f
	}
	if err := ba.Send(big(2, 0)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-aEntered:
	case <-time.After(testTimeout):
		t.Fatal("B's first frame not handed to A's Handler")
	}
	var back []transport.Frame
	for i := 1; i < 64; i++ {
		back = append(back, big(2, i))
	}
	if err := ba.Send(back...); err != nil {
		t.Fatal(err)
	}
	size := len(frameBytes(back))
	eventually(t, "B's frames written in part", func() bool { return ba.Stats().QueuedBytes < size })
	// A writes 8 MiB that B does not read yet: they wait in the sockets.
	const n = 128
	for i := 1; i <= n; i++ {
		if err := ab.Send(big(1, i)); err != nil {
			t.Fatal(err)
		}
	}
	time.AfterFunc(100*time.Millisecond, func() { close(bGate) })
	var opener sync.WaitGroup
	defer opener.Wait()
	opener.Go(func() {
		// Once A's Conn has written everything and its connection would
		// be closed, A reads again.
		for deadline := time.Now().Add(testTimeout); ab.Stats().Sent < n+1 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		openA()
	})
	if err := ab.Close(timeout(t)); err != nil {
		t.Errorf("A's Conn: Close() = %v", err)
	}
	if s := ab.Stats(); s.Sent != n+1 || s.Lost != 0 {
		t.Errorf("A's Conn: Stats() = %+v; want %d sent, none lost", s, n+1)
	}
	eventually(t, "B has every frame A's Close reported written", func() bool { return hb.count() == n+1 })
	checkNumbers(t, b.from("A"), "A", 0)
}
