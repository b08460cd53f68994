// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// helloPeer opens a connection to ln as a peer named name would, over TLS
// with cfg if it is set, and says hello: what a test then writes on it
// comes from a peer that does not follow the rules.
func helloPeer(t *testing.T, ln *Listener, name string, cfg *TLS) net.Conn {
	t.Helper()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	var nc net.Conn = raw
	if cfg != nil {
		var tc *tls.Conn
		if tc, _, err = WithTLS(*cfg).s.dial(timeout(t), raw, ""); err != nil {
			t.Fatal(err)
		}
		nc = tc
	}
	if _, err := nc.Write(appendHello(nil, name, false)); err != nil {
		t.Fatal(err)
	}
	return nc
}

// closedBy waits until the Listener closes nc, and returns how long that
// took from start.
func closedBy(t *testing.T, nc net.Conn, start time.Time) time.Duration {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(testTimeout))
	_, err := io.Copy(io.Discard, nc)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection is still open after %v", testTimeout)
	}
	return time.Since(start)
}

// TestIdleAfterHello: a connection that says hello and then nothing is
// closed after the idle timeout, logged and counted; the Listener serves
// on.
func TestIdleAfterHello(t *testing.T) {
	logger, log := newRecorder()
	const idle = 300 * time.Millisecond
	ln, err := Listen(t.Context(), "127.0.0.1:0", transport.DefaultLimits, logger, WithIdleTimeout(idle))
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	start := time.Now()
	nc := helloPeer(t, ln, "Quiet", nil)
	if d := closedBy(t, nc, start); d < idle {
		t.Errorf("closed after %v; want no sooner than the idle timeout, %v", d, idle)
	}
	eventually(t, "the idle connection counted", func() bool { return ln.Stats().Idle == 1 })
	if got := log.find("WARN", "tcp: closing idle connection", "peer=Quiet"); len(got) != 1 {
		t.Errorf("log has %q; want one warning naming the peer\n%s", got, log)
	}
	if s := ln.Stats(); s.Accepted != 1 || s.Open != 0 || s.Dropped() != 1 {
		t.Errorf("Stats() = %+v; want 1 accepted, none open, 1 dropped", s)
	}
	// The Listener serves on.
	c := Dial(t.Context(), ln.Addr().String(), "Next", transport.DefaultLimits, nil, fast)
	if err := c.Send(numbered(1, 0, 3)...); err != nil {
		t.Fatal(err)
	}
	checkNumbers(t, receive(t, ln, 3), "Next", 0)
	closeConn(t, c)
}

// TestKeepaliveKeepsQuietPeer: a Conn that has nothing to send for several
// idle timeouts keeps its connection with keepalives, which are not
// delivered; its next frame goes out on the same connection.
func TestKeepaliveKeepsQuietPeer(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	for _, secure := range []bool{false, true} {
		t.Run(tlsName(secure), func(t *testing.T) {
			const idle = time.Second
			lopts := []ListenOption{WithIdleTimeout(idle)}
			dopts := []DialOption{WithIdleTimeout(idle), fast}
			if secure {
				lopts = append(lopts, WithTLS(certs["Leader"]))
				dopts = append(dopts, WithTLS(certs["Worker/0"]))
			}
			ln, err := Listen(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, lopts...)
			if err != nil {
				t.Fatal(err)
			}
			defer closeListener(t, ln)
			c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, dopts...)
			defer closeConn(t, c)
			if err := c.Send(numbered(1, 0, 1)...); err != nil {
				t.Fatal(err)
			}
			checkNumbers(t, receive(t, ln, 1), "Worker/0", 0)
			// Quiet for 2.5 idle timeouts: a keepalive every third of one.
			eventually(t, "keepalives", func() bool { return ln.Stats().Keepalives >= 7 })
			if err := c.Send(numbered(1, 1, 1)...); err != nil {
				t.Fatal(err)
			}
			checkNumbers(t, receive(t, ln, 1), "Worker/0", 1)
			if s := c.Stats(); s.Connects != 1 || s.Lost != 0 {
				t.Errorf("Conn Stats() = %+v; want one connection, nothing lost", s)
			}
			if s := ln.Stats(); s.Idle != 0 || s.Frames != 2 || s.Accepted != 1 {
				t.Errorf("Listener Stats() = %+v; want 2 frames on 1 connection, none idle", s)
			}
		})
	}
}

func tlsName(secure bool) string {
	if secure {
		return "tls"
	}
	return "plain"
}

