// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

func TestBackoff(t *testing.T) {
	lo, hi := 10*time.Millisecond, time.Second
	rng := rand.New(rand.NewPCG(1, 2))
	for n, want := range []time.Duration{10, 20, 40, 80, 160, 320, 640, 1000, 1000} {
		want *= time.Millisecond
		for range 100 {
			if got := backoff(n, lo, hi, rng); got < want/2 || got > want {
				t.Fatalf("backoff(%d, %v, %v) = %v; want in [%v, %v]", n, lo, hi, got, want/2, want)
			}
		}
	}
	if got := backoff(1<<30, lo, hi, rng); got < hi/2 || got > hi {
		t.Errorf("backoff(2^30) = %v; want in [%v, %v]", got, hi/2, hi)
	}
	if defaultSeed("a", "b") == defaultSeed("b", "a") || defaultSeed("ab", "") == defaultSeed("a", "b") {
		t.Errorf("defaultSeed does not separate its arguments")
	}
}

func TestHello(t *testing.T) {
	for _, name := range []string{"Leader", "Worker/3", "é", strings.Repeat("x", MaxPeerName)} {
		for _, duplex := range []bool{false, true} {
			got, gotDuplex, err := readHello(bytes.NewReader(appendHello(nil, name, duplex)))
			if err != nil || got != name || gotDuplex != duplex {
				t.Errorf("readHello(appendHello(%q, %v)) = %q, %v, %v; want %q, %v", name, duplex, got, gotDuplex, err, name, duplex)
			}
		}
	}
	tests := []struct {
		name, wire, want string
	}{
		{"empty", "", "reading hello: EOF"},
		{"http", "GET / HTTP/1.1\r\n", `not a hydro peer: hello starts with "GET /"`},
		{"version", "HYD\x03\x01a", "unsupported hello version 3"},
		{"no name", "HYD\x01\x00", "empty peer name"},
		{"short name", "HYD\x01\x05ab", "reading hello name: unexpected EOF"},
		{"bad utf-8", "HYD\x01\x02\xff\xfe", "not valid UTF-8"},
	}
	for _, tt := range tests {
		_, _, err := readHello(strings.NewReader(tt.wire))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: readHello(%q) = %v; want an error containing %q", tt.name, tt.wire, err, tt.want)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", MaxPeerName+1), "\xff"} {
		if validName(bad) == nil {
			t.Errorf("validName(%q) = nil; want an error", bad)
		}
	}
}

func TestWholeFrames(t *testing.T) {
	frames := []transport.Frame{
		{Channel: 1, Payload: make([]byte, 4)},   // 10 bytes encoded
		{Channel: 300, Payload: make([]byte, 3)}, // 10 bytes
		{Payload: nil},                           // 6 bytes
	}
	tests := []struct{ n, whole, end int }{
		{0, 0, 0}, {9, 0, 0}, {10, 1, 10}, {19, 1, 10}, {20, 2, 20}, {25, 2, 20}, {26, 3, 26},
	}
	for _, tt := range tests {
		if whole, end := wholeFrames(frames, tt.n); whole != tt.whole || end != tt.end {
			t.Errorf("wholeFrames(%d bytes) = %d, %d; want %d, %d", tt.n, whole, end, tt.whole, tt.end)
		}
	}
}

// failingListener fails its first Accepts, then hands out conns, then
// fails for good once closed.
type failingListener struct {
	net.Listener // nil: only Accept is called
	fails        int
	conns        chan net.Conn
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, errors.New("too many open files")
	}
	nc, ok := <-l.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return nc, nil
}

// TestAcceptLoopRetries: failed Accepts are logged and retried, and the
// loop goes on serving; it ends when Accept fails after closing.
func TestAcceptLoopRetries(t *testing.T) {
	logger, recs := newRecorder()
	l := &failingListener{fails: 3, conns: make(chan net.Conn, 1)}
	a, b := net.Pipe()
	defer b.Close()
	l.conns <- a
	closing := make(chan struct{})
	served := make(chan net.Conn, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		AcceptLoop(l, closing, logger, func(nc net.Conn) { served <- nc })
	}()
	select {
	case nc := <-served:
		nc.Close()
	case <-time.After(testTimeout):
		t.Fatal("no connection served after failed Accepts")
	}
	if n := len(recs.find("ERROR", "tcp: accept failed; retrying", "too many open files")); n != 3 {
		t.Errorf("%d failed Accepts logged; want 3", n)
	}
	close(closing)
	close(l.conns)
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("AcceptLoop still running after closing")
	}
}
