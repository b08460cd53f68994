// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"flag"
	"os"
	"strings"
)

// portFlags registers run's flags of the external ports on fs: their
// security (-port-tls, -port-client-ca, -port-token-file) and their
// limits (-port-max-clients, ...). The function it returns, called once
// fs is parsed, reads the files named and checks what was given.
func portFlags(fs *flag.FlagSet) func() (PortTLS, PortLimits, error) {
	certKey := fs.String("port-tls", "", "serve the external ports over TLS with the certificate and key in `CERT.pem,KEY.pem` (PEM files)")
	clientCA := fs.String("port-client-ca", "", "with -port-tls, take in only clients with a certificate signed by a CA in `FILE` (PEM)")
	tokenFile := fs.String("port-token-file", "", "clients of the external ports must send \"AUTH <token>\" first, the token being the first line of `FILE`")
	var lim PortLimits
	for _, pl := range portLimits {
		fs.Var(limitFlag{pl.field(&lim)}, pl.flag, pl.help)
	}
	return func() (PortTLS, PortLimits, error) {
		var t PortTLS
		if *certKey != "" {
			cert, key, ok := strings.Cut(*certKey, ",")
			if !ok || cert == "" || key == "" {
				return t, lim, usagef("-port-tls %q: want CERT.pem,KEY.pem", *certKey)
			}
			var err error
			if t.Cert, err = os.ReadFile(cert); err != nil {
				return t, lim, usagef("-port-tls: %v", err)
			}
			if t.Key, err = os.ReadFile(key); err != nil {
				return t, lim, usagef("-port-tls: %v", err)
			}
		}
		if *clientCA != "" {
			if *certKey == "" {
				return t, lim, usagef("-port-client-ca needs -port-tls: client certificates are asked for in the TLS handshake")
			}
			var err error
			if t.ClientCA, err = os.ReadFile(*clientCA); err != nil {
				return t, lim, usagef("-port-client-ca: %v", err)
			}
		}
		if *tokenFile != "" {
			b, err := os.ReadFile(*tokenFile)
			if err != nil {
				return t, lim, usagef("-port-token-file: %v", err)
			}
			if t.Token, err = tokenOf(b); err != nil {
				return t, lim, usagef("-port-token-file %s: %v", *tokenFile, err)
			}
		}
		if _, err := t.security(); err != nil {
			return t, lim, usageError{err}
		}
		return t, lim, nil
	}
}
