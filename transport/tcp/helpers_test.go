// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fast makes redials quick enough for tests.
var fast = WithBackoff(2*time.Millisecond, 20*time.Millisecond)

// testTimeout bounds every wait in these tests; they pass in milliseconds.
const testTimeout = 10 * time.Second

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func listen(t *testing.T, addr string, logger *slog.Logger) *Listener {
	t.Helper()
	ln, err := Listen(t.Context(), addr, transport.DefaultLimits, logger)
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func closeListener(t *testing.T, ln *Listener) {
	t.Helper()
	if err := ln.Close(timeout(t)); err != nil {
		t.Errorf("Listener.Close() = %v", err)
	}
}

func closeConn(t *testing.T, c *Conn) {
	t.Helper()
	if err := c.Close(timeout(t)); err != nil {
		t.Errorf("Conn.Close() = %v", err)
	}
}

// freeAddr returns a loopback address nothing listens on (it did, briefly).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// numbered returns frames on channel ch whose payloads are the numbers
// from, from+1, ... (8 bytes, big-endian; not CBOR: the link does not care).
func numbered(ch uint32, from, n int) []transport.Frame {
	out := make([]transport.Frame, n)
	for i := range out {
		out[i] = transport.Frame{Channel: ch, Sender: ch, Payload: binary.BigEndian.AppendUint64(nil, uint64(from+i))}
	}
	return out
}

func number(f transport.Frame) int { return int(binary.BigEndian.Uint64(f.Payload)) }

// receive reads n frames from ln, failing the test after testTimeout.
func receive(t *testing.T, ln *Listener, n int) []Inbound {
	t.Helper()
	ctx := timeout(t)
	out := make([]Inbound, 0, n)
	for len(out) < n {
		select {
		case in, ok := <-ln.Inbound():
			if !ok {
				t.Fatalf("Inbound closed after %d of %d frames", len(out), n)
			}
			out = append(out, in)
		case <-ctx.Done():
			t.Fatalf("received %d of %d frames in %v", len(out), n, testTimeout)
		}
	}
	return out
}

// checkNumbers checks that ins are from peer, numbered from..from+len-1.
func checkNumbers(t *testing.T, ins []Inbound, peer string, from int) {
	t.Helper()
	for i, in := range ins {
		if in.From != peer || number(in.Frame) != from+i {
			t.Fatalf("frame %d = %s #%d; want %s #%d", i, in.From, number(in.Frame), peer, from+i)
		}
	}
}

// eventually polls cond until it holds, failing the test after testTimeout.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// recorder is a slog.Handler that keeps records for tests to inspect.
type recorder struct {
	attrs []slog.Attr
	log   *records
}

type records struct {
	mu   sync.Mutex
	recs []string // "LEVEL message key=value ..."
}

func newRecorder() (*slog.Logger, *records) {
	r := &records{}
	return slog.New(&recorder{log: r}), r
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.log.mu.Lock()
	h.log.recs = append(h.log.recs, b.String())
	h.log.mu.Unlock()
	return nil
}

func (h *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &recorder{attrs: append(slices.Clip(h.attrs), as...), log: h.log}
}

func (h *recorder) WithGroup(string) slog.Handler { return h }

// find returns the records containing every one of parts.
func (r *records) find(parts ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.recs {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(rec, p)
		}
		if all {
			out = append(out, rec)
		}
	}
	return out
}

func (r *records) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.recs, "\n")
}

// sendAll sends frames numbered from..from+n-1 in batches of varied sizes,
// retrying on backpressure.
func sendAll(t *testing.T, c *Conn, ch uint32, from, n int) {
	frames := numbered(ch, from, n)
	for sent, size := 0, 1; sent < n; size = size%20 + 1 {
		batch := frames[sent:min(sent+size, n)]
		if err := c.Send(batch...); errors.Is(err, ErrBackpressure) {
			time.Sleep(time.Millisecond)
			continue
		} else if err != nil {
			t.Errorf("Send() = %v", err)
			return
		}
		sent += len(batch)
	}
}
