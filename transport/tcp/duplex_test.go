// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"context"
	"encoding/binary"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// node is one side of a duplex test: a Listener with a Handler, and the
// frames it was handed.
type node struct {
	ln *Listener
	h  *handled
}

func newNode(t *testing.T, addr string) node {
	t.Helper()
	h := &handled{}
	ln, err := ListenFunc(t.Context(), addr, transport.DefaultLimits, nil, h.handle)
	if err != nil {
		t.Fatal(err)
	}
	return node{ln: ln, h: h}
}

func (n node) dial(t *testing.T, self, peer string, to node) *Conn {
	return n.ln.Dial(t.Context(), peer, to.ln.Addr().String(), self, nil, fast)
}

// accepted returns how many connections peers opened to n are open.
func (n node) accepted() int {
	n.ln.mu.Lock()
	defer n.ln.mu.Unlock()
	return len(n.ln.mu.conns)
}

// from returns the frames n was handed from peer.
func (n node) from(peer string) []Inbound {
	n.h.mu.Lock()
	defer n.h.mu.Unlock()
	var out []Inbound
	for _, in := range n.h.ins {
		if in.From == peer {
			out = append(out, in)
		}
	}
	return out
}

// TestDuplexOneConnection: A dials B and sends; B's Conn to A then writes
// on the connection A opened: one TCP connection carries both ways.
func TestDuplexOneConnection(t *testing.T) {
	a, b := newNode(t, "127.0.0.1:0"), newNode(t, "127.0.0.1:0")
	defer closeListener(t, a.ln)
	defer closeListener(t, b.ln)
	ab := a.dial(t, "A", "B", b)
	sendAll(t, ab, 1, 0, 100)
	eventually(t, "B has A's frames", func() bool { return len(b.from("A")) == 100 })
	ba := b.dial(t, "B", "A", a)
	sendAll(t, ba, 2, 0, 100)
	eventually(t, "A has B's frames", func() bool { return len(a.from("B")) == 100 })
	checkNumbers(t, b.from("A"), "A", 0)
	checkNumbers(t, a.from("B"), "B", 0)
	if n, m := a.accepted(), b.accepted(); n != 0 || m != 1 {
		t.Errorf("connections accepted: A %d, B %d; want 0 and 1 (one connection for both ways)", n, m)
	}
	// The writer counts frames sent once its write returns, which may be
	// after the peer has them.
	eventually(t, "B's Conn counts 100 sent", func() bool { return ba.Stats().Sent == 100 })
	if s := ba.Stats(); s.Connects != 1 {
		t.Errorf("B's Conn: Stats() = %+v; want 1 connect", s)
	}
	closeConn(t, ba)
	closeConn(t, ab)
}

// TestDuplexBothDialAtOnce: two nodes dial each other at the same moment
// and stream both ways; whether they end up sharing one connection or
// using two, every frame arrives once and in order.
func TestDuplexBothDialAtOnce(t *testing.T) {
	const n = 500
	for range 20 {
		a, b := newNode(t, "127.0.0.1:0"), newNode(t, "127.0.0.1:0")
		var ab, ba *Conn
		var wg sync.WaitGroup
		wg.Go(func() { ab = a.dial(t, "A", "B", b); sendAll(t, ab, 1, 0, n) })
		wg.Go(func() { ba = b.dial(t, "B", "A", a); sendAll(t, ba, 2, 0, n) })
		wg.Wait()
		eventually(t, "both have every frame", func() bool { return len(a.from("B")) == n && len(b.from("A")) == n })
		checkNumbers(t, b.from("A"), "A", 0)
		checkNumbers(t, a.from("B"), "B", 0)
		closeConn(t, ab)
		closeConn(t, ba)
		closeListener(t, a.ln)
		closeListener(t, b.ln)
	}
}

// TestDuplexPeerRestarts: B stops and starts again at the same address;
// the nodes reconnect, and what each sends afterwards arrives in order.
func TestDuplexPeerRestarts(t *testing.T) {
	a, b := newNode(t, "127.0.0.1:0"), newNode(t, "127.0.0.1:0")
	defer closeListener(t, a.ln)
	ab := a.dial(t, "A", "B", b)
	defer closeConn(t, ab)
	sendAll(t, ab, 1, 0, 10)
	eventually(t, "B has A's frames", func() bool { return len(b.from("A")) == 10 })
	ba := b.dial(t, "B", "A", a)
	sendAll(t, ba, 2, 0, 10)
	eventually(t, "A has B's frames", func() bool { return len(a.from("B")) == 10 })

	closeConn(t, ba)
	closeListener(t, b.ln)
	eventually(t, "A's Conn sees B gone", func() bool { return !ab.Stats().Connected })
	b2 := newNode(t, b.ln.Addr().String())
	defer closeListener(t, b2.ln)
	ba2 := b2.dial(t, "B", "A", a)
	defer closeConn(t, ba2)
	sendAll(t, ba2, 2, 10, 50)
	sendAll(t, ab, 1, 10, 50)
	eventually(t, "both have the frames sent after the restart", func() bool {
		return len(a.from("B")) == 60 && len(b2.from("A")) >= 50
	})
	checkNumbers(t, a.from("B"), "B", 0)
	got := b2.from("A") // A's frames sent while B was down may be lost, never reordered
	checkNumbers(t, got, "A", 60-len(got))
}

