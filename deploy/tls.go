// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hydro-go/hydro/internal/pki"
)

// TLS is what a node needs to speak mutual TLS 1.3 with its peers: the
// certificate of its deployment's CA, its own certificate, which names its
// role, and its private key, each PEM-encoded. Main's deployer makes them
// for every run (IssueTLS); another deployer hands them to each node in
// files or in the environment (see TLSFromEnv).
type TLS struct {
	// CA is the deployment's CA certificate: the node accepts only peers
	// whose certificates it signed.
	CA []byte
	// Cert is the node's certificate, whose URI SAN names the flow and
	// the node's role (hydro:FLOW/ROLE).
	Cert []byte
	// Key is the certificate's private key. Whoever holds it can act as
	// the node: keep it readable by the node's user alone.
	Key []byte
	// Off turns TLS off: the node speaks plaintext and believes the name
	// every peer gives in its hello. For a network where every process
	// that can reach the nodes' ports is trusted, and nowhere else.
	Off bool
}

// The environment of a node, for TLS: each of the CA certificate, the
// node's certificate and its key is given either as PEM text in the
// variable (HYDRO_TLS_CA, ...) or as the path of a PEM file (HYDRO_TLS_CA_FILE,
// ...), not both. EnvTLS set to "off" turns TLS off (TLS.Off).
const (
	EnvTLS         = "HYDRO_TLS"
	EnvTLSCA       = "HYDRO_TLS_CA"
	EnvTLSCert     = "HYDRO_TLS_CERT"
	EnvTLSKey      = "HYDRO_TLS_KEY"
	EnvTLSCAFile   = "HYDRO_TLS_CA_FILE"
	EnvTLSCertFile = "HYDRO_TLS_CERT_FILE"
	EnvTLSKeyFile  = "HYDRO_TLS_KEY_FILE"
)

// TLSFromEnv reads a node's TLS from the process's environment (see
// EnvTLSCA and the other variables), reading the files it names. It
// returns an error naming the variables when they are missing, given
// twice, or name a file it cannot read.
func TLSFromEnv() (TLS, error) { return tlsFromEnv(os.Getenv, os.ReadFile) }

func tlsFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (TLS, error) {
	switch v := getenv(EnvTLS); v {
	case "off":
		return TLS{Off: true}, nil
	case "", "on":
	default:
		return TLS{}, fmt.Errorf("deploy: %s=%q: want off, or on (the default)", EnvTLS, v)
	}
	var t TLS
	var errs []error
	read := func(dst *[]byte, pemVar, fileVar string) {
		b, set, err := envOrFile(getenv, readFile, pemVar, fileVar)
		switch {
		case err != nil:
			errs = append(errs, err)
		case !set:
			errs = append(errs, fmt.Errorf("deploy: neither %s nor %s is set", pemVar, fileVar))
		}
		*dst = b
	}
	read(&t.CA, EnvTLSCA, EnvTLSCAFile)
	read(&t.Cert, EnvTLSCert, EnvTLSCertFile)
	read(&t.Key, EnvTLSKey, EnvTLSKeyFile)
	if err := errors.Join(errs...); err != nil {
		return TLS{}, fmt.Errorf("%w (or %s=off for plaintext on a trusted network)", err, EnvTLS)
	}
	return t, nil
}

// envOrFile reads a value given either as the text of textVar or in the
// file that fileVar names: set is false if neither variable is, and err
// names both when both are, or the file when it cannot be read.
func envOrFile(getenv func(string) string, readFile func(string) ([]byte, error), textVar, fileVar string) (b []byte, set bool, err error) {
	text, path := getenv(textVar), getenv(fileVar)
	switch {
	case text != "" && path != "":
		return nil, true, fmt.Errorf("deploy: both %s and %s are set; want one", textVar, fileVar)
	case text != "":
		return []byte(text), true, nil
	case path != "":
		b, err := readFile(path)
		if err != nil {
			return nil, true, fmt.Errorf("deploy: %s: %w", fileVar, err)
		}
		return b, true, nil
	}
	return nil, false, nil
}

// Env returns t as the environment variables TLSFromEnv reads, PEM text
// in each: for a launcher to give a node.
func (t TLS) Env() []string {
	if t.Off {
		return []string{EnvTLS + "=off"}
	}
	return []string{EnvTLSCA + "=" + string(t.CA), EnvTLSCert + "=" + string(t.Cert), EnvTLSKey + "=" + string(t.Key)}
}

// IssueTLS makes a CA for one deployment of the flow named flow and a
// certificate for each role ("Leader", "Worker/3"), and returns each
// role's TLS. The CA's key is dropped: no certificate can be added to the
// deployment later.
func IssueTLS(flow string, roles ...string) (map[string]TLS, error) {
	ca, err := pki.NewCA(flow)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	caPEM := ca.CertPEM()
	out := make(map[string]TLS, len(roles))
	for _, role := range roles {
		m, err := ca.Issue(role)
		if err != nil {
			return nil, fmt.Errorf("deploy: %w", err)
		}
		out[role] = TLS{CA: caPEM, Cert: m.CertPEM, Key: m.KeyPEM}
	}
	return out, nil
}

// credentials loads the TLS a node of role was given: nil for plaintext.
// Without TLS in cfg it is read from the environment.
func credentials(t TLS, role string) (*pki.Credentials, error) {
	if t.Off {
		return nil, nil
	}
	if len(t.CA) == 0 && len(t.Cert) == 0 && len(t.Key) == 0 {
		var err error
		if t, err = TLSFromEnv(); err != nil {
			return nil, fmt.Errorf("deploy: %s has no TLS certificate in NodeConfig.TLS or its environment: %w", role, err)
		}
		if t.Off {
			return nil, nil
		}
	}
	c, err := pki.Load(t.CA, t.Cert, t.Key)
	if err != nil {
		return nil, fmt.Errorf("deploy: TLS of %s: %w", role, err)
	}
	if c.Self.Role != role {
		return nil, fmt.Errorf("deploy: TLS of %s: its certificate is %s's", role, c.Self.Role)
	}
	return c, nil
}

// flowName is the name a deployer gives the flow in its certificates: the
// binary's, without a directory or an extension.
func flowName(exe string) string {
	i := strings.LastIndexAny(exe, `/\`)
	name := exe[i+1:]
	if j := strings.IndexByte(name, '.'); j > 0 {
		name = name[:j]
	}
	if name == "" {
		return "flow"
	}
	return name
}
