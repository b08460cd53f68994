// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/fleettest"
)

// startSecureNode runs the server of c as startNode does, with the ports'
// security and limits given, and its admin endpoints on a free port, whose
// address it returns.
func startSecureNode(t *testing.T, c *calculator, pt deploy.PortTLS, lim deploy.PortLimits) (ports map[string]string, admin string, logs *fleettest.Output) {
	t.Helper()
	addrs, err := freeAddrs(4)
	if err != nil {
		t.Fatal(err)
	}
	ports = map[string]string{"extClient": addrs[1], "extFeed": addrs[2], "extFeed.2": addrs[3]}
	logs = &fleettest.Output{}
	peers := map[string]string{"extServer": addrs[0]}
	cfg := deploy.NodeConfig{Role: "extServer", Peers: peers, Ports: ports, Admin: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(logs, nil)), TLS: issue(t, peers)["extServer"], PortTLS: pt, PortLimits: lim}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- deploy.RunNode(ctx, c.f, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("deploy.RunNode = %v", err)
		}
	})
	logs.WaitFor(t, 10*time.Second, `msg="admin listening"`)
	m := regexp.MustCompile(`msg="admin listening" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no admin address in\n%s", logs)
	}
	return ports, m[1], logs
}

// A node whose ports ask for TLS, a client certificate and a token serves
// a client that has all three (Dial WithTLS and WithToken), refuses one
// with a wrong token or without a certificate at Dial, with ErrRefused,
// and counts each on /metrics.
func TestPortSecurity(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	certs, err := deploy.IssuePortTLS([]string{"127.0.0.1"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	pt := certs.Server
	pt.Token = "s3cret"
	c := newCalculator()
	ports, admin, logs := startSecureNode(t, c, pt, deploy.PortLimits{AuthTimeout: 5 * time.Second})
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certs.CA)
	withCert := &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{certs.Clients["alice"]}}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := deploy.Dial(ctx, ports["extClient"], hydro.CBOR[sum](), hydro.CBOR[int](), deploy.WithTLS(withCert), deploy.WithToken("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Send(sum{2, 3}); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.Receive(ctx); err != nil || got != 5 {
		t.Fatalf("Receive = %d, %v; want 5", got, err)
	}

	for name, opts := range map[string][]deploy.DialOption{
		"a wrong token":     {deploy.WithTLS(withCert), deploy.WithToken("nope")},
		"no certificate":    {deploy.WithTLS(&tls.Config{RootCAs: roots}), deploy.WithToken("s3cret")},
		"another CA's root": {deploy.WithTLS(&tls.Config{Certificates: withCert.Certificates}), deploy.WithToken("s3cret")},
	} {
		bad, err := deploy.Dial(ctx, ports["extClient"], hydro.CBOR[sum](), hydro.CBOR[int](), opts...)
		if err == nil {
			bad.Close()
			t.Errorf("Dial with %s = nil error; want it refused", name)
			continue
		}
		if name != "another CA's root" && !errors.Is(err, deploy.ErrRefused) {
			t.Errorf("Dial with %s = %v; want ErrRefused", name, err)
		}
	}
	// A plaintext client gets nothing.
	nc, err := net.Dial("tcp", ports["extClient"])
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(nc, "AUTH s3cret\n")
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if b, _ := io.ReadAll(nc); strings.Contains(string(b), "OK") {
		t.Errorf("a plaintext client got %q", b)
	}
	nc.Close()

	want := map[string]float64{"hydro_port_clients": 1, "hydro_port_accepted_total": 1, "hydro_port_auth_failures_total": 1, "hydro_port_refused_total": 3}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := scrapePort(t, admin, "extClient")
		ok := true
		for k, v := range want {
			ok = ok && got[k] == v
		}
		if ok && got["hydro_port_received_bytes_total"] > 0 && got["hydro_port_sent_bytes_total"] > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics of port extClient: %v; want %v and bytes both ways\n%s", got, want, logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scrapePort returns the hydro_port_ samples of port from the admin's
// /metrics.
func scrapePort(t *testing.T, admin, port string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	suffix := `,port="` + port + `"} `
	for _, l := range strings.Split(string(body), "\n") {
		name, rest, ok := strings.Cut(l, `{node="extServer",location="extServer"`)
		if !ok || !strings.HasPrefix(name, "hydro_port_") || !strings.HasPrefix(rest, suffix) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(rest, suffix), 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", l, err)
		}
		got[name] = v
	}
	return got
}

// PortLimits reach the node: a port with MaxClients 1 serves the second
// client only once the first has left.
func TestPortLimitsReachNode(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	c := newCalculator()
	ports, admin, _ := startSecureNode(t, c, deploy.PortTLS{}, deploy.PortLimits{MaxClients: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := deploy.Dial(ctx, ports["extClient"], hydro.CBOR[sum](), hydro.CBOR[int]())
	if err != nil {
		t.Fatal(err)
	}
	a.Send(sum{1, 1})
	if got, err := a.Receive(ctx); err != nil || got != 2 {
		t.Fatalf("a: Receive = %d, %v; want 2", got, err)
	}
	b, err := deploy.Dial(ctx, ports["extClient"], hydro.CBOR[sum](), hydro.CBOR[int]())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Send(sum{2, 2})
	short, stop := context.WithTimeout(ctx, 300*time.Millisecond)
	if got, err := b.Receive(short); err == nil {
		t.Errorf("b was answered (%d) while a held the only place", got)
	}
	stop()
	if got := scrapePort(t, admin, "extClient"); got["hydro_port_full_total"] < 1 {
		t.Errorf("hydro_port_full_total = %v; want the stop counted", got["hydro_port_full_total"])
	}
	a.Close()
	if got, err := b.Receive(ctx); err != nil || got != 4 {
		t.Errorf("b, once a left: Receive = %d, %v; want 4", got, err)
	}
}

// TestPortFlagMistakes: the -port-... flags refuse what they cannot use,
// saying what was wrong, and nothing runs.
func TestPortFlagMistakes(t *testing.T) {
	dir := t.TempDir()
	empty := dir + "/empty"
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := dir + "/cert"
	if err := os.WriteFile(notPEM, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-port-max-clients", "-1"}, `"-1": want a whole number`},
		{[]string{"-port-accept-rate", "fast"}, `"fast": want a number per second`},
		{[]string{"-port-idle-timeout", "5"}, `"5": want a duration such as 10s`},
		{[]string{"-port-tls", "only.pem"}, `-port-tls "only.pem": want CERT.pem,KEY.pem`},
		{[]string{"-port-tls", dir + "/none,x"}, "-port-tls: open " + dir + "/none"},
		{[]string{"-port-tls", notPEM + "," + notPEM}, "port TLS: the ports' certificate and key"},
		{[]string{"-port-client-ca", notPEM}, "-port-client-ca needs -port-tls"},
		{[]string{"-port-token-file", empty}, "the token is empty"},
		{[]string{"-port-token-file", dir + "/none"}, "-port-token-file: open"},
	} {
		var stdout, stderr bytes.Buffer
		err := deploy.Command(context.Background(), cliFlow, tc.args, &stdout, &stderr)
		if !errors.Is(err, deploy.ErrUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Command(%q) = %v; want an ErrUsage containing %q", tc.args, err, tc.want)
		}
		if stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("Command(%q) printed %q, %q; want nothing", tc.args, stdout.String(), stderr.String())
		}
	}
}
