// SPDX-License-Identifier: Apache-2.0

package pki_test

import (
	"crypto/x509"
	"net/url"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/pki"
)

func TestIssueAndLoad(t *testing.T) {
	ca, err := pki.NewCA("word count")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ca.Issue("Worker/1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pki.Load(ca.CertPEM(), m.CertPEM, m.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	want := pki.Identity{Flow: "word count", Role: "Worker/1"}
	if c.Self != want {
		t.Errorf("Load(...).Self = %+v; want %+v", c.Self, want)
	}
	if got := c.Certificate.Leaf.URIs[0].String(); got != "hydro:word%20count/Worker/1" {
		t.Errorf("URI SAN = %s; want hydro:word%%20count/Worker/1", got)
	}
	if role, err := c.Identify(c.Certificate.Leaf); err != nil || role != "Worker/1" {
		t.Errorf("Identify(own) = %q, %v; want Worker/1", role, err)
	}
	if c.Certificate.Leaf.MaxPathLenZero || len(c.Certificate.Leaf.DNSNames)+len(c.Certificate.Leaf.IPAddresses) != 0 {
		t.Errorf("member certificate has names other than its URI")
	}
}

func TestLoadRefuses(t *testing.T) {
	ca, _ := pki.NewCA("f")
	other, _ := pki.NewCA("f")
	m, _ := ca.Issue("Leader")
	n, _ := ca.Issue("Worker/0")
	for _, tc := range []struct {
		name          string
		ca, cert, key []byte
		want          string
	}{
		{"foreign CA", other.CertPEM(), m.CertPEM, m.KeyPEM, "not one of the CA's"},
		{"key of another", ca.CertPEM(), m.CertPEM, n.KeyPEM, "certificate and key"},
		{"no CA", nil, m.CertPEM, m.KeyPEM, "no PEM certificate"},
	} {
		if _, err := pki.Load(tc.ca, tc.cert, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load = %v; want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestIdentifyOtherFlow(t *testing.T) {
	ca, _ := pki.NewCA("a")
	m, _ := ca.Issue("Leader")
	c, _ := pki.Load(ca.CertPEM(), m.CertPEM, m.KeyPEM)
	cb, _ := pki.NewCA("b")
	mb, _ := cb.Issue("Leader")
	cc, _ := pki.Load(cb.CertPEM(), mb.CertPEM, mb.KeyPEM)
	if _, err := c.Identify(cc.Certificate.Leaf); err == nil || !strings.Contains(err.Error(), `for flow "b"`) {
		t.Errorf("Identify(cert of flow b) = %v; want refused", err)
	}
}

func TestParseURI(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want pki.Identity
		ok   bool
	}{
		{"hydro:f/Leader", pki.Identity{Flow: "f", Role: "Leader"}, true},
		{"hydro:f/Worker/12", pki.Identity{Flow: "f", Role: "Worker/12"}, true},
		{"hydro:a%2Fb/Worker/0", pki.Identity{Flow: "a/b", Role: "Worker/0"}, true},
		{"hydro:f/Worker/x", pki.Identity{}, false},
		{"hydro:f/Worker/01", pki.Identity{}, false},
		{"hydro:f/Worker/1/2", pki.Identity{}, false},
		{"hydro:f", pki.Identity{}, false},
		{"hydro:/Leader", pki.Identity{}, false},
		{"spiffe://f/Leader", pki.Identity{}, false},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pki.ParseURI(u)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseURI(%s) = %+v, %v; want %+v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestIdentityOfNone(t *testing.T) {
	if _, err := pki.IdentityOf(&x509.Certificate{}); err == nil {
		t.Error("IdentityOf(no URI) = nil error")
	}
}
