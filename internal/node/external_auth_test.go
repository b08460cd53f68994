// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/pki"
)

// portCerts are a CA's server certificate for 127.0.0.1 and a client
// certificate, and a client certificate of another CA.
type portCerts struct {
	roots   *x509.CertPool // the CA, for clients and for the port
	server  tls.Certificate
	client  tls.Certificate
	foreign tls.Certificate
}

var (
	certsOnce sync.Once
	certs     portCerts
)

func testCerts(t *testing.T) portCerts {
	t.Helper()
	certsOnce.Do(func() {
		ca, err := pki.NewCA("ports")
		if err != nil {
			t.Fatal(err)
		}
		other, err := pki.NewCA("ports")
		if err != nil {
			t.Fatal(err)
		}
		certs.roots = x509.NewCertPool()
		certs.roots.AppendCertsFromPEM(ca.CertPEM())
		pair := func(ca *pki.CA, client bool) tls.Certificate {
			var p pki.Pair
			if client {
				p, err = ca.IssueClient("alice")
			} else {
				p, err = ca.IssueServer("127.0.0.1")
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := tls.X509KeyPair(p.CertPEM, p.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		certs.server, certs.client, certs.foreign = pair(ca, false), pair(ca, true), pair(other, true)
	})
	if certs.roots == nil {
		t.Fatal("making the test certificates failed")
	}
	return certs
}

// A port with a token takes in a client only after its AUTH line, answers
// OK before anything else (what the client sent behind the line is
// served), and answers a missing or wrong token with ERR and a close; the
// flow never hears of a client refused, and a client that says nothing is
// closed after AuthTimeout.
func TestPortToken(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	stats := &PortStats{}
	pn := startPortWith(t, compile.PortBidi, compile.FrameLines, strings.ToUpper, func(n *Node) {
		n.PortSecurity = PortSecurity{Token: "s3cret"}
		n.PortLimits.AuthTimeout = 300 * time.Millisecond
		n.PortStats = stats
	})
	good := dial(t, pn.addr)
	io.WriteString(good, "AUTH s3cret\r\nhello\n")
	gr := bufio.NewReader(good)
	if got := readLine(t, gr) + " " + readLine(t, gr); got != "OK HELLO" {
		t.Errorf("client with the token got %q; want %q", got, "OK HELLO")
	}

	for _, tc := range []struct{ send, want string }{
		{"AUTH nope\n", "ERR bad token"},
		{"hello\n", "ERR expected AUTH <token>"},
		{"AUTH s3cret2\n", "ERR bad token"},
	} {
		nc := dial(t, pn.addr)
		io.WriteString(nc, tc.send)
		r := bufio.NewReader(nc)
		if got := readLine(t, r); got != tc.want {
			t.Errorf("after %q: got %q; want %q", tc.send, got, tc.want)
		}
		if rest, err := io.ReadAll(r); err != nil || len(rest) > 0 {
			t.Errorf("after %q: then %q, %v; want the connection closed", tc.send, rest, err)
		}
	}
	silent := dial(t, pn.addr)
	if !closedWithin(silent, 10*time.Second) {
		t.Error("a client that sent no AUTH line is still open")
	}
	io.WriteString(good, "again\n")
	if got := readLine(t, gr); got != "AGAIN" {
		t.Errorf("client with the token got %q; want AGAIN", got)
	}
	pc := stats.Port("P")
	if a, f, r := pc.Accepted.Load(), pc.AuthFailed.Load(), pc.Refused.Load(); a != 1 || f != 3 || r != 1 {
		t.Errorf("accepted %d, auth failed %d, refused %d; want 1, 3, 1", a, f, r)
	}
	waitEvents(t, pn, map[uint64][]string{1: {"connect", "msg hello", "msg again"}})
	pn.logs.WaitFor(t, 10*time.Second, `msg="client refused: bad token"`)
}

// A TLS port that asks for client certificates serves a client with one of
// its CA's, and refuses one with none, one of another CA, and a plaintext
// client, each counted and logged; with a token as well, the AUTH line
// goes over TLS.
func TestPortTLSClientCert(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := testCerts(t)
	stats := &PortStats{}
	pn := startPortWith(t, compile.PortBidi, compile.FrameLines, strings.ToUpper, func(n *Node) {
		n.PortSecurity = PortSecurity{Token: "t", TLS: &tls.Config{Certificates: []tls.Certificate{cs.server},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: cs.roots}}
		n.PortLimits.AuthTimeout = 2 * time.Second
		n.PortStats = stats
	})
	dialTLS := func(certs ...tls.Certificate) net.Conn {
		nc := dial(t, pn.addr)
		return tls.Client(nc, &tls.Config{RootCAs: cs.roots, ServerName: "127.0.0.1", Certificates: certs})
	}
	good := dialTLS(cs.client)
	io.WriteString(good, "AUTH t\nhi\n")
	gr := bufio.NewReader(good)
	if got := readLine(t, gr) + " " + readLine(t, gr); got != "OK HI" {
		t.Errorf("client with a certificate got %q; want %q", got, "OK HI")
	}
	for name, nc := range map[string]net.Conn{"no certificate": dialTLS(), "another CA's": dialTLS(cs.foreign)} {
		io.WriteString(nc, "AUTH t\nhi\n")
		if got, err := io.ReadAll(nc); err == nil || len(got) > 0 {
			t.Errorf("client with %s certificate got %q, %v; want the handshake refused", name, got, err)
		}
	}
	plain := dial(t, pn.addr)
	io.WriteString(plain, "AUTH t\nhi\n")
	if got, _ := io.ReadAll(plain); len(got) > 0 && strings.Contains(string(got), "HI") {
		t.Errorf("plaintext client got %q; want nothing served", got)
	}
	pc := stats.Port("P")
	deadline := time.Now().Add(10 * time.Second)
	for pc.Refused.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if a, r := pc.Accepted.Load(), pc.Refused.Load(); a != 1 || r != 3 {
		t.Errorf("accepted %d, refused %d; want 1, 3", a, r)
	}
	pn.logs.WaitFor(t, 10*time.Second, `msg="client connected" port=P conn=1 remote=127.0.0.1`, "client=alice")
	pn.logs.WaitFor(t, 10*time.Second, `msg="client refused" port=P`, "TLS handshake")
	waitEvents(t, pn, map[uint64][]string{1: {"connect", "msg hi"}})
}

// Connections that never finish their handshake hold the port only until
// AuthTimeout, however many they are, and never the node: a client taken
// in before them is served meanwhile, and one after them gets in once
// they are closed.
func TestPortStalledHandshakes(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := testCerts(t)
	stats := &PortStats{}
	pn := startPortWith(t, compile.PortBidi, compile.FrameLines, strings.ToUpper, func(n *Node) {
		n.PortSecurity = PortSecurity{TLS: &tls.Config{Certificates: []tls.Certificate{cs.server}}}
		n.PortLimits.AuthTimeout = 500 * time.Millisecond
		n.PortLimits.MaxClients = 5
		n.PortStats = stats
	})
	client := func() (net.Conn, *bufio.Reader) {
		nc := tls.Client(dial(t, pn.addr), &tls.Config{RootCAs: cs.roots, ServerName: "127.0.0.1"})
		return nc, bufio.NewReader(nc)
	}
	first, fr := client()
	io.WriteString(first, "a\n")
	if got := readLine(t, fr); got != "A" {
		t.Fatalf("first client got %q; want A", got)
	}
	var stalled []net.Conn
	for range 20 { // past MaxClients: the rest wait in the accept queue
		stalled = append(stalled, dial(t, pn.addr))
	}
	io.WriteString(first, "b\n")
	if got := readLine(t, fr); got != "B" {
		t.Errorf("first client, with the port full of handshakes, got %q; want B", got)
	}
	for i, nc := range stalled {
		if !closedWithin(nc, 20*time.Second) {
			t.Fatalf("stalled connection %d still open", i)
		}
	}
	last, lr := client()
	io.WriteString(last, "c\n")
	if got := readLine(t, lr); got != "C" {
		t.Errorf("a client after the stalled ones got %q; want C", got)
	}
	if r := stats.Port("P").Refused.Load(); r != 20 {
		t.Errorf("refused %d; want 20", r)
	}
	// Stopping with a handshake under way closes it at once.
	dial(t, pn.addr)
	time.Sleep(50 * time.Millisecond) // NB: not a race: either way the stop must be quick
	start := time.Now()
	if err := pn.stop(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 400*time.Millisecond {
		t.Errorf("stop took %v with a handshake under way; want it cut short", took)
	}
}

// On a port that only sends, a client that sent its token gets OK first
// and then every message broadcast after: it is in the room before OK.
func TestPortOutToken(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	pn := startPortWith(t, compile.PortOut, compile.FrameLines, func(s string) string { return s + "!" }, func(n *Node) {
		n.PortSecurity = PortSecurity{Token: "t"}
	})
	a := dial(t, pn.addr)
	io.WriteString(a, "AUTH t\n")
	ar := bufio.NewReader(a)
	if got := readLine(t, ar); got != "OK" {
		t.Fatalf("got %q; want OK", got)
	}
	feed := strings.Split(strings.Split(pn.logs.String(), `port=Feed addr=`)[1], " ")[0]
	f := dial(t, feed)
	io.WriteString(f, "AUTH t\nx\ny\n")
	fr := bufio.NewReader(f)
	if got := readLine(t, fr); got != "OK" {
		t.Fatalf("feed got %q; want OK", got)
	}
	if got := readLine(t, ar) + " " + readLine(t, ar); got != "x! y!" {
		t.Errorf("got %q; want %q", got, "x! y!")
	}
}

// Past AcceptRate, connections wait: 12 clients at 10 per second, in
// bursts of 2, are taken in over about a second, and all of them are.
func TestPortAcceptRate(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	stats := &PortStats{}
	pn := startPortWith(t, compile.PortBidi, compile.FrameLines, strings.ToUpper, func(n *Node) {
		n.PortLimits.AcceptRate = 10
		n.PortLimits.AcceptBurst = 2
		n.PortStats = stats
	})
	pc := stats.Port("P")
	start := time.Now()
	for range 12 {
		dial(t, pn.addr)
	}
	deadline := start.Add(20 * time.Second)
	for pc.Accepted.Load() < 12 {
		if time.Now().After(deadline) {
			t.Fatalf("accepted %d of 12", pc.Accepted.Load())
		}
		time.Sleep(time.Millisecond)
	}
	// 2 at once, then one every 100 ms.
	if took := time.Since(start); took < 800*time.Millisecond {
		t.Errorf("12 clients taken in within %v; want 1 s at 10 per second (burst 2)", took)
	}
	if pc.RateLimited.Load() == 0 {
		t.Error("RateLimited = 0; want the stops counted")
	}
}

// closedWithin reports whether the server closed nc within d.
func closedWithin(nc net.Conn, d time.Duration) bool {
	nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, nc)
	return err == nil
}

// A TLS client that never reads is closed as too slow without holding up
// the node, which answers another client meanwhile and after.
func TestPortTLSSlowClient(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := testCerts(t)
	big := strings.Repeat("y", 32<<10)
	pn := startPortWith(t, compile.PortBidi, compile.FrameLines, func(s string) string {
		if s == "big" {
			return big
		}
		return strings.ToUpper(s)
	}, func(n *Node) {
		n.PortSecurity = PortSecurity{TLS: &tls.Config{Certificates: []tls.Certificate{cs.server}}}
		n.PortLimits.ClientQueueBytes = 256 << 10
	})
	client := func() (net.Conn, *bufio.Reader) {
		nc := tls.Client(dial(t, pn.addr), &tls.Config{RootCAs: cs.roots, ServerName: "127.0.0.1"})
		return nc, bufio.NewReader(nc)
	}
	good, gr := client()
	io.WriteString(good, "a\n")
	if got := readLine(t, gr); got != "A" {
		t.Fatalf("good client got %q; want A", got)
	}
	slow, _ := client() // asks for 32 KiB answers and never reads them
	go func() {
		// 64 answers of 32 KiB fill the socket's buffers and pass the
		// queue's bound: its writer is then stuck, and it is closed.
		for range 64 {
			if _, err := io.WriteString(slow, "big\nbig\n"); err != nil {
				return
			}
		}
	}()
	pn.logs.WaitFor(t, 20*time.Second, `msg="closing client: too slow"`)
	for i := range 5 {
		start := time.Now()
		io.WriteString(good, "b\n")
		if got := readLine(t, gr); got != "B" {
			t.Fatalf("good client got %q; want B", got)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("round trip %d after the slow client's close took %v; want well under the 5 s a close_notify may wait", i, d)
		}
	}
	slow.Close()
}

// blockedHandshakes is a port's TLS configuration whose handshake, when
// armed, stops on the port's side after its Finished is sent and before
// the client's is read: the client's handshake is over then, and its
// Dial returned.
type blockedHandshakes struct {
	cfg      *tls.Config
	mu       sync.Mutex
	armed    bool
	entered  chan struct{}
	released chan struct{}
}

func newBlockedHandshakes(cs portCerts) *blockedHandshakes {
	bh := &blockedHandshakes{entered: make(chan struct{}), released: make(chan struct{})}
	bh.cfg = &tls.Config{Certificates: []tls.Certificate{cs.server},
		VerifyConnection: func(tls.ConnectionState) error {
			bh.mu.Lock()
			armed := bh.armed
			bh.armed = false
			bh.mu.Unlock()
			if armed {
				close(bh.entered)
				<-bh.released
			}
			return nil
		}}
	return bh
}

func (bh *blockedHandshakes) arm() {
	bh.mu.Lock()
	bh.armed = true
	bh.mu.Unlock()
}

// outTLSClient dials addr over TLS, with the handshake done.
func outTLSClient(t *testing.T, cs portCerts, addr string) (*tls.Conn, *bufio.Reader) {
	t.Helper()
	nc := tls.Client(dial(t, addr), &tls.Config{RootCAs: cs.roots, ServerName: "127.0.0.1"})
	if err := nc.Handshake(); err != nil {
		t.Fatal(err)
	}
	return nc, bufio.NewReader(nc)
}

// A TLS client's Dial returns before the port has finished its side of the
// handshake: what a PortOut broadcasts in between is held for it and
// reaches it once it is taken in.
func TestPortOutTLSHandshakeGetsOutput(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := testCerts(t)
	bh := newBlockedHandshakes(cs)
	pn := startPortWith(t, compile.PortOut, compile.FrameLines, func(s string) string { return s + "!" }, func(n *Node) {
		n.PortSecurity = PortSecurity{TLS: bh.cfg}
	})
	feedAddr := strings.Split(strings.Split(pn.logs.String(), `port=Feed addr=`)[1], " ")[0]
	feed, _ := outTLSClient(t, cs, feedAddr)
	early, er := outTLSClient(t, cs, pn.addr)
	io.WriteString(feed, "w\n")
	if got := readLine(t, er); got != "w!" {
		t.Fatalf("first client got %q; want w!", got)
	}
	bh.arm()
	late, lr := outTLSClient(t, cs, pn.addr) // returns with the port's side blocked
	<-bh.entered
	io.WriteString(feed, "x\n")
	if got := readLine(t, er); got != "x!" {
		t.Fatalf("first client got %q; want x!", got)
	}
	close(bh.released) // x was broadcast before the late client was in
	if got := readLine(t, lr); got != "x!" {
		t.Errorf("client whose Dial returned before the port took it in got %q first; want x!", got)
	}
	io.WriteString(feed, "y\n")
	if got := readLine(t, lr); got != "y!" {
		t.Errorf("then got %q; want y!", got)
	}
	early.Close()
	late.Close()
	feed.Close()
}

// What is held for a client in its handshake is bounded: past
// ClientQueueBytes, the connection is closed and counted as too slow,
// while the clients already in are served.
func TestPortOutTLSHandshakeHoldBound(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := testCerts(t)
	bh := newBlockedHandshakes(cs)
	stats := &PortStats{}
	pn := startPortWith(t, compile.PortOut, compile.FrameLines, func(s string) string { return s + "!" }, func(n *Node) {
		n.PortSecurity = PortSecurity{TLS: bh.cfg}
		n.PortLimits.ClientQueueBytes = 40
		n.PortStats = stats
	})
	feedAddr := strings.Split(strings.Split(pn.logs.String(), `port=Feed addr=`)[1], " ")[0]
	feed, _ := outTLSClient(t, cs, feedAddr)
	early, er := outTLSClient(t, cs, pn.addr)
	io.WriteString(feed, "w\n")
	if got := readLine(t, er); got != "w!" {
		t.Fatalf("first client got %q; want w!", got)
	}
	bh.arm()
	late, _ := outTLSClient(t, cs, pn.addr)
	<-bh.entered
	for i := range 10 { // 10 lines of 8 bytes: past 40 bytes held
		fmt.Fprintf(feed, "line-%d\n", i)
		if got, want := readLine(t, er), fmt.Sprintf("line-%d!", i); got != want {
			t.Fatalf("first client got %q; want %q", got, want)
		}
	}
	close(bh.released)
	late.SetReadDeadline(time.Now().Add(10 * time.Second))
	if got, err := io.ReadAll(late); len(got) > 0 || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a client in its handshake past ClientQueueBytes read %q, %v; want its connection closed", got, err)
	}
	pn.logs.WaitFor(t, 10*time.Second, `msg="client refused: too slow"`)
	if s := stats.Port("P").Slow.Load(); s != 1 {
		t.Errorf("Slow = %d; want 1", s)
	}
	early.Close()
	feed.Close()
}
