// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/node"
)

// Config describes a localhost fleet, for Localhost.
type Config struct {
	// Sizes gives the members of each cluster, by tag name; 1 if absent.
	Sizes map[string]int
	// Cores gives the members of a cluster that run in one OS process, by
	// tag name; 1 if absent (a process per member). The members of a
	// process run as RunNodes runs them: a graph and goroutines each,
	// messages between them in memory, so that the process uses that
	// many cores.
	Cores map[string]int
	// BasePort, if positive, is the first of consecutive listening ports.
	BasePort int
	// LogFormat is the nodes' log format: "text" (default) or "json".
	// With "json" Output receives JSON lines only (see jsonLines).
	LogFormat string
	// LogLevel is the nodes' log level: "debug", "info" (default),
	// "warn" or "error".
	LogLevel string
	// StopOnFailure stops the fleet when a member exits with an error.
	StopOnFailure bool
	// Admin, if set, is HOST:PORT: every member serves its admin
	// endpoints (NodeConfig.Admin) on HOST, the members in order on PORT,
	// PORT+1, ..., or each on a free port if PORT is 0. Off when empty.
	Admin string
	// Executable is the binary to launch for each role (default: this
	// one) and Args its arguments.
	Executable string
	Args       []string
	// Output receives every member's output, each line prefixed with its
	// role; io.Discard if nil.
	Output io.Writer
	// KeepRunning keeps the fleet of a finite flow (hydro.Flow.Finite)
	// running after it finished. Without it, Localhost stops the fleet
	// and returns nil once every member is idle and every message sent
	// has been received.
	KeepRunning bool
	// NoTLS turns off the mutual TLS between the members (TLS.Off): they
	// speak plaintext, and any process on this machine can pose as one of
	// them. For a machine whose every user is trusted, and nowhere else.
	NoTLS bool
	// PortTLS is what the external ports ask of their clients (TLS, client
	// certificates, a token), and PortLimits bound them: each member that
	// serves ports is given PortTLS in its environment (PortTLS.Env), and
	// every member PortLimits (PortLimits.Env).
	PortTLS    PortTLS
	PortLimits PortLimits
	// Plan, if set, holds the rewrites f had applied (Plan.Apply, before
	// Compile): every member is given it in its environment and applies
	// it to its own flow, so that all run the same rewritten program.
	Plan *hydro.Plan
}

