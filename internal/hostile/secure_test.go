// SPDX-License-Identifier: Apache-2.0

package hostile

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/node"
)

// TestHostileSecurePort: an echo port with TLS and a token, MaxClients 32
// and AuthTimeout 1 s, under four kinds of hostile client at once: 150
// connections that never start their handshake, 8 that send an AUTH line
// of 4 MiB, 8 that get in and send a line of 8 MiB, and 4 that get in,
// send requests with large answers and never read. A client that got in
// before them is answered throughout, each round trip within 5 s; the heap
// grows by less than 64 MiB; every hostile connection is closed; and each
// kind is counted.
func TestHostileSecurePort(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	certs, err := deploy.IssuePortTLS([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := tls.X509KeyPair(certs.Server.Cert, certs.Server.Key)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certs.CA)

	f, port := echoFlow()
	fe := newFleet(t, f, nil, "hServer")
	addr := freeAddr(t)
	stats := &node.PortStats{}
	logs := &fleettest.Output{}
	fe.start("hServer", opts{ports: map[string]string{port: addr}, stats: stats, logs: logs,
		sec: node.PortSecurity{TLS: &tls.Config{Certificates: []tls.Certificate{srv}}, Token: "s3cret"},
		lim: node.PortLimits{MaxClients: 32, AuthTimeout: time.Second, ClientQueueBytes: 1 << 20}})
	logs.WaitFor(t, 10*time.Second, "external port listening")

	// in connects over TLS and sends first, then the bytes of flood, if
	// any, 64 KiB at a time, until the port closes the connection. The
	// bytes are shared: the test's own heap does not grow with them.
	in := func(first string, flood []byte) net.Conn {
		nc := tls.Client(dial(t, addr), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
		nc.SetDeadline(time.Now().Add(60 * time.Second))
		if _, err := io.WriteString(nc, first); err != nil {
			return nc
		}
		for len(flood) > 0 {
			n := min(len(flood), 64<<10)
			if _, err := nc.Write(flood[:n]); err != nil {
				return nc // closed by the port: expected
			}
			flood = flood[n:]
		}
		return nc
	}
	good := in("AUTH s3cret\n", nil)
	gr := bufio.NewReader(good)
	if s, err := gr.ReadString('\n'); err != nil || s != "OK\n" {
		t.Fatalf("the good client: %q, %v; want OK", s, err)
	}
	xs, ys := []byte(strings.Repeat("x", 4<<20)), []byte(strings.Repeat("y", 8<<20))
	req := []byte(strings.Repeat("z", 64<<10) + "\n")
	h := watchHeap()

	var hostile sync.WaitGroup
	closed := func(nc net.Conn) {
		nc.SetReadDeadline(time.Now().Add(60 * time.Second))
		if _, err := io.Copy(io.Discard, nc); err != nil && !strings.Contains(err.Error(), "reset") {
			t.Errorf("a hostile connection: %v; want it closed by the port", err)
		}
	}
	for range 150 { // never start the handshake
		hostile.Go(func() {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			defer nc.Close()
			closed(nc)
		})
	}
	for range 8 { // an AUTH line without end
		hostile.Go(func() {
			nc := in("AUTH ", xs)
			defer nc.Close()
			closed(nc)
		})
	}
	for range 8 { // in, then a line past the codec's limit
		hostile.Go(func() {
			nc := in("AUTH s3cret\n", ys)
			defer nc.Close()
			closed(nc)
		})
	}
	var slow []net.Conn
	var mu sync.Mutex
	for range 4 { // in, asking for 64 KiB answers, never reading
		hostile.Go(func() {
			nc := in("AUTH s3cret\n", nil)
			mu.Lock()
			slow = append(slow, nc)
			mu.Unlock()
			for range 64 {
				if _, err := nc.Write(req); err != nil {
					return // closed as too slow
				}
			}
		})
	}

	for i := range 20 {
		start := time.Now()
		io.WriteString(good, "ping\n")
		good.SetReadDeadline(time.Now().Add(30 * time.Second))
		if s, err := gr.ReadString('\n'); err != nil || s != "PING\n" {
			t.Fatalf("the good client, round %d: %q, %v", i, s, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the good client, round %d: answered in %v; want under 5 s", i, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	hostile.Wait()
	for _, nc := range slow {
		nc.Close()
	}
	grown := h.grown()
	pc := stats.Port(port)
	t.Logf("heap grew by %d KiB at most; refused %d, auth failed %d, slow %d, accepted %d", grown>>10,
		pc.Refused.Load(), pc.AuthFailed.Load(), pc.Slow.Load(), pc.Accepted.Load())
	if grown > 64<<20 {
		t.Errorf("the heap grew by %d MiB; want under 64", grown>>20)
	}
	// NB: on a loaded machine a TLS handshake of the others can outlast
	// AuthTimeout too, and count as refused: the sum is exact.
	if r, a, in := pc.Refused.Load(), pc.AuthFailed.Load(), pc.Accepted.Load(); r < 150 || a < 1 || r+a+in != 1+150+8+8+4 {
		t.Errorf("refused %d, auth failed %d, accepted %d; want at least 150 and 1, and every one of the 171 connections counted once", r, a, in)
	}
	logs.WaitFor(t, 10*time.Second, `msg="closing client: bad input"`)
}
