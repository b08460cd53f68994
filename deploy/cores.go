// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/node"
)

// checkCores refuses cores that name no cluster of the flow, or are below
// one member per process.
func checkCores(f *ir.Flow, cores map[string]int) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cores)) {
		i := slices.IndexFunc(f.Locations, func(l *ir.Location) bool { return l.Name == name && l.Kind == ir.Cluster })
		switch {
		case i < 0:
			errs = append(errs, fmt.Errorf("deploy: cores of %s: the flow has no cluster %s", name, name))
		case cores[name] < 1:
			errs = append(errs, fmt.Errorf("deploy: cores of %s: %d; a process runs at least one member", name, cores[name]))
		}
	}
	return errors.Join(errs...)
}

// groupMembers places the fleet's nodes in OS processes: each cluster's
// members cores[name] to a process (in order: Worker/0 and Worker/1, then
// Worker/2 and Worker/3, ...), every other node alone. A process of
// several nodes is named by their names joined by commas, and carries
// their environments merged (mergeEnv).
func groupMembers(f *ir.Flow, sizes, cores map[string]int, members []launch.Member) []launch.Member {
	byName := map[string]launch.Member{}
	for _, m := range members {
		byName[m.Name] = m
	}
	var procs []launch.Member
	for _, l := range f.Locations {
		switch l.Kind {
		case ir.Process:
			procs = append(procs, byName[node.NameOf(compile.Dest{Loc: l})])
		case ir.Cluster:
			per := max(cores[l.Name], 1)
			size := sizeOf(sizes, l)
			for first := 0; first < size; first += per {
				var nodes []launch.Member
				for m := first; m < min(first+per, size); m++ {
					nodes = append(nodes, byName[node.NameOf(compile.Dest{Loc: l, Member: uint32(m)})])
				}
				if len(nodes) == 1 {
					procs = append(procs, nodes[0])
					continue
				}
				names := make([]string, len(nodes))
				for i, n := range nodes {
					names[i] = n.Name
				}
				procs = append(procs, launch.Member{Name: strings.Join(names, ","), Nodes: nodes, Env: mergeEnv(nodes)})
			}
		}
	}
	return procs
}

// mergeEnv is the environment of a process running nodes: the TLS
// certificates and keys of all of them, in order, one PEM block each
// (runGroup splits them), and every other variable once.
func mergeEnv(nodes []launch.Member) []string {
	var out []string
	var certs, keys strings.Builder
	seen := map[string]bool{}
	for _, n := range nodes {
		for _, kv := range n.Env {
			k, v, _ := strings.Cut(kv, "=")
			switch {
			case k == EnvTLSCert:
				certs.WriteString(v)
			case k == EnvTLSKey:
				keys.WriteString(v)
			case !seen[k]:
				seen[k] = true
				out = append(out, kv)
			}
		}
	}
	if certs.Len() > 0 {
		out = append(out, EnvTLSCert+"="+certs.String(), EnvTLSKey+"="+keys.String())
	}
	return out
}

// splitTLS gives each of n nodes its TLS from t, which holds the
// certificates and keys of all of them, one PEM block each, in order.
func splitTLS(t TLS, n int) ([]TLS, error) {
	out := make([]TLS, n)
	if t.Off {
		for i := range out {
			out[i].Off = true
		}
		return out, nil
	}
	certs, keys := pemBlocks(t.Cert), pemBlocks(t.Key)
	if len(certs) != n || len(keys) != n {
		return nil, fmt.Errorf("deploy: the TLS of %d nodes sharing a process holds %d certificates and %d keys; want one of each per node", n, len(certs), len(keys))
	}
	for i := range out {
		out[i] = TLS{CA: t.CA, Cert: certs[i], Key: keys[i]}
	}
	return out, nil
}

// pemBlocks splits PEM text into its blocks, each encoded on its own.
func pemBlocks(b []byte) [][]byte {
	var out [][]byte
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		out = append(out, pem.EncodeToMemory(blk))
	}
}

// runGroup runs the nodes named by roles (a role of several names joined
// by commas) in this process (RunNodes), configured by the environment
// the deployer gave it, as runRole runs one.
func runGroup(ctx context.Context, build func(*hydro.Flow), roles []string, base nodeEnv) error {
	t, err := TLSFromEnv()
	if err != nil {
		return fmt.Errorf("deploy: %s has no TLS certificates in its environment: %w", strings.Join(roles, ","), err)
	}
	creds, err := splitTLS(t, len(roles))
	if err != nil {
		return err
	}
	var finish io.Writer
	if base.finish != nil {
		finish = &lineWriter{w: base.finish}
	}
	cfgs := make([]NodeConfig, len(roles))
	for i, role := range roles {
		logger := base.logger.With("node", role)
		logger.Info("node started", "addr", base.peers[role])
		cfgs[i] = NodeConfig{Role: role, Peers: base.peers, Sizes: base.sizes, Ports: base.ports, Logger: logger, Admin: base.admins[role], TLS: creds[i], Finish: finish}
	}
	// Each node builds its own flow, so each applies the deployer's plan
	// to it, as Command did to the flow it checked.
	var planErr error
	planned := func(f *hydro.Flow) {
		build(f)
		if err := applyEnvPlan(f); err != nil && planErr == nil {
			planErr = err
		}
	}
	err = RunNodes(ctx, planned, cfgs...)
	if planErr != nil {
		return planErr
	}
	for _, role := range roles {
		base.logger.With("node", role).Info("node stopped")
	}
	return err
}

// nodeEnv is what runRole reads from its environment for its nodes.
type nodeEnv struct {
	peers, ports, admins map[string]string
	sizes                map[string]int
	logger               *slog.Logger
	finish               io.Writer
}

// lineWriter serialises the lines of several nodes on one writer.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
