// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/internal/pki"
)

// PortTLS is what a node's external ports ask of their clients; the zero
// value asks nothing: plaintext, and any client that reaches a port is
// served. The deployer's -port-tls, -port-client-ca and -port-token-file
// flags set it (Config.PortTLS), and it reaches each node in its
// environment (PortTLSFromEnv).
type PortTLS struct {
	// Cert and Key are the ports' certificate (its chain, leaf first) and
	// private key, PEM-encoded: with them every port of the node speaks
	// TLS (1.2 at least) and its clients verify the certificate against
	// the CA that signed it. Both or neither.
	Cert, Key []byte
	// ClientCA, if set, holds the PEM certificates of the CAs whose client
	// certificates the ports ask for: a client without one is refused in
	// the handshake. It needs Cert and Key.
	ClientCA []byte
	// Token, if set, is the bearer token a client's first line must carry,
	// "AUTH <token>": the port answers "OK" once the client is in, or
	// "ERR <reason>" and closes the connection (Dial's WithToken does
	// this). Without Cert and Key it crosses the network in plaintext.
	Token string
}

// The environment of a node, for PortTLS and PortLimits. Each of the
// certificate, the key, the client CAs and the token is given either in
// the variable (PEM text, or the token) or as the path of a file that
// holds it (..._FILE; a token file's first line is the token), not both.
const (
	EnvPortTLSCert         = "HYDRO_PORT_TLS_CERT"
	EnvPortTLSKey          = "HYDRO_PORT_TLS_KEY"
	EnvPortTLSClientCA     = "HYDRO_PORT_TLS_CLIENT_CA"
	EnvPortTLSCertFile     = "HYDRO_PORT_TLS_CERT_FILE"
	EnvPortTLSKeyFile      = "HYDRO_PORT_TLS_KEY_FILE"
	EnvPortTLSClientCAFile = "HYDRO_PORT_TLS_CLIENT_CA_FILE"
	EnvPortToken           = "HYDRO_PORT_TOKEN"
	EnvPortTokenFile       = "HYDRO_PORT_TOKEN_FILE"
)

// PortTLSFromEnv reads the ports' security from the process's environment
// (EnvPortTLSCert and the other variables), reading the files it names.
// None set is the zero PortTLS. It returns an error naming the variables
// given twice, naming a file it cannot read, or that do not fit together.
func PortTLSFromEnv() (PortTLS, error) { return portTLSFromEnv(os.Getenv, os.ReadFile) }

func portTLSFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (PortTLS, error) {
	var t PortTLS
	var errs []error
	read := func(textVar, fileVar string) []byte {
		b, _, err := envOrFile(getenv, readFile, textVar, fileVar)
		if err != nil {
			errs = append(errs, err)
		}
		return b
	}
	t.Cert = read(EnvPortTLSCert, EnvPortTLSCertFile)
	t.Key = read(EnvPortTLSKey, EnvPortTLSKeyFile)
	t.ClientCA = read(EnvPortTLSClientCA, EnvPortTLSClientCAFile)
	if tok := read(EnvPortToken, EnvPortTokenFile); tok != nil {
		var err error
		if t.Token, err = tokenOf(tok); err != nil {
			errs = append(errs, fmt.Errorf("deploy: %s or %s: %w", EnvPortToken, EnvPortTokenFile, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return PortTLS{}, err
	}
	if _, err := t.security(); err != nil {
		return PortTLS{}, err
	}
	return t, nil
}

// tokenOf returns the token a variable or file holds: its first line,
// without surrounding space, which must be printable ASCII.
func tokenOf(b []byte) (string, error) {
	line, _, _ := strings.Cut(string(b), "\n")
	tok := strings.TrimSpace(line)
	if tok == "" {
		return "", errors.New("the token is empty")
	}
	for _, c := range []byte(tok) {
		if c < 0x21 || c > 0x7e {
			return "", errors.New("the token must be printable ASCII without spaces")
		}
	}
	return tok, nil
}

// Env returns t as the environment variables PortTLSFromEnv reads, the
// PEM text and the token in each: for a launcher to give a node. The zero
// PortTLS gives none.
func (t PortTLS) Env() []string {
	var env []string
	for _, v := range []struct {
		name string
		val  []byte
	}{{EnvPortTLSCert, t.Cert}, {EnvPortTLSKey, t.Key}, {EnvPortTLSClientCA, t.ClientCA}, {EnvPortToken, []byte(t.Token)}} {
		if len(v.val) > 0 {
			env = append(env, v.name+"="+string(v.val))
		}
	}
	return env
}

func (t PortTLS) zero() bool {
	return len(t.Cert) == 0 && len(t.Key) == 0 && len(t.ClientCA) == 0 && t.Token == ""
}

// security checks t and turns it into what the node's ports ask.
func (t PortTLS) security() (node.PortSecurity, error) {
	sec := node.PortSecurity{Token: t.Token}
	if t.Token != "" {
		if _, err := tokenOf([]byte(t.Token)); err != nil || strings.ContainsAny(t.Token, "\r\n") {
			return sec, errors.New("deploy: port token: the token must be printable ASCII without spaces")
		}
	}
	switch {
	case len(t.Cert) == 0 && len(t.Key) == 0:
		if len(t.ClientCA) > 0 {
			return sec, errors.New("deploy: port TLS: client CAs given without the ports' certificate and key")
		}
		return sec, nil
	case len(t.Cert) == 0 || len(t.Key) == 0:
		return sec, errors.New("deploy: port TLS: want both the ports' certificate and its key")
	}
	cert, err := tls.X509KeyPair(t.Cert, t.Key)
	if err != nil {
		return sec, fmt.Errorf("deploy: port TLS: the ports' certificate and key: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if len(t.ClientCA) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.ClientCA) {
			return sec, errors.New("deploy: port TLS: the client CAs hold no PEM certificate")
		}
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	sec.TLS = cfg
	return sec, nil
}

// portConfig returns what a node's ports ask of clients, and their
// limits: t and l, or, where they are zero, what the environment says.
func portConfig(t PortTLS, l PortLimits) (node.PortSecurity, node.PortLimits, error) {
	var err error
	if t.zero() {
		if t, err = PortTLSFromEnv(); err != nil {
			return node.PortSecurity{}, node.PortLimits{}, err
		}
	}
	if l == (PortLimits{}) {
		if l, err = PortLimitsFromEnv(); err != nil {
			return node.PortSecurity{}, node.PortLimits{}, err
		}
	}
	sec, err := t.security()
	return sec, l.node(), err
}

// PortLimits bound what each external port of a node takes and holds; a
// zero field takes its default. The deployer's -port-... flags set them
// (Config.PortLimits), and they reach each node in its environment
// (PortLimitsFromEnv). A bound reached stops the node reading whoever
// fills it, or closes the client at fault; it never grows the node's
// memory or stalls the flow.
type PortLimits struct {
	// MaxClients bounds the clients one port serves at once, those in
	// their TLS handshake or AUTH line included (1,024). Beyond it new
	// connections wait in the kernel's accept queue.
	MaxClients int
	// ClientQueueBytes bounds the bytes queued for one client (4 MiB):
	// past half, the node stops reading that client; a message past the
	// bound closes it as too slow.
	ClientQueueBytes int
	// PortQueueBytes bounds the bytes queued for all the clients of one
	// port (64 MiB): past half, the node stops reading them; past the
	// bound it takes no input for up to 1 s, then closes the clients
	// with the longest queues.
	PortQueueBytes int
	// AcceptRate, if positive, bounds the connections one port takes in
	// per second, in bursts of up to AcceptBurst (AcceptRate rounded up
	// if zero); beyond, new connections wait. Off by default.
	AcceptRate  float64
	AcceptBurst int
	// FrameTimeout is how long a client may take to finish a message it
	// started (10 s): a partial line that stalls closes the client.
	FrameTimeout time.Duration
	// IdleTimeout, if positive, closes a client that sent nothing for
	// that long. Off by default: a client may only listen.
	IdleTimeout time.Duration
	// Linger is how long a client that half-closed is kept open for
	// answers after the last one queued for it (1 s).
	Linger time.Duration
	// AuthTimeout is how long a client may take over its TLS handshake
	// and AUTH line (10 s).
	AuthTimeout time.Duration
}

func (l PortLimits) node() node.PortLimits {
	return node.PortLimits{MaxClients: l.MaxClients, ClientQueueBytes: l.ClientQueueBytes, PortQueueBytes: l.PortQueueBytes,
		AcceptRate: l.AcceptRate, AcceptBurst: l.AcceptBurst, FrameTimeout: l.FrameTimeout, IdleTimeout: l.IdleTimeout,
		Linger: l.Linger, AuthTimeout: l.AuthTimeout}
}

// portLimit is one field of PortLimits as a flag and a variable.
type portLimit struct {
	flag, env, help string
	field           func(*PortLimits) any // *int, *float64 or *time.Duration
}

// portLimits lists every field of PortLimits, for the flags of run and
// the environment of a node.
var portLimits = []portLimit{
	{"port-max-clients", "HYDRO_PORT_MAX_CLIENTS", "`N` clients one external port serves at once, handshakes included (default 1024)", func(l *PortLimits) any { return &l.MaxClients }},
	{"port-client-queue", "HYDRO_PORT_CLIENT_QUEUE_BYTES", "`BYTES` queued for one client of a port before it is closed as too slow (default 4 MiB)", func(l *PortLimits) any { return &l.ClientQueueBytes }},
	{"port-queue", "HYDRO_PORT_QUEUE_BYTES", "`BYTES` queued for all the clients of a port (default 64 MiB)", func(l *PortLimits) any { return &l.PortQueueBytes }},
	{"port-accept-rate", "HYDRO_PORT_ACCEPT_RATE", "`N` connections a port takes in per second (default: no bound)", func(l *PortLimits) any { return &l.AcceptRate }},
	{"port-accept-burst", "HYDRO_PORT_ACCEPT_BURST", "`N` connections a port takes in at once within its accept rate (default: the rate)", func(l *PortLimits) any { return &l.AcceptBurst }},
	{"port-frame-timeout", "HYDRO_PORT_FRAME_TIMEOUT", "`DURATION` a client may take to finish a message it started (default 10s)", func(l *PortLimits) any { return &l.FrameTimeout }},
	{"port-idle-timeout", "HYDRO_PORT_IDLE_TIMEOUT", "`DURATION` a client may send nothing before it is closed (default: no bound)", func(l *PortLimits) any { return &l.IdleTimeout }},
	{"port-linger", "HYDRO_PORT_LINGER", "`DURATION` a client that half-closed is kept for answers (default 1s)", func(l *PortLimits) any { return &l.Linger }},
	{"port-auth-timeout", "HYDRO_PORT_AUTH_TIMEOUT", "`DURATION` a client may take over its TLS handshake and AUTH line (default 10s)", func(l *PortLimits) any { return &l.AuthTimeout }},
}

// setLimit parses s into the field p points to, refusing negative values.
func setLimit(p any, s string) error {
	switch p := p.(type) {
	case *int:
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return fmt.Errorf("%q: want a whole number, 0 for the default", s)
		}
		*p = v
	case *float64:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v != v {
			return fmt.Errorf("%q: want a number per second, 0 for no bound", s)
		}
		*p = v
	case *time.Duration:
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 {
			return fmt.Errorf("%q: want a duration such as 10s or 500ms, 0 for the default", s)
		}
		*p = v
	}
	return nil
}

func formatLimit(p any) string {
	switch p := p.(type) {
	case *int:
		return strconv.Itoa(*p)
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *time.Duration:
		return p.String()
	}
	return ""
}

// PortLimitsFromEnv reads the ports' limits from the process's
// environment: HYDRO_PORT_MAX_CLIENTS, HYDRO_PORT_CLIENT_QUEUE_BYTES,
// HYDRO_PORT_QUEUE_BYTES, HYDRO_PORT_ACCEPT_RATE, HYDRO_PORT_ACCEPT_BURST
// (numbers), HYDRO_PORT_FRAME_TIMEOUT, HYDRO_PORT_IDLE_TIMEOUT,
// HYDRO_PORT_LINGER and HYDRO_PORT_AUTH_TIMEOUT (durations, "10s"). A
// variable not set leaves its field zero: the default.
func PortLimitsFromEnv() (PortLimits, error) { return portLimitsFromEnv(os.Getenv) }

func portLimitsFromEnv(getenv func(string) string) (PortLimits, error) {
	var l PortLimits
	var errs []error
	for _, pl := range portLimits {
		if s := getenv(pl.env); s != "" {
			if err := setLimit(pl.field(&l), s); err != nil {
				errs = append(errs, fmt.Errorf("deploy: %s=%w", pl.env, err))
			}
		}
	}
	return l, errors.Join(errs...)
}

// Env returns l as the environment variables PortLimitsFromEnv reads, one
// per field that is not zero: for a launcher to give a node.
func (l PortLimits) Env() []string {
	var env []string
	for _, pl := range portLimits {
		if s := formatLimit(pl.field(&l)); s != "0" && s != "0s" {
			env = append(env, pl.env+"="+s)
		}
	}
	return env
}

// limitFlag is one of run's -port-... flags.
type limitFlag struct{ p any }

// String is empty for a zero value, the default, which the help says.
func (f limitFlag) String() string {
	if f.p == nil {
		return ""
	}
	if s := formatLimit(f.p); s != "0" && s != "0s" {
		return s
	}
	return ""
}
func (f limitFlag) Set(s string) error { return setLimit(f.p, s) }

// givePortTLS adds t to the environment of the members that serve
// external ports, and of no other: the ports' key and token go where they
// are used alone.
func givePortTLS(f *ir.Flow, sizes map[string]int, members []launch.Member, t PortTLS) error {
	env := t.Env()
	if len(env) == 0 {
		return nil
	}
	p, err := compile.Lower(f, compile.Env{Size: func(l *ir.Location) int { return sizeOf(sizes, l) }})
	if err != nil {
		return err
	}
	serves := map[string]bool{}
	for _, g := range p.Graphs {
		if len(g.Ports) > 0 {
			serves[node.NameOf(g.Dest)] = true
		}
	}
	for i, m := range members {
		if serves[m.Name] {
			members[i].Env = append(members[i].Env, env...)
		}
	}
	return nil
}

// PortCerts are the certificates of a deployment's external ports, made by
// IssuePortTLS.
type PortCerts struct {
	// CA is the PEM certificate of the CA made for the ports: clients
	// verify the ports with it (WithTLS, as tls.Config.RootCAs), and, if
	// clients were issued certificates, the ports verify them with it.
	CA []byte
	// Server is the ports' security: their certificate and key, and
	// ClientCA set to CA if clients were issued certificates.
	Server PortTLS
	// Clients holds each client's certificate and key, by name, for
	// tls.Config.Certificates.
	Clients map[string]tls.Certificate
}

// IssuePortTLS makes a CA for a deployment's external ports, a certificate
// for the ports reached at hosts (IP addresses or DNS names: "127.0.0.1",
// "localhost") and, for each name in clients, a client certificate. With
// clients, the ports ask every client for a certificate of this CA. The
// CA's key is dropped: no certificate can be added later.
func IssuePortTLS(hosts []string, clients ...string) (PortCerts, error) {
	ca, err := pki.NewCA("external ports")
	if err != nil {
		return PortCerts{}, fmt.Errorf("deploy: %w", err)
	}
	srv, err := ca.IssueServer(hosts...)
	if err != nil {
		return PortCerts{}, fmt.Errorf("deploy: %w", err)
	}
	pc := PortCerts{CA: ca.CertPEM(), Server: PortTLS{Cert: srv.CertPEM, Key: srv.KeyPEM}, Clients: map[string]tls.Certificate{}}
	for _, name := range clients {
		p, err := ca.IssueClient(name)
		if err != nil {
			return PortCerts{}, fmt.Errorf("deploy: %w", err)
		}
		c, err := tls.X509KeyPair(p.CertPEM, p.KeyPEM)
		if err != nil {
			return PortCerts{}, fmt.Errorf("deploy: %w", err)
		}
		pc.Clients[name] = c
	}
	if len(clients) > 0 {
		pc.Server.ClientCA = pc.CA
	}
	return pc, nil
}
