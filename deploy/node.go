// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/admin"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
)

// NodeConfig places one node of a fleet that the caller starts itself
// rather than through Main: several nodes in one test or benchmark process,
// or nodes an orchestrator gives their addresses in its own way.
type NodeConfig struct {
	// Role names the location the node runs, as Main's deployer does: the
	// tag's type name for a process ("Leader"), followed by the member
	// index for a cluster member ("Worker/3").
	Role string
	// Peers maps every role of the fleet, this one included, to the
	// host:port it listens on.
	Peers map[string]string
	// Sizes gives the members of each cluster, by tag name; 1 if absent.
	Sizes map[string]int
	// Ports maps the names of the external ports this node serves to the
	// host:port each listens on; a port not named listens on a free port.
	Ports map[string]string
	// Logger receives the node's logs; nil discards them.
	Logger *slog.Logger
	// Admin, if set, is the host:port where the node serves HTTP: its
	// metrics in the Prometheus text format at /metrics, net/http/pprof at
	// /debug/pprof/, and the flow's page (hydro.Flow.HTML) with the
	// node's live counts at /graph. Port 0
	// listens on a free port; the node logs the address ("admin
	// listening"). Off when empty.
	Admin string
	// FailAfter is how long a member of a cluster may stay unreachable
	// (a member that never connected included) before the node reports it
	// left and stops routing to it; 3 s if zero.
	FailAfter time.Duration
	// Resize, if set, carries new sizes of clusters, by tag name, while
	// the node runs: the members of a cluster that an orchestrator scales
	// (a Kubernetes StatefulSet). A cluster of size N then has the members
	// 0 to N-1: one added is reported joined (hydro.Members) once the
	// node reaches it, and RoundRobin and Broadcast send to it from then
	// on; one removed is reported left at once, and what is sent to it is
	// dropped. The node reads Resize until ctx ends; a size naming no
	// cluster of the flow is logged and ignored.
	Resize <-chan map[string]int
	// PeerAddr, if set, gives the address of a role that Peers does not
	// list: a member a cluster grew by (Resize).
	PeerAddr func(role string) (addr string, ok bool)
	// TLS secures the node's connections to its peers (see TLS). If it
	// is zero, the node reads its TLS from its environment (TLSFromEnv),
	// and does not start if it finds none there: TLS is on unless turned
	// off (TLS.Off, or HYDRO_TLS=off) for a trusted network.
	TLS TLS
	// PortTLS is what the node's external ports ask of their clients: TLS,
	// client certificates, a token. If it is zero, the node reads it from
	// its environment (PortTLSFromEnv); none there: plaintext, anyone.
	PortTLS PortTLS
	// PortLimits bound the node's external ports. If it is zero, the node
	// reads them from its environment (PortLimitsFromEnv); a bound not
	// set there takes its default.
	PortLimits PortLimits
	// Finish, if set, receives a line each time the node of a finite flow
	// (hydro.Flow.Finite) becomes idle, with what it has sent to and
	// received from each peer: what Localhost reads to tell when the
	// fleet is done. Ignored for a flow that is not finite.
	Finish io.Writer
	// Ready, if set, receives one line once the node listens for its
	// peers and on its external ports: what Localhost waits for before it
	// announces the ports.
	Ready io.Writer
}

// RunNode runs one location of f over TCP until ctx ends, then closes its
// connections and returns: what a binary started by Main does in a role,
// configured by cfg instead of its environment. It returns nil when ctx is
// cancelled, and an error at once if f does not compile, cfg.Role names no
// location of f, the node has no TLS certificate of its role (and TLS is
// not turned off), or the node cannot listen.
func RunNode(ctx context.Context, f *hydro.Flow, cfg NodeConfig) error {
	r, err := prepareNode(f, cfg, nil)
	if err != nil {
		return err
	}
	return r.run(ctx)
}

// nodeRun is one node lowered and configured, ready to run.
type nodeRun struct {
	f       *hydro.Flow
	fl      *ir.Flow
	cfg     NodeConfig
	g       *compile.Graph
	self    node.Node
	view    *node.View
	members func(*ir.Location) []uint32
	loc     string
}

