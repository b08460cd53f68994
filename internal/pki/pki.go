// SPDX-License-Identifier: Apache-2.0

package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Scheme is the URI scheme of a node's identity.
const Scheme = "hydro"

// DefaultValidity is how long a certificate made by NewCA or Issue is
// valid.
const DefaultValidity = 365 * 24 * time.Hour

// Identity is who a certificate names: a node of a deployed flow.
type Identity struct {
	// Flow names the flow (the deployment's program).
	Flow string
	// Role is the node's role: "Leader" for a process, "Worker/1" for a
	// cluster member.
	Role string
}

// URI returns the identity as the URI a certificate carries:
// hydro:FLOW/ROLE.
func (id Identity) URI() *url.URL {
	return &url.URL{Scheme: Scheme, Opaque: url.PathEscape(id.Flow) + "/" + id.Role}
}

func (id Identity) String() string { return id.URI().String() }

// ParseURI reads an identity from its URI, refusing anything but
// hydro:FLOW/ROLE with a valid role.
func ParseURI(u *url.URL) (Identity, error) {
	if u.Scheme != Scheme || u.Opaque == "" {
		return Identity{}, fmt.Errorf("pki: identity %q: want %s:FLOW/ROLE", u, Scheme)
	}
	esc, role, ok := strings.Cut(u.Opaque, "/")
	flow, err := url.PathUnescape(esc)
	if !ok || err != nil || flow == "" {
		return Identity{}, fmt.Errorf("pki: identity %q: want %s:FLOW/ROLE", u, Scheme)
	}
	if err := ValidRole(role); err != nil {
		return Identity{}, fmt.Errorf("pki: identity %q: %w", u, err)
	}
	return Identity{Flow: flow, Role: role}, nil
}

// ValidRole checks that role is a location's name, followed for a cluster
// member by a slash and its member id.
func ValidRole(role string) error {
	loc, member, isMember := strings.Cut(role, "/")
	if loc == "" || strings.ContainsAny(loc, "/:?#% \t\n") {
		return fmt.Errorf("pki: bad role %q: want a location's name, or NAME/MEMBER", role)
	}
	if isMember {
		if _, err := strconv.ParseUint(member, 10, 32); err != nil || (len(member) > 1 && member[0] == '0') {
			return fmt.Errorf("pki: bad role %q: the member id must be a number", role)
		}
	}
	return nil
}

// IdentityOf returns the identity a certificate names: its one URI SAN of
// scheme hydro. It does not check who signed the certificate.
func IdentityOf(cert *x509.Certificate) (Identity, error) {
	var ids []Identity
	for _, u := range cert.URIs {
		if u.Scheme != Scheme {
			continue
		}
		id, err := ParseURI(u)
		if err != nil {
			return Identity{}, err
		}
		ids = append(ids, id)
	}
	switch len(ids) {
	case 0:
		return Identity{}, fmt.Errorf("pki: certificate %q names no node (no %s: URI)", cert.Subject.CommonName, Scheme)
	case 1:
		return ids[0], nil
	}
	return Identity{}, fmt.Errorf("pki: certificate %q names %d nodes; want one", cert.Subject.CommonName, len(ids))
}

// CA is a deployment's certificate authority.
type CA struct {
	flow    string
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
}

// NewCA makes a CA for one deployment of the flow named flow, with a new
// key.
func NewCA(flow string) (*CA, error) {
	if flow == "" {
		return nil, errors.New("pki: a CA needs the flow's name")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: making the CA's key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "hydro deployment CA for " + flow},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(DefaultValidity),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: making the CA's certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: reading the CA's certificate: %w", err)
	}
	return &CA{flow: flow, cert: cert, certPEM: pemBlock("CERTIFICATE", der), key: key}, nil
}

// CertPEM returns the CA's certificate, PEM-encoded: what every node of
// the deployment trusts.
func (ca *CA) CertPEM() []byte { return bytes.Clone(ca.certPEM) }

// Member is the certificate and private key of one node, PEM-encoded.
type Member struct {
	Identity Identity
	CertPEM  []byte
	KeyPEM   []byte
}

// Issue makes a key and a certificate for the node of the given role,
// for both sides of a mutual TLS connection.
func (ca *CA) Issue(role string) (Member, error) {
	if err := ValidRole(role); err != nil {
		return Member{}, err
	}
	id := Identity{Flow: ca.flow, Role: role}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Member{}, fmt.Errorf("pki: making the key of %s: %w", role, err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: id.String()},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(DefaultValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		URIs:         []*url.URL{id.URI()},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return Member{}, fmt.Errorf("pki: making the certificate of %s: %w", role, err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Member{}, fmt.Errorf("pki: encoding the key of %s: %w", role, err)
	}
	return Member{Identity: id, CertPEM: pemBlock("CERTIFICATE", der), KeyPEM: pemBlock("PRIVATE KEY", kder)}, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// serial returns a random 128-bit serial number.
func serial() *big.Int {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return new(big.Int).SetBytes(b[:])
}

// Credentials are what a node holds: its certificate and key, and the CA
// whose certificates it trusts.
type Credentials struct {
	// Self is the identity of the node's own certificate.
	Self Identity
	// Certificate is the node's certificate and key, for crypto/tls.
	Certificate tls.Certificate
	// Roots holds the deployment's CA certificate.
	Roots *x509.CertPool
}

// Load reads a node's credentials from PEM: the CA's certificate, the
// node's certificate and its private key. It checks that the key matches
// the certificate, that the CA signed it for mutual TLS, and that it names
// a node.
func Load(caPEM, certPEM, keyPEM []byte) (*Credentials, error) {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("pki: the CA certificate holds no PEM certificate")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("pki: the node's certificate and key: %w", err)
	}
	leaf := cert.Leaf
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}}); err != nil {
		return nil, fmt.Errorf("pki: the node's certificate is not one of the CA's: %w", err)
	}
	id, err := IdentityOf(leaf)
	if err != nil {
		return nil, err
	}
	return &Credentials{Self: id, Certificate: cert, Roots: roots}, nil
}

// Identify returns the role a peer's certificate names, which TLS has
// verified against c.Roots. It refuses a certificate of another flow.
func (c *Credentials) Identify(cert *x509.Certificate) (string, error) {
	id, err := IdentityOf(cert)
	if err != nil {
		return "", err
	}
	if id.Flow != c.Self.Flow {
		return "", fmt.Errorf("pki: certificate of %s is for flow %q, not %q", id.Role, id.Flow, c.Self.Flow)
	}
	return id.Role, nil
}
