// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// PortSecurity is what a node's external ports ask of a client before
// they take it in; the zero value asks nothing (plaintext, anyone). See
// the package's Security section.
type PortSecurity struct {
	// TLS, if set, serves every port over TLS with this configuration:
	// its Certificates are the ports' own, and with ClientAuth set to
	// tls.RequireAndVerifyClientCert and ClientCAs, only clients holding
	// a certificate one of those CAs signed get in. Its MinVersion is
	// raised to TLS 1.2 if lower.
	TLS *tls.Config
	// Token, if not empty, is the bearer token a client must send as its
	// first line, "AUTH <token>", over TLS if TLS is set. The port answers
	// "OK" once the client is taken in, or "ERR <reason>" and closes the
	// connection.
	Token string
}

// on reports whether the ports check their clients at all.
func (sec PortSecurity) on() bool { return sec.TLS != nil || sec.Token != "" }

// Answers of the AUTH exchange.
const (
	authPrefix  = "AUTH "
	authOK      = "OK\n"
	maxAuthLine = 1024 // an AUTH line longer than this is refused
)

// errAuth is the cause of a client refused for its token, as against its
// TLS handshake.
var errAuth = errors.New("bad token")

// gate takes a connection accepted on s through the port's security on a
// goroutine of its own, so that a slow or hostile handshake never holds
// up the loop, and hands it to the loop once it passed (evAdmit). It
// counts in s.live from now on, so that MaxClients bounds handshakes too.
// The lock is held.
func (ps *ports) gate(s *portServer, nc net.Conn) {
	ps.mu.Lock()
	if ps.mu.closed {
		ps.mu.Unlock()
		nc.Close()
		return
	}
	ps.mu.gating[nc] = &gated{srv: s, raw: nc}
	ps.mu.Unlock()
	s.live.Add(1)
	ps.wg.Go(func() { ps.admit(s, nc) })
}

// admit runs the TLS handshake and reads the AUTH line, within
// AuthTimeout, and sends the connection that passed to the loop. One that
// fails is closed and counted: Refused for a handshake that failed or took
// too long, AuthFailed for a missing or wrong token.
func (ps *ports) admit(s *portServer, raw net.Conn) {
	// NB: ps.ctx ends when the ports close: the deadline then unblocks
	// the handshake at once.
	ctx, cancel := context.WithTimeout(ps.ctx, s.lim.AuthTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
	nc, who, err := ps.security.check(raw)
	stopped := stop()
	if err == nil && !stopped {
		err = context.Cause(ctx) // the deadline was set: the connection is spent
	}
	if err == nil {
		err = raw.SetDeadline(time.Time{})
	}
	if err == nil && ps.send(portEvent{srv: s, kind: evAdmit, nc: nc, raw: raw, who: who}) {
		return // the loop owns it now (start)
	}
	ps.mu.Lock()
	g := ps.mu.gating[raw]
	ps.ungateLocked(raw)
	closed := ps.mu.closed
	ps.mu.Unlock()
	defer raw.Close() // NB: after counting, which a client seeing the close may read
	if !closed && err != nil {
		log := s.log.With("remote", raw.RemoteAddr().String())
		if g != nil && g.over {
			s.stats.Slow.Add(1)
			log.Warn("client refused: too slow", "err", fmt.Errorf("more than %d bytes sent during its handshake", s.lim.ClientQueueBytes))
		} else if errors.Is(err, errAuth) {
			s.stats.AuthFailed.Add(1)
			log.Warn("client refused: bad token", "err", err)
		} else {
			s.stats.Refused.Add(1)
			log.Warn("client refused", "err", err)
		}
	}
	ps.unlive(s)
}

// unlive counts a connection of s as gone, and lets the port accept again
// if it was full.
func (ps *ports) unlive(s *portServer) {
	if s.live.Add(-1) == int64(s.lim.MaxClients-1) {
		ps.wantAccept(s)
	}
}

// check runs sec's handshake on raw: TLS, then the AUTH line. It returns
// the connection to serve the client on and a name for it in the logs
// (its certificate's subject), or why it was refused.
func (sec PortSecurity) check(raw net.Conn) (net.Conn, string, error) {
	nc, who := raw, ""
	if sec.TLS != nil {
		tc := tls.Server(raw, sec.TLS)
		// NB: not HandshakeContext, which closes raw when ctx ends: the
		// deadline admit sets then ends the handshake, and admit counts
		// before it closes.
		if err := tc.Handshake(); err != nil {
			return nil, "", fmt.Errorf("TLS handshake: %w", err)
		}
		if cs := tc.ConnectionState(); len(cs.PeerCertificates) > 0 {
			who = cs.PeerCertificates[0].Subject.CommonName
		}
		nc = tc
	}
	if sec.Token == "" {
		return nc, who, nil
	}
	line, rest, err := readAuthLine(nc)
	if err != nil {
		return nil, "", fmt.Errorf("reading the AUTH line: %w", err)
	}
	token, ok := bytes.CutPrefix(line, []byte(authPrefix))
	reason := ""
	switch {
	case !ok:
		reason = "expected AUTH <token>"
	case !sameToken(token, sec.Token):
		reason = "bad token"
	}
	if reason != "" {
		_, _ = nc.Write([]byte("ERR " + reason + "\n"))
		return nil, "", fmt.Errorf("%w: %s", errAuth, reason)
	}
	if len(rest) > 0 {
		nc = &prefixConn{Conn: nc, rest: rest}
	}
	return nc, who, nil
}

// sameToken compares in constant time, whatever the lengths.
func sameToken(got []byte, want string) bool {
	a, b := sha256.Sum256(got), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// readAuthLine reads the first line of nc, without its "\n" or "\r\n",
// and returns the bytes read past it too.
func readAuthLine(nc net.Conn) (line, rest []byte, err error) {
	buf := make([]byte, 0, 128)
	for {
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return bytes.TrimSuffix(buf[:i], []byte("\r")), bytes.Clone(buf[i+1:]), nil
		}
		if len(buf) >= maxAuthLine {
			return nil, nil, fmt.Errorf("%w: a line of more than %d bytes", errAuth, maxAuthLine)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, make([]byte, cap(buf))...)[:len(buf)]
		}
		n, err := nc.Read(buf[len(buf):min(cap(buf), maxAuthLine)])
		buf = buf[:len(buf)+n]
		if err != nil && n == 0 {
			return nil, nil, err
		}
	}
}

// prefixConn reads rest before its connection: what a client sent behind
// its AUTH line.
type prefixConn struct {
	net.Conn
	rest []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.rest) == 0 {
		return c.Conn.Read(p)
	}
	n := copy(p, c.rest)
	c.rest = c.rest[n:]
	if len(c.rest) == 0 {
		c.rest = nil
	}
	return n, nil
}

// CloseWrite half-closes the connection underneath, as linger needs.
func (c *prefixConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// withMinVersion returns cfg with a MinVersion of TLS 1.2 at least,
// never changing the caller's.
func withMinVersion(cfg *tls.Config) *tls.Config {
	if cfg == nil || cfg.MinVersion >= tls.VersionTLS12 {
		return cfg
	}
	c := cfg.Clone()
	c.MinVersion = tls.VersionTLS12
	return c
}
