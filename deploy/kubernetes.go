// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/kube"
)

// kubeTLSDir is where a pod's node reads the files of its fleet's TLS
// Secret: kube.TLSMount, where the manifests mount it. Tests point it at
// a directory of their own, standing in for the mount.
var kubeTLSDir = kube.TLSMount

// runKube runs the node of a pod of a fleet on Kubernetes (kube.Manifests),
// placed by its environment (kube.Place), until ctx ends. Its clusters
// follow their StatefulSets' scale (kube.Placement.Follow). Its TLS comes
// from its environment when that gives any (EnvTLS and the other
// variables; the ConfigMap of a plaintext fleet sets EnvTLS=off), and
// otherwise from the fleet's Secret mounted at kube.TLSMount.
func runKube(ctx context.Context, f *hydro.Flow) error {
	p, err := kube.Place(os.Getenv)
	if err != nil {
		return err
	}
	tls, err := kubeTLS(os.Getenv, kubeTLSDir, p.Pod)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewJSONHandler(os.Stderr, nil)
	if p.LogFormat == "text" {
		handler = slog.NewTextHandler(os.Stderr, nil)
	}
	logger := slog.New(handler).With("node", p.Role)
	sizes := maps.Clone(p.Sizes)
	if p.Cluster {
		// A pod the cluster was scaled up by is a member past the size
		// the fleet was written with.
		sizes[p.Location] = max(sizes[p.Location], p.Member+1)
	}
	resize := make(chan map[string]int)
	fctx, stop := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		p.Follow(fctx, net.DefaultResolver, 0, logger, func(s map[string]int) {
			select {
			case resize <- s:
			case <-fctx.Done():
			}
		})
	}()
	logger.Info("node started", "addr", p.Peers[p.Role])
	err = RunNode(ctx, f, NodeConfig{Role: p.Role, Peers: p.Peers, Sizes: sizes, Ports: p.Ports, Logger: logger,
		Resize: resize, TLS: tls, PeerAddr: p.Addr})
	stop()
	<-followed
	logger.Info("node stopped")
	return err
}

// kubeTLS returns the TLS of the node in the pod named pod: none when its
// environment gives TLS or turns it off (the node then reads its
// environment), and otherwise the fleet's CA certificate and the pod's
// certificate and key from the files of the Secret mounted at dir. A
// missing file is an error that says how a member gets one: a pod with no
// certificate does not fall back to plaintext.
func kubeTLS(getenv func(string) string, dir, pod string) (TLS, error) {
	for _, v := range []string{EnvTLS, EnvTLSCA, EnvTLSCert, EnvTLSKey, EnvTLSCAFile, EnvTLSCertFile, EnvTLSKeyFile} {
		if v == EnvTLS && getenv(v) == "on" {
			continue
		}
		if getenv(v) != "" {
			return TLS{}, nil
		}
	}
	var t TLS
	var errs []error
	for _, file := range []struct {
		dst  *[]byte
		name string
	}{{&t.CA, kube.TLSCAFile}, {&t.Cert, kube.CertFile(pod)}, {&t.Key, kube.KeyFile(pod)}} {
		path := filepath.Join(dir, file.name)
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("deploy: pod %s: no TLS file %s", pod, path))
		case err != nil:
			errs = append(errs, fmt.Errorf("deploy: pod %s: reading its TLS: %w", pod, err))
		}
		*file.dst = b
	}
	if err := errors.Join(errs...); err != nil {
		return TLS{}, fmt.Errorf("%w\n"+
			"deploy: the fleet's TLS Secret, mounted at %s, holds %s and a certificate and a key for each member "+
			"at the sizes the manifests were written with. A member added by scaling a cluster beyond that size has none: "+
			"write the manifests again with the new size (deploy -k8s -cluster NAME=N), apply them and restart the fleet's pods "+
			"so that all take the new CA; or, for a fleet whose CA you keep (deploy -k8s keeps none), add %s and %s signed by it to the Secret", err, dir, kube.TLSCAFile, kube.CertFile(pod), kube.KeyFile(pod))
	}
	return t, nil
}
