// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"log/slog"
	"maps"
	"net"
	"os"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/kube"
)

// runKube runs the node of a pod of a fleet on Kubernetes (kube.Manifests),
// placed by its environment (kube.Place), until ctx ends. Its clusters
// follow their StatefulSets' scale (kube.Placement.Follow).
func runKube(ctx context.Context, f *hydro.Flow) error {
	p, err := kube.Place(os.Getenv)
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
		Resize: resize, PeerAddr: p.Addr})
	stop()
	<-followed
	logger.Info("node stopped")
	return err
}
