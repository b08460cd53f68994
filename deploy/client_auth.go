// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// DialOption configures Dial.
type DialOption interface{ apply(*dialConfig) }

type dialConfig struct {
	tls   *tls.Config
	token string
}

type dialFunc func(*dialConfig)

func (f dialFunc) apply(c *dialConfig) { f(c) }

// WithTLS has Dial speak TLS with the port, verifying its certificate
// with cfg (RootCAs: the CA that signed the ports' certificate;
// Certificates: the client's own, for a port that asks for one). If
// cfg.ServerName is empty, the host of Dial's address is verified.
func WithTLS(cfg *tls.Config) DialOption {
	return dialFunc(func(c *dialConfig) { c.tls = cfg })
}

// WithToken has Dial send the port's bearer token, "AUTH <token>", and
// wait for its OK before it returns: the client is then in, and receives
// every message the flow sends from then on.
func WithToken(token string) DialOption {
	return dialFunc(func(c *dialConfig) { c.token = token })
}

// ErrRefused is matched by the error Dial returns when the port refused
// the client: its token (the port's reason follows) or, with a token,
// its certificate. Dial does not try again after it.
var ErrRefused = errors.New("deploy: refused by the port")

// refused is a refusal with its reason; it matches ErrRefused.
type refused struct{ reason string }

func (e refused) Error() string        { return "refused by the port: " + e.reason }
func (e refused) Is(target error) bool { return target == ErrRefused }

// handshake runs the client's side of the port's security on nc, until
// ctx ends: TLS, then the AUTH line and the answer to it. It returns the
// connection to use, and whether an error is final (not worth a retry).
func (dc *dialConfig) handshake(ctx context.Context, nc net.Conn, addr string) (net.Conn, bool, error) {
	if dc.tls != nil {
		cfg := dc.tls.Clone()
		if cfg.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, true, err
			}
			cfg.ServerName = host
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, true, fmt.Errorf("TLS handshake: %w", err)
		}
		nc = tc
	}
	if dc.token == "" {
		return nc, false, nil
	}
	if strings.ContainsAny(dc.token, " \r\n") || dc.token == "" {
		return nil, true, errors.New("WithToken: the token must hold no space or newline")
	}
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Now()) })
	defer stop()
	if _, err := nc.Write([]byte("AUTH " + dc.token + "\n")); err != nil {
		return nil, false, err
	}
	// NB: a byte at a time, so that nothing the port sends behind its OK
	// is read here.
	var line []byte
	var b [1]byte
	for {
		if _, err := nc.Read(b[:]); err != nil {
			if ctx.Err() != nil {
				return nil, true, context.Cause(ctx)
			}
			if dc.tls != nil && !errors.Is(err, net.ErrClosed) {
				// A TLS 1.3 client learns that its certificate was
				// refused here, after its handshake returned.
				return nil, true, refused{err.Error()}
			}
			return nil, false, fmt.Errorf("reading the answer to AUTH: %w", err)
		}
		if b[0] == '\n' {
			break
		}
		if line = append(line, b[0]); len(line) > 1024 {
			return nil, true, errors.New("the answer to AUTH is too long: not a port that asks for a token?")
		}
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if string(line) == "OK" {
		if !stop() {
			return nil, true, context.Cause(ctx)
		}
		return nc, false, nil
	}
	if reason, ok := bytes.CutPrefix(line, []byte("ERR ")); ok {
		return nil, true, refused{string(reason)}
	}
	return nil, true, fmt.Errorf("the answer to AUTH is %q, not OK: not a port that asks for a token?", line)
}
