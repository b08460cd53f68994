// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hydro-go/hydro/internal/pki"
	"github.com/hydro-go/hydro/transport"
)

// fleetTLS makes a CA for flow and returns the TLS of each role, each
// accepting only the roles of fleet.
func fleetTLS(t *testing.T, flow string, fleet []string, roles ...string) map[string]TLS {
	t.Helper()
	ca, err := pki.NewCA(flow)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]TLS{}
	for _, role := range roles {
		m, err := ca.Issue(role)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := pki.Load(ca.CertPEM(), m.CertPEM, m.KeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		out[role] = TLS{Certificate: creds.Certificate, Roots: creds.Roots, Identify: func(c *x509.Certificate) (string, error) {
			name, err := creds.Identify(c)
			if err == nil && !slices.Contains(fleet, name) {
				err = fmt.Errorf("%s is not in the fleet", name)
			}
			return name, err
		}}
	}
	return out
}

func listenTLS(t *testing.T, cfg TLS) (*Listener, *records) {
	t.Helper()
	logger, log := newRecorder()
	ln, err := Listen(t.Context(), "127.0.0.1:0", transport.DefaultLimits, logger, WithTLS(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return ln, log
}

func TestTLSDelivers(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	ln, _ := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/0"]), fast)
	for i := range 50 {
		if err := c.Send(numbered(1, i*20, 20)...); err != nil {
			t.Fatal(err)
		}
	}
	checkNumbers(t, receive(t, ln, 1000), "Worker/0", 0)
	closeConn(t, c)
}

// TestTLSDuplex: two Listeners with TLS that dial each other share the
// connections both ways, each checking the other's certificate.
func TestTLSDuplex(t *testing.T) {
	fleet := []string{"A", "B"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	a, _ := listenTLS(t, certs["A"])
	b, _ := listenTLS(t, certs["B"])
	ab := a.Dial(t.Context(), "B", b.Addr().String(), "A", nil, fast)
	ba := b.Dial(t.Context(), "A", a.Addr().String(), "B", nil, fast)
	for i := range 10 {
		if err := ab.Send(numbered(1, i*10, 10)...); err != nil {
			t.Fatal(err)
		}
		if err := ba.Send(numbered(2, i*10, 10)...); err != nil {
			t.Fatal(err)
		}
	}
	checkNumbers(t, receive(t, b, 100), "A", 0)
	checkNumbers(t, receive(t, a, 100), "B", 0)
	closeConn(t, ab)
	closeConn(t, ba)
	closeListener(t, a)
	closeListener(t, b)
}

// refused checks that a peer is refused with a log line that gives why,
// and that none of its frames is delivered.
func refused(t *testing.T, ln *Listener, log *records, why string, c *Conn) {
	t.Helper()
	for i := range 5 {
		c.Send(numbered(1, i, 1)...)
	}
	eventually(t, "the listener refuses: "+why, func() bool {
		return len(log.find("ERROR", "tcp: refusing connection", why)) > 0
	})
	c.Close(canceled()) // what it queued is lost: an error
	select {
	case in := <-ln.Inbound():
		t.Errorf("delivered a frame from %q; want none", in.From)
	case <-time.After(20 * time.Millisecond):
	}
}

// TestTLSImpostor: a valid certificate of Worker/1 whose hello claims
// Worker/0 is refused.
func TestTLSImpostor(t *testing.T) {
	fleet := []string{"Leader", "Worker/0", "Worker/1"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	ln, log := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/1"]), fast)
	refused(t, ln, log, "impostor: a certificate of Worker/1 claims to be Worker/0", c)
}

func TestTLSPlaintextPeer(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	ln, log := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, fast)
	refused(t, ln, log, "not TLS (a plaintext peer?)", c)
}

func TestTLSForeignCA(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	foreign := fleetTLS(t, "f", fleet, fleet...)["Worker/0"] // same flow, another CA
	// The stranger trusts the deployment's CA, so that it is the listener
	// that refuses it.
	foreign.Roots = certs["Worker/0"].Roots
	ln, log := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(foreign), fast)
	refused(t, ln, log, "certificate not signed by this deployment's CA", c)
}

// TestTLSForeignCARefusesListener: a stranger that trusts only its own
// CA refuses the listener's certificate, which logs that it was refused.
func TestTLSForeignCARefusesListener(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	foreign := fleetTLS(t, "f", fleet, fleet...)
	ln, log := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(foreign["Worker/0"]), fast)
	refused(t, ln, log, "the peer refused this side's certificate", c)
}

// TestTLSNotInFleet: a certificate of the deployment for a role the
// listener's fleet does not have is refused.
func TestTLSNotInFleet(t *testing.T) {
	certs := fleetTLS(t, "f", []string{"Leader", "Worker/0"}, "Leader", "Worker/0", "Worker/7")
	ln, log := listenTLS(t, certs["Leader"])
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/7", transport.DefaultLimits, nil, WithTLS(certs["Worker/7"]), fast)
	refused(t, ln, log, "Worker/7 is not in the fleet", c)
}

// TestTLSDialerChecksListener: a Conn made to reach Leader refuses a
// listener whose certificate is another member's, and writes it nothing.
func TestTLSDialerChecksListener(t *testing.T) {
	fleet := []string{"Leader", "Worker/0", "Worker/1"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	other, _ := listenTLS(t, certs["Worker/1"]) // where Leader should be
	defer closeListener(t, other)
	self, _ := listenTLS(t, certs["Worker/0"])
	defer closeListener(t, self)
	logger, log := newRecorder()
	c := self.Dial(t.Context(), "Leader", other.Addr().String(), "Worker/0", logger, fast)
	c.Send(numbered(1, 0, 1)...)
	eventually(t, "the dialer refuses the listener", func() bool {
		return len(log.find("ERROR", "tcp: refusing the peer", "impostor: the listener's certificate is Worker/1's, not Leader's")) > 0
	})
	if st := c.Stats(); st.Connects != 0 || st.Sent != 0 {
		t.Errorf("Stats() = %+v; want no connection, nothing sent", st)
	}
	if err := c.Close(canceled()); err == nil {
		t.Error("Close() = nil with a frame unsent; want an error")
	}
}

// TestTLSPlainListener: a TLS dialer is refused by a plaintext listener,
// which logs a stranger's hello.
func TestTLSPlainListener(t *testing.T) {
	fleet := []string{"Leader", "Worker/0"}
	certs := fleetTLS(t, "f", fleet, fleet...)
	logger, log := newRecorder()
	ln := listen(t, "127.0.0.1:0", logger)
	defer closeListener(t, ln)
	c := Dial(t.Context(), ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, WithTLS(certs["Worker/0"]), fast)
	eventually(t, "the listener refuses", func() bool { return len(log.find("ERROR", "not a hydro peer")) > 0 })
	c.Close(canceled())
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
