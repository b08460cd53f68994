// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// pipeDialer is a dial function over net.Pipe for synctest bubbles: the
// first `refuse` dials fail, later ones hand the far end to the test.
type pipeDialer struct {
	refuse int
	peers  chan net.Conn

	mu    sync.Mutex
	times []time.Time // of every dial
}

func newPipeDialer(refuse int) *pipeDialer {
	return &pipeDialer{refuse: refuse, peers: make(chan net.Conn, 1)}
}

func (d *pipeDialer) dial(ctx context.Context, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.times = append(d.times, time.Now())
	n := len(d.times)
	d.mu.Unlock()
	if n <= d.refuse {
		return nil, errors.New("connection refused")
	}
	near, far := net.Pipe()
	d.peers <- far
	return near, nil
}

func (d *pipeDialer) dials() []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Time(nil), d.times...)
}

// accept reads the hello of the next connection and returns a frame
// Reader over it.
func (d *pipeDialer) accept(t *testing.T, want string) (net.Conn, *transport.Reader) {
	t.Helper()
	far := <-d.peers
	br := bufio.NewReaderSize(far, readBufSize)
	if name, _, err := readHello(br); err != nil || name != want {
		t.Fatalf("readHello() = %q, %v; want %q", name, err, want)
	}
	return far, transport.NewReader(br, transport.DefaultLimits)
}

func readNumbers(t *testing.T, r *transport.Reader, from, n int) {
	t.Helper()
	for i := range n {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("Next() = %v after %d frames", err, i)
		}
		if got := number(f); got != from+i {
			t.Fatalf("frame #%d = %d; want %d", i, got, from+i)
		}
	}
}

// TestBackoffSchedule: with the peer down, redials follow the exponential
// schedule with jitter, in fake time; queued frames go out once it is up.
func TestBackoffSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lo, hi := 10*time.Millisecond, 100*time.Millisecond
		d := newPipeDialer(7)
		c := Dial(t.Context(), "peer:1", "S", transport.DefaultLimits, nil,
			WithBackoff(lo, hi), WithDialFunc(d.dial), WithSeed(7))
		c.Send(numbered(0, 0, 5)...)
		far, r := d.accept(t, "S")
		readNumbers(t, r, 0, 5)
		times := d.dials()
		if len(times) != 8 {
			t.Fatalf("dialed %d times; want 8", len(times))
		}
		for i := 1; i < len(times); i++ {
			want := min(lo<<(i-1), hi)
			if gap := times[i].Sub(times[i-1]); gap < want/2 || gap > want {
				t.Errorf("wait before dial %d = %v; want in [%v, %v]", i+1, gap, want/2, want)
			}
		}
		closeConn(t, c)
		far.Close()
	})
}

// TestNoBusyLoop: a peer that accepts and hangs up at once is redialed
// with backoff, not in a loop.
func TestNoBusyLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newPipeDialer(0)
		go func() { // the peer: hang up on every connection
			for far := range d.peers {
				far.Close()
			}
		}()
		c := Dial(t.Context(), "peer:1", "S", transport.DefaultLimits, nil,
			WithBackoff(10*time.Millisecond, 100*time.Millisecond), WithDialFunc(d.dial))
		time.Sleep(time.Second)
		closeConn(t, c)
		close(d.peers)
		if n := len(d.dials()); n < 5 || n > 25 {
			t.Errorf("dialed %d times in a second; want between 5 and 25", n)
		}
	})
}

// TestReconnectKeepsOrder: the peer hangs up between two batches; the
// second goes out on a new connection, after the first, nothing lost.
func TestReconnectKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newPipeDialer(0)
		c := Dial(t.Context(), "peer:1", "S", transport.DefaultLimits, nil, fast, WithDialFunc(d.dial))
		c.Send(numbered(0, 0, 10)...)
		far, r := d.accept(t, "S")
		readNumbers(t, r, 0, 10)
		far.Close()
		synctest.Wait() // the Conn has noticed, and waits to redial
		if s := c.Stats(); s.Connected || s.Connects != 1 {
			t.Fatalf("Stats() after the hang-up = %+v; want disconnected", s)
		}
		c.Send(numbered(0, 10, 10)...)
		far, r = d.accept(t, "S")
		readNumbers(t, r, 10, 10)
		closeConn(t, c)
		if _, err := r.Next(); err == nil {
			t.Errorf("Next() after Close = nil error; want the connection closed")
		}
		far.Close()
		if s := c.Stats(); s.Sent != 20 || s.Lost != 0 {
			t.Errorf("Stats() = %+v; want 20 sent, none lost", s)
		}
	})
}

// TestCloseGivesUpOnStuckPeer: a peer that never reads makes the write
// block; Close's deadline unblocks it and counts the loss.
func TestCloseGivesUpOnStuckPeer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newPipeDialer(0)
		c := Dial(t.Context(), "peer:1", "S", transport.DefaultLimits, nil, WithDialFunc(d.dial))
		far := <-d.peers // never read: the hello write blocks
		c.Send(numbered(0, 0, 4)...)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		err := c.Close(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close() = %v; want DeadlineExceeded", err)
		}
		if s := c.Stats(); s.Lost != 4 {
			t.Errorf("Stats().Lost = %d; want 4", s.Lost)
		}
		far.Close()
	})
}
