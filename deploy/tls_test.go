// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// issue makes a deployment's TLS for every role of peers.
func issue(t testing.TB, peers map[string]string) map[string]deploy.TLS {
	t.Helper()
	certs, err := deploy.IssueTLS("test", slices.Sorted(maps.Keys(peers))...)
	if err != nil {
		t.Fatal(err)
	}
	return certs
}

type tlsLeader struct{}

type tlsWorker struct{}

// stranger is a tcp.TLS made from a deployment's PEM that trusts roots
// and takes any certificate's first URI for its name.
func stranger(t *testing.T, own deploy.TLS, roots []byte) tcp.TLS {
	t.Helper()
	cert, err := tls.X509KeyPair(own.Cert, own.Key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(roots)
	return tcp.TLS{Certificate: cert, Roots: pool, Identify: func(c *x509.Certificate) (string, error) {
		if len(c.URIs) == 0 {
			return "", errors.New("no URI")
		}
		return c.URIs[0].Opaque, nil
	}}
}

// TestRunNodeRefusesStrangers runs a leader and one of its two workers
// with TLS: the worker's values arrive; an impostor (a valid certificate of
// tlsWorker/1 whose hello claims tlsWorker/0), a plaintext peer and a peer
// of another deployment are refused, each logged with the reason.
func TestRunNodeRefusesStrangers(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	leader := hydro.NewProcess[tlsLeader](f)
	workers := hydro.NewCluster[tlsWorker](f)
	got := make(chan int, 10)
	hydro.ForEach(hydro.AssumeOrdered(hydro.Gather(hydro.SourceIter(workers, []int{7}), leader).Values(), "one value per worker"), func(v int) { got <- v })
	f.MustCompile()

	addrs, err := freeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"tlsLeader": addrs[0], "tlsWorker/0": addrs[1], "tlsWorker/1": addrs[2]}
	sizes := map[string]int{"tlsWorker": 2}
	certs := issue(t, peers)
	logs := &fleettest.Output{}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for _, role := range []string{"tlsLeader", "tlsWorker/0"} {
		logger := slog.New(slog.NewTextHandler(logs, nil)).With("node", role)
		go func() {
			errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, Sizes: sizes, TLS: certs[role], Logger: logger})
		}()
	}
	defer func() {
		cancel()
		for range 2 {
			if err := <-errs; err != nil {
				t.Errorf("RunNode: %v", err)
			}
		}
	}()
	select {
	case v := <-got:
		if v != 7 {
			t.Fatalf("leader received %d; want 7", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the worker's value did not arrive within 10 s")
	}

	other := issue(t, peers) // another deployment of the same flow
	ca := certs["tlsLeader"].CA
	for _, tc := range []struct {
		name string
		opts []tcp.DialOption
		why  string
	}{
		{"impostor", []tcp.DialOption{tcp.WithTLS(stranger(t, certs["tlsWorker/1"], ca))}, "impostor: a certificate of tlsWorker/1 claims to be tlsWorker/0"},
		{"plaintext", nil, "not TLS (a plaintext peer?)"},
		{"foreign CA", []tcp.DialOption{tcp.WithTLS(stranger(t, other["tlsWorker/0"], ca))}, "certificate not signed by this deployment's CA"},
	} {
		c := tcp.Dial(ctx, addrs[0], "tlsWorker/0", transport.DefaultLimits, nil, tc.opts...)
		c.Send(transport.Frame{Channel: 1, Payload: []byte{0x07}})
		logs.WaitFor(t, 10*time.Second, "tcp: refusing connection")
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.String(), tc.why) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if !strings.Contains(logs.String(), tc.why) {
			t.Errorf("%s: no log line saying %q; output:\n%s", tc.name, tc.why, logs)
		}
		cctx, ccancel := context.WithCancel(ctx)
		ccancel()
		c.Close(cctx) // what it sent is lost: an error
	}
	select {
	case v := <-got:
		t.Errorf("leader received %d from a stranger", v)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestRunNodeNeedsTLS: a node given no TLS, and none in its environment,
// does not start; one whose certificate names another role neither.
func TestRunNodeNeedsTLS(t *testing.T) {
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	hydro.ForEach(hydro.SourceIter(s, []int{1}), func(int) {})
	peers := map[string]string{"nodeSender": "127.0.0.1:0", "nodeReceiver": "127.0.0.1:0"}
	err := deploy.RunNode(context.Background(), f, deploy.NodeConfig{Role: "nodeSender", Peers: peers})
	if err == nil || !strings.Contains(err.Error(), "neither HYDRO_TLS_CA nor HYDRO_TLS_CA_FILE is set") {
		t.Errorf("RunNode(no TLS) = %v; want an error naming the variables", err)
	}
	certs := issue(t, peers)
	err = deploy.RunNode(context.Background(), f, deploy.NodeConfig{Role: "nodeSender", Peers: peers, TLS: certs["nodeReceiver"]})
	if err == nil || !strings.Contains(err.Error(), "its certificate is nodeReceiver's") {
		t.Errorf("RunNode(another's certificate) = %v; want refused", err)
	}
}

// TestRunNodeTLSFromEnv: a node finds its TLS in its environment, as PEM
// text or as files, and a node told HYDRO_TLS=off speaks plaintext.
func TestRunNodeTLSFromEnv(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	r := hydro.NewProcess[nodeReceiver](f)
	got := make(chan int, 1)
	hydro.ForEach(hydro.Send(hydro.SourceIter(s, []int{5}), r), func(v int) { got <- v })
	f.MustCompile()
	addrs, err := freeAddrs(2)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"nodeSender": addrs[0], "nodeReceiver": addrs[1]}
	certs := issue(t, peers)
	dir := t.TempDir()
	// The receiver gets files, the sender PEM text, through the
	// environment: both run in this process, so the sender's TLS is
	// passed in its NodeConfig (as RunNode would read it).
	for name, b := range map[string][]byte{"ca.pem": certs["nodeReceiver"].CA, "cert.pem": certs["nodeReceiver"].Cert, "key.pem": certs["nodeReceiver"].Key} {
		if err := writeFile(dir+"/"+name, b); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(deploy.EnvTLSCAFile, dir+"/ca.pem")
	t.Setenv(deploy.EnvTLSCertFile, dir+"/cert.pem")
	t.Setenv(deploy.EnvTLSKeyFile, dir+"/key.pem")
	sender, err := envTLS(certs["nodeSender"].Env())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: "nodeReceiver", Peers: peers}) }()
	go func() {
		errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: "nodeSender", Peers: peers, TLS: sender})
	}()
	select {
	case v := <-got:
		if v != 5 {
			t.Errorf("received %d; want 5", v)
		}
	case <-time.After(10 * time.Second):
		t.Error("nothing received within 10 s")
	}
	cancel()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("RunNode: %v", err)
		}
	}
}

// envTLS reads TLS from the variables env lists, as a node would.
func envTLS(env []string) (deploy.TLS, error) {
	var t deploy.TLS
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case deploy.EnvTLSCA:
			t.CA = []byte(v)
		case deploy.EnvTLSCert:
			t.Cert = []byte(v)
		case deploy.EnvTLSKey:
			t.Key = []byte(v)
		default:
			return t, fmt.Errorf("unexpected variable %s", k)
		}
	}
	return t, nil
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