// TestFrameStalled: a peer that sends a frame, then half of one, and
// stops, has its connection closed after the frame timeout, not the idle
// timeout; the whole frame is delivered, the half is not.
func TestFrameStalled(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	for _, secure := range []bool{false, true} {
		t.Run(tlsName(secure), func(t *testing.T) {
			logger, log := newRecorder()
			const frame = 300 * time.Millisecond
			opts := []ListenOption{WithFrameTimeout(frame)}
			var cfg *TLS
			if secure {
				opts = append(opts, WithTLS(certs["Leader"]))
				peer := certs["Worker/0"]
				cfg = &peer
			}
			ln, err := Listen(t.Context(), "127.0.0.1:0", transport.DefaultLimits, logger, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer closeListener(t, ln)
			nc := helloPeer(t, ln, "Worker/0", cfg)
			whole := transport.AppendFrame(nil, numbered(1, 0, 1)[0])
			half := transport.AppendFrame(nil, numbered(1, 1, 1)[0])
			half = half[:len(half)/2]
			if _, err := nc.Write(whole); err != nil {
				t.Fatal(err)
			}
			checkNumbers(t, receive(t, ln, 1), "Worker/0", 0)
			start := time.Now()
			if _, err := nc.Write(half); err != nil {
				t.Fatal(err)
			}
			if d := closedBy(t, nc, start); d < frame {
				t.Errorf("closed after %v; want no sooner than the frame timeout, %v", d, frame)
			}
			eventually(t, "the stalled frame counted", func() bool { return ln.Stats().Stalled == 1 })
			if got := log.find("WARN", "tcp: closing connection: a frame stalled", "peer=Worker/0"); len(got) != 1 {
				t.Errorf("log has %q; want one warning naming the peer\n%s", got, log)
			}
			select {
			case in := <-ln.Inbound():
				t.Errorf("delivered %+v from the half frame", in)
			default:
			}
		})
	}
}

// TestKeepaliveKeepsPromise: a keepalive that arrives right after a frame
// makes the Handler's more true; as no frame follows, a call with none
// keeps the promise.
func TestKeepaliveKeepsPromise(t *testing.T) {
	var h handled
	ln, err := ListenFunc(t.Context(), "127.0.0.1:0", transport.DefaultLimits, nil, h.handle)
	if err != nil {
		t.Fatal(err)
	}
	defer closeListener(t, ln)
	nc := helloPeer(t, ln, "Peer", nil)
	defer nc.Close() // before the Listener's Close, which would wait for it
	both := transport.AppendFrame(nil, numbered(1, 0, 1)[0])
	both = append(both, keepaliveFrame...)
	if _, err := nc.Write(both); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two calls", func() bool { return h.count() == 2 })
	h.mu.Lock()
	defer h.mu.Unlock()
	checkNumbers(t, h.ins[:1], "Peer", 0)
	if !h.more[0] || h.ins[1].From != "" || h.more[1] {
		t.Errorf("calls %+v, more %v; want the frame with more, then a call with none", h.ins, h.more)
	}
	if s := ln.Stats(); s.Keepalives != 1 || s.Frames != 1 {
		t.Errorf("Stats() = %+v; want 1 frame, 1 keepalive", s)
	}
}

// TestListenerStats: frames and bytes in, and connections refused and
// closed for a bad frame.
func TestListenerStats(t *testing.T) {
	ln := listen(t, "127.0.0.1:0", nil)
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, fast)
	frames := numbered(1, 0, 10)
	if err := c.Send(frames...); err != nil {
		t.Fatal(err)
	}
	receive(t, ln, 10)
	if s := ln.Stats(); s.Frames != 10 || s.Bytes != uint64(10*transport.EncodedLen(frames[0])) || s.Accepted != 1 || s.Open != 1 {
		t.Errorf("Stats() = %+v; want 10 frames, %d bytes, 1 connection open", s, 10*transport.EncodedLen(frames[0]))
	}
	stranger, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	stranger.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	closedBy(t, stranger, time.Now())
	stranger.Close()
	bad := helloPeer(t, ln, "Bad", nil)
	bad.Write(binary.BigEndian.AppendUint32(nil, math.MaxUint32)) // too large
	closedBy(t, bad, time.Now())
	eventually(t, "both counted", func() bool { s := ln.Stats(); return s.Refused == 1 && s.Malformed == 1 })
	closeConn(t, c)
	eventually(t, "no connection open", func() bool { return ln.Stats().Open == 0 })
	if s := ln.Stats(); s.Dropped() != 2 || s.Accepted != 2 {
		t.Errorf("Stats() = %+v; want 2 accepted, 2 dropped", s)
	}
}

// TestSendRefusesKeepaliveChannel: the keepalive channel is reserved.
func TestSendRefusesKeepaliveChannel(t *testing.T) {
	c := Dial(t.Context(), freeAddr(t), "A", transport.DefaultLimits, nil, fast)
	defer c.Close(canceled())
	if err := c.Send(transport.Frame{Channel: keepaliveChannel, Payload: []byte{1}}); err == nil {
		t.Error("Send() on the keepalive channel = nil; want an error")
	}
	if s := c.Stats(); s.QueuedFrames != 0 {
		t.Errorf("Stats() = %+v; want nothing queued", s)
	}
}
