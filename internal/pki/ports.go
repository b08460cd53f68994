// SPDX-License-Identifier: Apache-2.0

package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Pair is a certificate and its private key, PEM-encoded: one that is not
// a node's, for the external ports (IssueServer, IssueClient).
type Pair struct {
	CertPEM []byte
	KeyPEM  []byte
}

// IssueServer makes a key and a certificate for a server reached at
// hosts, each an IP address ("127.0.0.1", "::1") or a DNS name
// ("localhost"): the certificate of a node's external ports, which their
// clients verify against the CA. It names no node, so no peer accepts it
// as one.
func (ca *CA) IssueServer(hosts ...string) (Pair, error) {
	if len(hosts) == 0 {
		return Pair{}, errors.New("pki: a server certificate needs at least one host")
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0]},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if a, err := netip.ParseAddr(h); err == nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, a.AsSlice())
			continue
		}
		if h == "" || !validDNSName(h) {
			return Pair{}, fmt.Errorf("pki: server host %q: want an IP address or a DNS name", h)
		}
		tmpl.DNSNames = append(tmpl.DNSNames, h)
	}
	return ca.issuePair(tmpl, "server "+hosts[0])
}

// IssueClient makes a key and a certificate for a client of the external
// ports, named name (its subject's common name): what a port that asks for
// client certificates signed by this CA accepts.
func (ca *CA) IssueClient(name string) (Pair, error) {
	if name == "" {
		return Pair{}, errors.New("pki: a client certificate needs a name")
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: name},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return ca.issuePair(tmpl, "client "+name)
}

// issuePair fills in the rest of tmpl, signs it with a new key and returns
// both.
func (ca *CA) issuePair(tmpl *x509.Certificate, what string) (Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: making the key of %s: %w", what, err)
	}
	now := time.Now()
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = now.Add(-time.Hour)
	tmpl.NotAfter = now.Add(DefaultValidity)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: making the certificate of %s: %w", what, err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: encoding the key of %s: %w", what, err)
	}
	return Pair{CertPEM: pemBlock("CERTIFICATE", der), KeyPEM: pemBlock("PRIVATE KEY", kder)}, nil
}

// validDNSName reports whether s is made of dot-separated labels of
// letters, digits and hyphens, none empty or longer than 63 bytes.
func validDNSName(s string) bool {
	if len(s) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		default:
			return false
		}
		label++
		if label > 63 {
			return false
		}
	}
	return label > 0
}
