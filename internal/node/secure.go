// SPDX-License-Identifier: Apache-2.0

package node

import (
	"crypto/x509"
	"fmt"

	"github.com/hydro-go/hydro/transport/tcp"
)

// tlsOptions returns the Listener's options for self's TLS: none without
// it. A peer is accepted only if the deployment's CA signed its
// certificate (crypto/tls checks), the certificate names a node of the
// same flow (pki), that node is one of self's peers, and its hello claims
// that name (tcp); a Conn writes only to a listener whose certificate
// names the peer it dials.
func tlsOptions(self Node) ([]tcp.ListenOption, error) {
	creds := self.TLS
	if creds == nil {
		return nil, nil
	}
	if creds.Self.Role != self.Name {
		return nil, fmt.Errorf("its certificate is %s's, not %s's", creds.Self.Role, self.Name)
	}
	peers := self.Peers
	identify := func(cert *x509.Certificate) (string, error) {
		role, err := creds.Identify(cert)
		if err != nil {
			return "", err
		}
		if _, ok := peers[role]; !ok {
			return "", fmt.Errorf("%s is not a node of this fleet", role)
		}
		return role, nil
	}
	return []tcp.ListenOption{tcp.WithTLS(tcp.TLS{Certificate: creds.Certificate, Roots: creds.Roots, Identify: identify})}, nil
}