// TestDuplexOneWayDialerNotAdopted: a Conn made by the package's Dial reads
// nothing, so B's Conn to it dials A's Listener rather than writing on the
// connection A opened.
func TestDuplexOneWayDialerNotAdopted(t *testing.T) {
	a, b := newNode(t, "127.0.0.1:0"), newNode(t, "127.0.0.1:0")
	defer closeListener(t, a.ln)
	defer closeListener(t, b.ln)
	oneWay := Dial(t.Context(), b.ln.Addr().String(), "A", transport.DefaultLimits, nil, fast)
	defer closeConn(t, oneWay)
	sendAll(t, oneWay, 1, 0, 10)
	eventually(t, "B has A's frames", func() bool { return len(b.from("A")) == 10 })
	ba := b.dial(t, "B", "A", a)
	defer closeConn(t, ba)
	sendAll(t, ba, 2, 0, 10)
	eventually(t, "A has B's frames", func() bool { return len(a.from("B")) == 10 })
	checkNumbers(t, a.from("B"), "B", 0)
	if n := a.accepted(); n != 1 {
		t.Errorf("A accepted %d connections; want 1, B's own", n)
	}
}

// TestDuplexBadFrameBack: a peer that writes a malformed frame back on the
// connection a Conn dialed gets that connection closed and logged with its
// name; the Conn dials again and the node goes on.
func TestDuplexBadFrameBack(t *testing.T) {
	logger, recs := newRecorder()
	h := &handled{}
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, logger, h.handle)
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	fake, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	c := ln.Dial(t.Context(), "Rogue", fake.Addr().String(), "A", logger, fast)
	defer closeConn(t, c)
	for i := range 2 {
		nc, err := fake.Accept()
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(nc)
		if name, duplex, err := readHello(br); err != nil || name != "A" || !duplex {
			t.Fatalf("connection %d: hello = %q, duplex %v, %v; want A, duplex", i, name, duplex, err)
		}
		if i == 1 {
			nc.Close()
			break
		}
		nc.Write([]byte{0, 0, 0, 1, 0}) // a frame too short for its ids
		eventually(t, "the bad frame logged", func() bool {
			return len(recs.find("ERROR", "bad frame", "peer=Rogue", "too short")) == 1
		})
		nc.Close()
	}
	if n := h.count(); n != 0 {
		t.Errorf("%d frames handed over from a peer that sent only a bad one", n)
	}
}

// TestClaimChain: three connections from one peer take over in turn while
// the first one's frame is in the Handler. The second is replaced before
// it delivers; the third must still wait for the first, not only for the
// second, so that the peer's frames are never handled at once or out of
// order.
func TestClaimChain(t *testing.T) {
	entered, gate := make(chan struct{}), make(chan struct{})
	var inflight atomic.Int32
	var mu sync.Mutex
	var order []int
	overlap := false
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, func(in Inbound, more bool) {
		if in.From == "" {
			return
		}
		if inflight.Add(1) > 1 {
			mu.Lock()
			overlap = true
			mu.Unlock()
		}
		defer inflight.Add(-1)
		n := number(in.Frame)
		if n == 0 {
			close(entered)
			<-gate // a long tick
		}
		mu.Lock()
		order = append(order, n)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	delivering := func() *peerConn {
		ln.mu.Lock()
		defer ln.mu.Unlock()
		return ln.mu.delivering["B"]
	}
	hello := appendHello(nil, "B", true)
	connect := func(from, n int) {
		rawPeer(t, ln.Addr().String(), append(hello, frameBytes(numbered(1, from, n))...))
	}
	connect(0, 1)
	<-entered
	o := delivering()
	connect(100, 1)
	eventually(t, "P claims, and waits for O", func() bool { return delivering() != o })
	p := delivering()
	connect(200, 3)
	eventually(t, "Q claims, halting P", func() bool { return delivering() != p && p.halted() })
	time.Sleep(50 * time.Millisecond) // room for Q to deliver too soon
	mu.Lock()
	if len(order) != 0 || overlap {
		t.Errorf("while O's frame is in the Handler: handled %v, overlap %v; want nothing", order, overlap)
	}
	mu.Unlock()
	close(gate)
	eventually(t, "Q's frames handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order) == 4
	})
	mu.Lock()
	defer mu.Unlock()
	if want := []int{0, 200, 201, 202}; !slices.Equal(order, want) || overlap {
		t.Errorf("handled %v, overlap %v; want %v one at a time (P's frame lost with P)", order, overlap, want)
	}
}