// Localhost launches the flow's fleet on this machine, one OS process per
// process and per cluster member (or per d.Cores members), and runs until ctx ends (or, with
// StopOnFailure, until a member fails), then stops every member and waits
// for it. The binary launched must call Main (or Command) with the same
// flow.
//
// Unless d.NoTLS, the members speak mutual TLS: Localhost makes a CA for
// this run and a certificate for each member (IssueTLS, named after the
// binary), and gives each member the CA's certificate and its own
// certificate and key in its environment (TLS.Env), readable only by this
// user. They are kept in memory, never written to a file, and the CA's key
// is dropped once they are made.
func Localhost(ctx context.Context, f *hydro.Flow, d Config) error {
	fl, err := sized(f, d.Sizes)
	if err != nil {
		return err
	}
	if err := checkCores(fl, d.Cores); err != nil {
		return err
	}
	members := fleetMembers(fl, d.Sizes)
	ports, servers, err := fleetPortsAt(fl, d.Sizes)
	if err != nil {
		return err
	}
	addrs, err := launch.FreeAddrs(len(members)+len(ports), d.BasePort)
	if err != nil {
		return err
	}
	for i := range members {
		members[i].Addr = addrs[i]
	}
	exe := d.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("deploy: finding this binary to launch: %w", err)
		}
	}
	if err := issueMembers(members, flowName(exe), d.NoTLS); err != nil {
		return err
	}
	for i := range ports {
		ports[i].Addr = addrs[len(members)+i]
	}
	if _, err := d.PortTLS.security(); err != nil {
		return err
	}
	out := fleetOutput(d.Output, d.LogFormat)
	env := []string{launch.EnvSizes + "=" + launch.EncodeSizes(d.Sizes), launch.EnvLogFormat + "=" + d.LogFormat, launch.EnvLogLevel + "=" + d.LogLevel,
		launch.EnvPorts + "=" + launch.EncodePeers(ports), launch.EnvReady + "=1"}
	env = append(env, d.PortLimits.Env()...)
	if d.Plan != nil {
		js, err := json.Marshal(d.Plan)
		if err != nil {
			return fmt.Errorf("deploy: encoding the plan: %w", err)
		}
		env = append(env, launch.EnvPlan+"="+string(js))
	}
	if err := givePortTLS(fl, d.Sizes, members, d.PortTLS); err != nil {
		return err
	}
	var admins []launch.Member
	if d.Admin != "" {
		if admins, err = adminAddrs(d.Admin, members); err != nil {
			return err
		}
		env = append(env, launch.EnvAdmin+"="+launch.EncodePeers(admins))
	}
	lines := out
	var done <-chan struct{}
	if fl.Finite && !d.KeepRunning {
		names := make([]string, len(members))
		for i, m := range members {
			names[i] = m.Name
		}
		w := newFinishWatch(out, names)
		lines, done = w, w.done
		env = append(env, launch.EnvFinish+"=1")
	}
	procs := groupMembers(fl, d.Sizes, d.Cores, members)
	// A port is announced once the node serving it listens: a client may
	// dial it at once.
	ready := newReadyWatch(lines, out, ports, servers)
	fleet, err := launch.Launch(exe, d.Args, env, procs, ready)
	if err != nil {
		return err
	}
	ready.started(members, admins)
	return supervise(ctx, fleet, len(procs), len(members), out, d.StopOnFailure, done)
}

// announce prints the fleet's members, external ports and admin addresses.
func announce(out io.Writer, members, ports, admins []launch.Member) {
	noun := "members"
	if len(members) == 1 {
		noun = "member"
	}
	fmt.Fprintf(out, "[deployer] started %d %s: %s\n", len(members), noun, launch.EncodePeers(members))
	for _, p := range ports {
		fmt.Fprintf(out, "[deployer] port %s listening on %s\n", p.Name, p.Addr)
	}
	for _, a := range admins {
		fmt.Fprintf(out, "[deployer] admin %s on %s\n", a.Name, a.Addr)
	}
}

// running is a fleet a deployer started: its members' exits, and a way to
// stop those still running.
type running interface {
	Exits() <-chan launch.Exit
	Stop(ctx context.Context) error
}

