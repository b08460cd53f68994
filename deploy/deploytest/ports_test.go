// SPDX-License-Identifier: Apache-2.0

package deploytest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/deploy/deploytest"
)

// A fleet started with -port-tls, -port-client-ca and -port-token-file
// serves a client with the certificate and the token, and refuses one
// with a wrong token: the flags reach the node that serves the port.
func TestPortFlags(t *testing.T) {
	defer goleak.VerifyNone(t)
	certs, err := deploy.IssuePortTLS([]string{"127.0.0.1"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert, key := write("port.crt", certs.Server.Cert), write("port.key", certs.Server.Key)
	f := deploytest.StartTest(t, "-port-tls", cert+","+key, "-port-client-ca", write("ca.crt", certs.CA),
		"-port-token-file", write("token", []byte("s3cret\n")), "-port-max-clients", "8", "-port-idle-timeout", "1m")
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certs.CA)
	cfg := &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{certs.Clients["alice"]}}
	c := deploytest.Dial(f, "Client", hydro.Lines, hydro.Lines, deploy.WithTLS(cfg), deploy.WithToken("s3cret"))
	if err := c.Send("hello"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if got, err := c.Receive(ctx); err != nil || got != "hello" {
		t.Fatalf("Receive() = %q, %v; want hello", got, err)
	}
	addr := f.PortAddr("Client", time.Second)
	if bad, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines, deploy.WithTLS(cfg), deploy.WithToken("wrong")); !errors.Is(err, deploy.ErrRefused) {
		if bad != nil {
			bad.Close()
		}
		t.Errorf("Dial with a wrong token = %v; want ErrRefused", err)
	}
	c.Close()
	f.Stop()
}