// prepareNode does what RunNode does before the node runs: it lowers the
// role's graph and loads its TLS and its ports' configuration. The node
// runs on host if it is not nil (see RunNodes).
func prepareNode(f *hydro.Flow, cfg NodeConfig, host *node.Host) (*nodeRun, error) {
	fl, err := sized(f, cfg.Sizes)
	if err != nil {
		return nil, err
	}
	at, ok := roleDest(fl, cfg.Role, cfg.Sizes)
	if !ok {
		return nil, fmt.Errorf("deploy: role %q names no location of this flow", cfg.Role)
	}
	addr, ok := cfg.Peers[cfg.Role]
	if !ok {
		return nil, fmt.Errorf("deploy: no address for role %q among the peers", cfg.Role)
	}
	// The node's view of the clusters' members routes RoundRobin and
	// Broadcast around the members it sees as left.
	size := func(l *ir.Location) int { return sizeOf(cfg.Sizes, l) }
	view := node.NewView(size)
	env := compile.Env{Size: size, Members: view.Members}
	if err := env.Fill(); err != nil {
		return nil, err
	}
	g, err := compile.LowerOne(fl, at, env)
	if err != nil {
		return nil, err
	}
	creds, err := credentials(cfg.TLS, cfg.Role)
	if err != nil {
		return nil, err
	}
	sec, lim, err := portConfig(cfg.PortTLS, cfg.PortLimits)
	if err != nil {
		return nil, err
	}
	self := node.Node{Name: cfg.Role, Addr: addr, Peers: cfg.Peers, Limits: transport.DefaultLimits, Logger: cfg.Logger, Ports: cfg.Ports,
		View: view, FailAfter: cfg.FailAfter, AddrOf: cfg.PeerAddr, TLS: creds, PortSecurity: sec, PortLimits: lim, Host: host}
	if fl.Finite && cfg.Finish != nil {
		self.Idle = idleWriter(cfg.Finish)
	}
	if cfg.Ready != nil {
		self.Listening = readyWriter(cfg.Ready)
	}
	return &nodeRun{f: f, fl: fl, cfg: cfg, g: g, self: self, view: view, members: env.Members, loc: at.Loc.Name}, nil
}

// run runs the node until ctx ends.
func (r *nodeRun) run(ctx context.Context) error {
	cfg := r.cfg
	if cfg.Resize != nil {
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			follow(rctx, r.fl, r.view, cfg.Resize, cfg.Logger)
		}()
		defer func() { stop(); <-done }()
	}
	if cfg.Admin == "" {
		return node.Run(ctx, r.g, r.self, r.members)
	}
	return runWithAdmin(ctx, r.f, r.g, r.self, r.members, cfg.Admin, r.loc)
}

// follow resizes the view's clusters as sizes says, until ctx ends.
func follow(ctx context.Context, fl *ir.Flow, view *node.View, sizes <-chan map[string]int, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-sizes:
			for name, n := range s {
				i := slices.IndexFunc(fl.Locations, func(l *ir.Location) bool { return l.Name == name && l.Kind == ir.Cluster })
				if i < 0 || n < 0 {
					if log != nil {
						log.Warn("size ignored: the flow has no such cluster, or the size is negative", "cluster", name, "size", n)
					}
					continue
				}
				view.Resize(fl.Locations[i], n)
			}
		}
	}
}

// runWithAdmin runs the node as RunNode does, and serves its admin
// endpoints on addr while it runs.
func runWithAdmin(ctx context.Context, f *hydro.Flow, g *compile.Graph, self node.Node, members func(*ir.Location) []uint32, addr, location string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("deploy: %s: admin port: %w", self.Name, err)
	}
	st := admin.Watch(g, node.NameOf)
	if self.PortStats == nil {
		self.PortStats = &node.PortStats{}
	}
	st.WatchPorts(portCounts(self.PortStats))
	link := &node.LinkStats{}
	self.LinkStats = link
	st.WatchLink(link.Stats)
	page, err := lang.View(f)
	if err != nil {
		_ = ln.Close()
		return err
	}
	h, err := admin.Handler(st, admin.Labels{Node: self.Name, Location: location}, page)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if self.Logger != nil {
		self.Logger.Info("admin listening", "addr", ln.Addr().String())
	}
	actx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- admin.Serve(actx, ln, h)
	}()
	err = node.Run(ctx, g, self, members)
	stop()
	return errors.Join(err, <-served)
}

// portCounts reads the ports' counters for the admin's metrics.
func portCounts(stats *node.PortStats) func() []admin.PortCounts {
	return func() []admin.PortCounts {
		var out []admin.PortCounts
		stats.Each(func(name string, pc *node.PortCounts) {
			out = append(out, admin.PortCounts{Port: name, Clients: pc.Clients.Load(), Accepted: pc.Accepted.Load(),
				Refused: pc.Refused.Load(), AuthFailed: pc.AuthFailed.Load(), BytesIn: pc.BytesIn.Load(), BytesOut: pc.BytesOut.Load(),
				Dropped: pc.Dropped.Load(), Slow: pc.Slow.Load(), TimedOut: pc.TimedOut.Load(), Paused: pc.Paused.Load(),
				Full: pc.Full.Load(), RateLimited: pc.RateLimited.Load(), QueuedPeak: pc.QueuedPeak.Load()})
		})
		return out
	}
}

// roleDest finds the process or cluster member a role names.
func roleDest(f *ir.Flow, role string, sizes map[string]int) (compile.Dest, bool) {
	for _, l := range f.Locations {
		if l.Parent != nil || l.Kind == ir.External {
			continue
		}
		for m := range max(sizeOf(sizes, l), 1) {
			d := compile.Dest{Loc: l, Member: uint32(m)}
			if node.NameOf(d) == role {
				return d, true
			}
		}
	}
	return compile.Dest{}, false
}
