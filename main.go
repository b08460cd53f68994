// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/ir"
)

// Main is the whole program of a fleet: call it from main with the function
// that builds the flow. The same binary plays every part.
//
// With no role in its environment the process is the deployer: it compiles
// the flow, starts one copy of this binary per process and per cluster
// member on localhost, each with its role and its peers' addresses, prints
// their output prefixed with [role], and stops them all on Ctrl-C (or when
// one fails, with -stop-on-failure). With a role it runs just that location.
//
// Each external port (SourceExternal, SinkExternal, BidiExternal) gets an
// address too, served by the node of the process it attaches to; the
// deployer prints one line per port, for clients (nc, Dial) to find it:
//
//	[deployer] port Client listening on 127.0.0.1:40123
//
// Main's flags are registered on the default flag set, beside the user's
// own, and Main parses the command line: define your flags before calling
// Main, and do not call flag.Parse yourself first (the command line would
// be parsed before Main's flags exist). They are:
//
//	-cluster Name=N    members of cluster Name (repeatable; default 1)
//	-base-port P       listen on ports P, P+1, ... (default: free ports):
//	                   the members in order, then the external ports
//	-log-format F      text or json
//	-stop-on-failure   stop the fleet when a member fails (default true)
func Main(build func(f *Flow)) {
	sizes := sizeFlag{}
	flag.Var(&sizes, "cluster", "members of a cluster, as `Name=N` (repeatable)")
	basePort := flag.Int("base-port", 0, "listen on ports starting here (0: free ports)")
	logFormat := flag.String("log-format", "text", "log format of the nodes: text or json")
	stopOnFailure := flag.Bool("stop-on-failure", true, "stop the fleet when a member exits with an error")
	if !flag.Parsed() {
		flag.Parse()
	}
	f := NewFlow()
	build(f)
	if err := f.Compile(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if role := os.Getenv(deploy.EnvRole); role != "" {
		err = runRole(ctx, f, role)
	} else {
		err = Deploy(ctx, f, Deployment{Sizes: sizes, BasePort: *basePort, LogFormat: *logFormat, StopOnFailure: *stopOnFailure, Output: os.Stdout})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type sizeFlag map[string]int

func (s sizeFlag) String() string { return deploy.EncodeSizes(s) }

func (s sizeFlag) Set(v string) error {
	m, err := deploy.DecodeSizes(v)
	for k, n := range m {
		s[k] = n
	}
	return err
}

// Deployment describes a localhost fleet, for Deploy.
type Deployment struct {
	// Sizes gives the members of each cluster, by tag name; 1 if absent.
	Sizes map[string]int
	// BasePort, if positive, is the first of consecutive listening ports.
	BasePort int
	// LogFormat is the nodes' log format: "text" (default) or "json".
	LogFormat string
	// StopOnFailure stops the fleet when a member exits with an error.
	StopOnFailure bool
	// Executable is the binary to launch for each role (default: this
	// one) and Args its arguments.
	Executable string
	Args       []string
	// Output receives every member's output, each line prefixed with its
	// role; io.Discard if nil.
	Output io.Writer
}

// Deploy launches the flow's fleet on localhost and runs until ctx ends,
// then stops every member and waits for it. The binary launched must call
// Main with the same flow.
func Deploy(ctx context.Context, f *Flow, d Deployment) error {
	if err := f.Compile(); err != nil {
		return err
	}
	members := fleetMembers(f, d.Sizes)
	ports, err := fleetPorts(f, d.Sizes)
	if err != nil {
		return err
	}
	addrs, err := deploy.FreeAddrs(len(members)+len(ports), d.BasePort)
	if err != nil {
		return err
	}
	for i := range members {
		members[i].Addr = addrs[i]
	}
	for i := range ports {
		ports[i].Addr = addrs[len(members)+i]
	}
	exe := d.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("hydro: finding this binary to launch: %w", err)
		}
	}
	out := d.Output
	if out == nil {
		out = io.Discard
	}
	env := []string{deploy.EnvSizes + "=" + deploy.EncodeSizes(d.Sizes), deploy.EnvLogFormat + "=" + d.LogFormat,
		deploy.EnvPorts + "=" + deploy.EncodePeers(ports)}
	fleet, err := deploy.Launch(exe, d.Args, env, members, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[deployer] started %d members: %s\n", len(members), deploy.EncodePeers(members))
	for _, p := range ports {
		fmt.Fprintf(out, "[deployer] port %s listening on %s\n", p.Name, p.Addr)
	}
	var failed error
	running := len(members)
wait:
	for running > 0 {
		select {
		case <-ctx.Done():
			break wait
		case e := <-fleet.Exits():
			running--
			if e.Err != nil {
				fmt.Fprintf(out, "[deployer] %s exited: %v\n", e.Name, e.Err)
				failed = errors.Join(failed, fmt.Errorf("hydro: %s exited: %w", e.Name, e.Err))
				if d.StopOnFailure {
					break wait
				}
			} else {
				fmt.Fprintf(out, "[deployer] %s exited\n", e.Name)
			}
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(failed, fleet.Stop(sctx))
}

// fleetMembers lists every process and cluster member, named as the nodes
// know them.
func fleetMembers(f *Flow, sizes map[string]int) []deploy.Member {
	var ms []deploy.Member
	for _, l := range f.ir.Locations {
		switch l.Kind {
		case ir.Process:
			ms = append(ms, deploy.Member{Name: deploy.NameOf(ir.Dest{Loc: l})})
		case ir.Cluster:
			for m := range sizeOf(sizes, l) {
				ms = append(ms, deploy.Member{Name: deploy.NameOf(ir.Dest{Loc: l, Member: uint32(m)})})
			}
		}
	}
	return ms
}

func sizeOf(sizes map[string]int, l *ir.Location) int {
	if n, ok := sizes[l.Name]; ok {
		return n
	}
	return 1
}

// runRole runs the location named by role until ctx ends.
func runRole(ctx context.Context, f *Flow, role string) error {
	peers, err := deploy.DecodePeers(os.Getenv(deploy.EnvPeers))
	if err != nil {
		return err
	}
	sizes, err := deploy.DecodeSizes(os.Getenv(deploy.EnvSizes))
	if err != nil {
		return err
	}
	ports, err := deploy.DecodePeers(os.Getenv(deploy.EnvPorts))
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if os.Getenv(deploy.EnvLogFormat) == "json" {
		handler = slog.NewJSONHandler(os.Stderr, nil)
	}
	logger := slog.New(handler).With("node", role)
	logger.Info("node started", "addr", peers[role])
	err = RunNode(ctx, f, NodeConfig{Role: role, Peers: peers, Sizes: sizes, Ports: ports, Logger: logger})
	logger.Info("node stopped")
	return err
}