// supervise reports each of the fleet's n members as it exits, until all
// have, ctx ends, done is closed (a finite flow finished: nil if there is
// none) or (with stopOnFailure) one fails; then it stops the rest within
// 5 s. It returns the failures and what stopping met. nodes is how many
// nodes the n processes run, for the line that says the fleet finished.
func supervise(ctx context.Context, fleet running, n, nodes int, out io.Writer, stopOnFailure bool, done <-chan struct{}) error {
	var failed error
wait:
	for n > 0 {
		select {
		case <-ctx.Done():
			break wait
		case <-done:
			finished(out, nodes)
			break wait
		case e := <-fleet.Exits():
			n--
			if e.Err != nil {
				fmt.Fprintf(out, "[deployer] %s exited: %v\n", e.Name, e.Err)
				failed = errors.Join(failed, fmt.Errorf("deploy: %s exited: %w", e.Name, e.Err))
				if stopOnFailure {
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

// issueMembers gives each member its TLS in its environment, or turns TLS
// off in each.
func issueMembers(members []launch.Member, flow string, off bool) error {
	if off {
		for i := range members {
			members[i].Env = TLS{Off: true}.Env()
		}
		return nil
	}
	roles := make([]string, len(members))
	for i, m := range members {
		roles[i] = m.Name
	}
	certs, err := IssueTLS(flow, roles...)
	if err != nil {
		return err
	}
	for i, m := range members {
		members[i].Env = certs[m.Name].Env()
	}
	return nil
}

// fleetMembers lists every process and cluster member, named as the nodes
// know them.
func fleetMembers(f *ir.Flow, sizes map[string]int) []launch.Member {
	var ms []launch.Member
	for _, l := range f.Locations {
		switch l.Kind {
		case ir.Process:
			ms = append(ms, launch.Member{Name: node.NameOf(compile.Dest{Loc: l})})
		case ir.Cluster:
			for m := range sizeOf(sizes, l) {
				ms = append(ms, launch.Member{Name: node.NameOf(compile.Dest{Loc: l, Member: uint32(m)})})
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

// fleetPorts lists the external ports of the flow's fleet, by name, in the
// order the flow made them: lowering collects them.
func fleetPorts(f *ir.Flow, sizes map[string]int) ([]launch.Member, error) {
	ports, _, err := fleetPortsAt(f, sizes)
	return ports, err
}

// fleetPortsAt is fleetPorts, with the name of the member that serves
// each port.
func fleetPortsAt(f *ir.Flow, sizes map[string]int) (ports []launch.Member, servers []string, err error) {
	p, err := compile.Lower(f, compile.Env{Size: func(l *ir.Location) int { return sizeOf(sizes, l) }})
	if err != nil {
		return nil, nil, err
	}
	for _, g := range p.Graphs {
		for _, b := range g.Ports {
			ports = append(ports, launch.Member{Name: b.Name})
			servers = append(servers, node.NameOf(g.Dest))
		}
	}
	return ports, servers, nil
}

// sized compiles f and returns its IR, refusing sizes that do not fit it.
func sized(f *hydro.Flow, sizes map[string]int) (*ir.Flow, error) {
	fl, err := lang.Flow(f)
	if err != nil {
		return nil, err
	}
	if err := checkSizes(fl, sizes); err != nil {
		return nil, err
	}
	return fl, nil
}

// checkSizes refuses sizes that name no cluster of the flow, or are below
// one member.
func checkSizes(f *ir.Flow, sizes map[string]int) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(sizes)) {
		i := slices.IndexFunc(f.Locations, func(l *ir.Location) bool { return l.Name == name && l.Kind == ir.Cluster })
		switch {
		case i < 0:
			errs = append(errs, fmt.Errorf("deploy: size of %s: the flow has no cluster %s", name, name))
		case sizes[name] < 1:
			errs = append(errs, fmt.Errorf("deploy: size of %s: %d; a cluster has at least one member", name, sizes[name]))
		}
	}
	return errors.Join(errs...)
}

// parseAdmin parses -admin's HOST:PORT.
func parseAdmin(spec string) (port int, err error) {
	_, p, err := net.SplitHostPort(spec)
	if err == nil {
		port, err = strconv.Atoi(p)
	}
	if err != nil || port < 0 || port > 65535 {
		return 0, fmt.Errorf("-admin %q: want HOST:PORT, with port 0 for free ports", spec)
	}
	return port, nil
}

// adminAddrs gives each member an admin address on the host of spec
// (HOST:PORT): PORT, PORT+1, ... in order, or free ports if PORT is 0.
func adminAddrs(spec string, members []launch.Member) ([]launch.Member, error) {
	port, err := parseAdmin(spec)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	host, _, _ := net.SplitHostPort(spec)
	if port > 0 && port+len(members)-1 > 65535 {
		return nil, fmt.Errorf("deploy: -admin %q: %d members need ports up to %d", spec, len(members), port+len(members)-1)
	}
	admins := make([]launch.Member, len(members))
	for i, m := range members {
		admins[i].Name = m.Name
		if port > 0 {
			admins[i].Addr = net.JoinHostPort(host, strconv.Itoa(port+i))
			continue
		}
		// NB: the port is free when found, not held: the node listens on
		// it a moment later, as with FreeAddrs.
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("deploy: finding a free admin port on %s: %w", host, err)
		}
		defer ln.Close()
		admins[i].Addr = ln.Addr().String()
	}
	return admins, nil
}