// TestListenerClosedBeforeItsConns: a Listener closed while the peer of a
// Conn it dialed keeps writing back on the Conn's connection. Its Close
// waits for the Conn's reader: nothing is sent on the closed Inbound (a
// panic) and the Handler is not called after Close returns. The Conn goes
// on writing on its connection.
func TestListenerClosedBeforeItsConns(t *testing.T) {
	for _, mode := range []string{"Inbound", "Handler"} {
		t.Run(mode, func(t *testing.T) {
			var closed, after atomic.Int32
			var a *Listener
			drained := make(chan struct{})
			if mode == "Inbound" {
				a = listen(t, "127.0.0.1:0", nil)
				go func() {
					defer close(drained)
					for range a.Inbound() {
					}
				}()
			} else {
				var err error
				a, err = ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, func(Inbound, bool) {
					if closed.Load() == 1 {
						after.Add(1)
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				close(drained)
			}
			b := newNode(t, "127.0.0.1:0")
			defer closeListener(t, b.ln)
			ab := a.Dial(t.Context(), "B", b.ln.Addr().String(), "A", nil, fast)
			defer closeConn(t, ab)
			sendAll(t, ab, 1, 0, 10)
			eventually(t, "B has A's frames", func() bool { return len(b.from("A")) == 10 })
			ba := b.dial(t, "B", "A", node{ln: a}) // writes on ab's connection
			defer closeConn(t, ba)
			stop := make(chan struct{})
			var sender sync.WaitGroup
			sender.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					ba.Send(numbered(2, i, 1)...)
					time.Sleep(50 * time.Microsecond)
				}
			})
			time.Sleep(20 * time.Millisecond)
			closeListener(t, a)
			closed.Store(1)
			<-drained // Inbound is closed
			sent := ba.Stats().Sent
			eventually(t, "B's Conn writes more", func() bool { return ba.Stats().Sent > sent+100 })
			close(stop)
			sender.Wait()
			if n := after.Load(); n != 0 {
				t.Errorf("Handler called %d times after Close returned", n)
			}
			sendAll(t, ab, 1, 10, 10)
			eventually(t, "B has A's frames sent after A's Listener closed", func() bool { return len(b.from("A")) == 20 })
			checkNumbers(t, b.from("A"), "A", 0)
			if s := ab.Stats(); s.Connects != 1 {
				t.Errorf("A's Conn: Stats() = %+v; want its one connection kept", s)
			}
		})
	}
}

// TestListenerCloseDrains: A writes back on the connection B opened, and
// its Listener closes while B still sends and reads slowly. A tells B and
// reads on until B closes, rather than resetting the connection with B's
// frames unread: every frame A wrote reaches B.
func TestListenerCloseDrains(t *testing.T) {
	ha := &handled{}
	la, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, ha.handle)
	if err != nil {
		t.Fatal(err)
	}
	a := node{ln: la, h: ha}
	hb := &handled{gate: make(chan struct{}), delay: time.Millisecond}
	lb, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, hb.handle)
	if err != nil {
		t.Fatal(err)
	}
	b := node{ln: lb, h: hb}
	defer closeListener(t, b.ln)
	ba := b.dial(t, "B", "A", a)
	defer func() { // A is gone: what B still queued for it is lost
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		ba.Close(ctx)
	}()
	sendAll(t, ba, 2, 0, 1)
	eventually(t, "A has B's first frame", func() bool { return len(a.from("B")) == 1 })

	// B keeps sending; A answers on B's connection with more than the
	// sockets hold, which B reads slowly.
	stopB := make(chan struct{})
	var sending sync.WaitGroup
	sending.Go(func() {
		for i := 1; ; i++ {
			select {
			case <-stopB:
				return
			default:
			}
			ba.Send(numbered(2, i, 1)...) // refused once A is gone: fine
			time.Sleep(100 * time.Microsecond)
		}
	})
	defer func() { close(stopB); sending.Wait() }()
	ab := a.dial(t, "A", "B", b)
	const n, size = 64, 64 << 10
	for i := range n {
		p := make([]byte, size)
		binary.BigEndian.PutUint64(p, uint64(i))
		if err := ab.Send(transport.Frame{Channel: 1, Sender: 1, Payload: p}); err != nil {
			t.Fatal(err)
		}
	}
	close(hb.gate)
	closeConn(t, ab)       // all written to the socket, not all received
	closeListener(t, a.ln) // with B's latest frames unread
	eventually(t, "B has every frame A sent", func() bool { return len(b.from("A")) == n })
	for i, in := range b.from("A") {
		if got := int(binary.BigEndian.Uint64(in.Frame.Payload)); got != i {
			t.Fatalf("frame %d from A is #%d", i, got)
		}
	}
}
