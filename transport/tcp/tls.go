// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"
)

// TLS makes a Listener and the Conns that dial with it speak mutual TLS
// 1.3: each side presents Certificate, accepts only a certificate that
// Roots signed, and learns from Identify which peer the certificate names.
// A Listener serves a connection only if the name its hello gives is the
// name its certificate has; a Conn made by Listener.Dial writes only to the
// peer it was asked to reach. See the package's Security section.
type TLS struct {
	// Certificate is this side's certificate chain and private key,
	// presented both when accepting and when dialing.
	Certificate tls.Certificate
	// Roots are the authorities whose certificates are accepted: a
	// deployment's CA.
	Roots *x509.CertPool
	// Identify returns the peer name a certificate that Roots signed
	// stands for ("Worker/1"), or an error if it stands for no peer this
	// side talks to. It is called on the goroutine of the connection, once
	// per handshake, and must be safe for concurrent use.
	Identify func(cert *x509.Certificate) (string, error)
}

// TLSOption is both a DialOption and a ListenOption: see WithTLS.
type TLSOption struct{ s *tlsSetup }

// WithTLS makes connections speak mutual TLS 1.3 with t (see TLS). Given
// to Listen or ListenFunc, it applies to the connections the Listener
// accepts and to the Conns its Dial makes; given to Dial, to that Conn's
// connections. WithTLS panics if t has no certificate, no Roots or no
// Identify: that is configuration.
func WithTLS(t TLS) TLSOption {
	if len(t.Certificate.Certificate) == 0 || t.Roots == nil || t.Identify == nil {
		panic("tcp: WithTLS needs a Certificate, Roots and Identify")
	}
	s := &tlsSetup{identify: t.Identify}
	s.server = &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{t.Certificate},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    t.Roots,
		// Every connection proves its certificate anew: a resumed
		// session would skip what Identify checks.
		SessionTicketsDisabled: true,
	}
	roots := t.Roots
	s.client = &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{t.Certificate},
		// The peer's certificate names no host: it is checked against
		// Roots here, and against the peer's name by Identify.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tcp: the peer sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
			return err
		},
	}
	return TLSOption{s}
}

func (o TLSOption) apply(d *dialOptions)         { d.tls = o.s }
func (o TLSOption) applyListen(l *listenOptions) { l.tls = o.s }

// tlsSetup is a TLS made into the configurations of both sides.
type tlsSetup struct {
	server, client *tls.Config
	identify       func(*x509.Certificate) (string, error)
}

// accept runs the server side of the handshake on nc, within the deadline
// nc has, and returns the connection, the wire under it, and the name the
// peer's certificate gives. Its errors say why the peer is refused.
func (s *tlsSetup) accept(ctx context.Context, nc net.Conn) (*tls.Conn, *wire, string, error) {
	w := newWire(nc)
	tc := tls.Server(w, s.server)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, nil, "", handshakeError(err)
	}
	cs := tc.ConnectionState()
	name, err := s.identify(cs.PeerCertificates[0])
	if err != nil {
		return nil, nil, "", fmt.Errorf("certificate refused: %w", err)
	}
	return tc, w, name, nil
}

// dial runs the client side of the handshake on nc and checks that the
// peer's certificate names peer (any name, if peer is empty). It returns
// the connection and the wire under it.
func (s *tlsSetup) dial(ctx context.Context, nc net.Conn, peer string) (*tls.Conn, *wire, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	w := newWire(nc)
	tc := tls.Client(w, s.client)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, nil, handshakeError(err)
	}
	name, err := s.identify(tc.ConnectionState().PeerCertificates[0])
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("certificate refused: %w", err)
	case peer != "" && name != peer:
		return nil, nil, fmt.Errorf("impostor: the listener's certificate is %s's, not %s's", name, peer)
	}
	return tc, w, nil
}

// handshakeError says why a handshake failed, in a peer's terms.
func handshakeError(err error) error {
	var rh tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "remote error":
		return fmt.Errorf("the peer refused this side's certificate (is it of another deployment?): %w", err)
	case errors.As(err, &rh):
		return fmt.Errorf("not TLS (a plaintext peer?): %w", err)
	case errors.As(err, &ua):
		return fmt.Errorf("certificate not signed by this deployment's CA: %w", err)
	case errors.As(err, &cv):
		return fmt.Errorf("certificate refused: %w", err)
	}
	return fmt.Errorf("TLS handshake: %w", err)
}

// clearDeadline lifts the deadline a handshake and hello ran under.
func clearDeadline(nc net.Conn) { nc.SetDeadline(time.Time{}) }
