// SPDX-License-Identifier: Apache-2.0

package pki_test

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/pki"
)

// A server certificate verifies for each of its hosts and for no other,
// and serves only as a server; a client certificate only as a client.
func TestIssueServerAndClient(t *testing.T) {
	ca, err := pki.NewCA("ports")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.CertPEM())
	srv, err := ca.IssueServer("127.0.0.1", "::1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	leaf := parse(t, srv)
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: host}); err != nil {
			t.Errorf("server certificate for %s: Verify = %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "10.0.0.1"}); err == nil {
		t.Error("server certificate verifies for 10.0.0.1, a host it does not name")
	}
	if _, err := pki.IdentityOf(leaf); err == nil {
		t.Error("IdentityOf(server certificate) = nil error; it must name no node")
	}

	cl, err := ca.IssueClient("alice")
	if err != nil {
		t.Fatal(err)
	}
	cleaf := parse(t, cl)
	if cleaf.Subject.CommonName != "alice" {
		t.Errorf("client certificate's name = %q; want alice", cleaf.Subject.CommonName)
	}
	if _, err := cleaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client certificate as a client: Verify = %v", err)
	}
	if _, err := cleaf.Verify(x509.VerifyOptions{Roots: roots}); err == nil {
		t.Error("client certificate verifies as a server's")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("server certificate verifies as a client's")
	}
}

func TestIssueServerRefuses(t *testing.T) {
	ca, _ := pki.NewCA("ports")
	for _, hosts := range [][]string{nil, {""}, {"bad host"}, {"a..b"}, {"-x_"}} {
		if _, err := ca.IssueServer(hosts...); err == nil || !strings.HasPrefix(err.Error(), "pki: ") {
			t.Errorf("IssueServer(%q) = %v; want a pki error", hosts, err)
		}
	}
	if _, err := ca.IssueClient(""); err == nil {
		t.Error(`IssueClient("") = nil error; want one`)
	}
}

func parse(t *testing.T, p pki.Pair) *x509.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair(p.CertPEM, p.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return c.Leaf
}
