// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/remote"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/launch"
)

// SSHConfig describes a fleet on hosts reached over SSH, for SSH.
type SSHConfig struct {
	// Hosts are the hosts to run on, as [USER@]HOST[:PORT] (see
	// remote.ParseTarget). HOST is also the address the nodes reach each
	// other and clients reach the external ports at.
	Hosts []string
	// Place puts a member ("Worker/2") or every member of a location
	// ("Worker", "Leader") on one of Hosts, named as given there. Members
	// not placed go to the hosts in turn, in the flow's order.
	Place map[string]string
	// Sizes gives the members of each cluster, by tag name; 1 if absent.
	Sizes map[string]int
	// Port is the first port the nodes listen on, on each host: a host's
	// members take Port, Port+1, ... and the external ports of its
	// members the next ones. 7000 if zero.
	Port int
	// Auth is how to log in to the hosts and how to trust their keys.
	Auth remote.Auth
	// Name is the fleet's name, which its certificates carry; the
	// binary's name if empty.
	Name string
	// Dir is the directory on each host (under the user's home unless
	// absolute; .hydro if empty) in which the fleet gets a directory of its
	// own, NAME-RANDOM, for the binary and the members' settings, with one
	// directory per host in it, for hosts that share a file system. The
	// fleet's directory is removed when the fleet stops.
	Dir string
	// LogFormat and LogLevel are the nodes' log format and level, as in
	// Config.
	LogFormat, LogLevel string
	// StopOnFailure stops the fleet when a member exits with an error.
	StopOnFailure bool
	// Output receives every member's output, each line prefixed with its
	// role; io.Discard if nil.
	Output io.Writer
	// NoTLS turns off the mutual TLS between the members: see Config.NoTLS.
	// Off a private network, anyone who can reach the hosts can then pose
	// as a member.
	NoTLS bool
	// PortTLS is what the external ports ask of their clients, and
	// PortLimits bound them, as in Config: each member that serves ports
	// gets PortTLS in its settings, and every member PortLimits. Its
	// certificate must name the hosts the ports run on.
	PortTLS    PortTLS
	PortLimits PortLimits
	// Executable is the binary to run on the hosts (default: this one), and
	// Args its arguments. It must run there: for a static Go binary, built
	// for the hosts' system and architecture.
	Executable string
	Args       []string
}

// SSH runs the flow's fleet on the hosts of d, one process per process and
// per cluster member, until ctx ends (or, with StopOnFailure, until a
// member fails). It logs in to every host (whose key must be known: see
// remote.Auth), copies the binary there, starts each member with its role,
// the fleet's address table and, unless d.NoTLS, its own certificate and
// key in a file only the user can read, and copies every line a member
// prints to d.Output, prefixed with its role. When it returns, every
// member has been stopped (TERM, then KILL after 5 s) by its process ID
// and the files are removed from the hosts. The binary launched must call
// Main (or Command) with the same flow.
//
// If the deployer itself dies, its connections close; each member's
// standard input then ends, and the member stops (launch.EnvLifeline).
func SSH(ctx context.Context, f *hydro.Flow, d SSHConfig) error {
	out := fleetOutput(d.Output, d.LogFormat)
	fl, err := sized(f, d.Sizes)
	if err != nil {
		return err
	}
	plan, err := planSSH(fl, d)
	if err != nil {
		return err
	}
	exe := d.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("deploy: finding this binary to copy: %w", err)
		}
	}
	name := d.Name
	if name == "" {
		name = flowName(exe)
	}
	if err := issueMembers(plan.members, name, d.NoTLS); err != nil {
		return err
	}
	if _, err := d.PortTLS.security(); err != nil {
		return err
	}
	if err := givePortTLS(fl, d.Sizes, plan.members, d.PortTLS); err != nil {
		return err
	}
	dir := d.Dir
	if dir == "" {
		dir = ".hydro"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	dir += "/" + name + "-" + hex.EncodeToString(b[:])
	hosts, err := dialAll(ctx, plan.targets, d.Auth)
	if err != nil {
		return err
	}
	defer func() {
		for _, h := range hosts {
			h.Close()
		}
	}()
	fmt.Fprintf(out, "[deployer] logged in to %s\n", strings.Join(d.Hosts, ", "))
	fleet := &sshFleet{hosts: hosts, dir: dir}
	err = fleet.start(ctx, plan, exe, d, out)
	if err == nil {
		announce(out, plan.members, plan.ports, nil)
		err = supervise(ctx, fleet, len(plan.members), len(plan.members), out, d.StopOnFailure, nil)
	} else {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = errors.Join(err, fleet.Stop(sctx))
		cancel()
	}
	return errors.Join(err, fleet.clean())
}

// sshPlan is where each member and external port of a fleet goes.
type sshPlan struct {
	targets []remote.Target
	members []launch.Member
	on      []int // the index in targets of each member's host
	ports   []launch.Member
}

// planSSH places the members of fl on d's hosts and gives each member and
// external port its address.
func planSSH(fl *ir.Flow, d SSHConfig) (sshPlan, error) {
	var p sshPlan
	if len(d.Hosts) == 0 {
		return p, errors.New("deploy: no hosts to deploy to over SSH")
	}
	index := map[string]int{}
	for _, h := range d.Hosts {
		t, err := remote.ParseTarget(h)
		if err != nil {
			return p, fmt.Errorf("deploy: %w", err)
		}
		if _, dup := index[h]; dup {
			return p, fmt.Errorf("deploy: host %s is given twice", h)
		}
		index[h] = len(p.targets)
		p.targets = append(p.targets, t)
	}
	p.members = fleetMembers(fl, d.Sizes)
	byName := map[string]bool{}
	for _, m := range p.members {
		byName[m.Name] = true
	}
	for _, l := range fl.Locations {
		byName[l.Name] = true
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(d.Place)) {
		if !byName[k] {
			errs = append(errs, fmt.Errorf("deploy: -place %s: the fleet has no member or location %s", k, k))
		}
		if _, ok := index[d.Place[k]]; !ok {
			errs = append(errs, fmt.Errorf("deploy: -place %s=%s: %s is not one of the hosts (%s)", k, d.Place[k], d.Place[k], strings.Join(d.Hosts, ", ")))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return p, err
	}
	base := d.Port
	if base == 0 {
		base = 7000
	}
	next := make([]int, len(p.targets))
	for i := range next {
		next[i] = base
	}
	addr := func(h int) (string, error) {
		if next[h] > 65535 {
			return "", fmt.Errorf("deploy: host %s: more nodes and ports than ports from %d on", d.Hosts[h], base)
		}
		next[h]++
		return net.JoinHostPort(p.targets[h].Host, strconv.Itoa(next[h]-1)), nil
	}
	turn := 0
	host := map[string]int{}
	for i, m := range p.members {
		loc, _, _ := strings.Cut(m.Name, "/")
		h, ok := index[d.Place[m.Name]]
		if !ok {
			if h, ok = index[d.Place[loc]]; !ok {
				h = turn % len(p.targets)
				turn++
			}
		}
		var err error
		if p.members[i].Addr, err = addr(h); err != nil {
			return p, err
		}
		p.on = append(p.on, h)
		host[m.Name] = h
		if _, seen := host[loc]; !seen {
			host[loc] = h
		}
	}
	ports, err := portLocations(fl, d.Sizes)
	if err != nil {
		return p, err
	}
	for _, pt := range ports {
		a, err := addr(host[pt.Location])
		if err != nil {
			return p, err
		}
		p.ports = append(p.ports, launch.Member{Name: pt.Name, Addr: a})
	}
	return p, nil
}

// dialAll logs in to every target at once.
func dialAll(ctx context.Context, targets []remote.Target, auth remote.Auth) ([]*remote.Host, error) {
	hosts := make([]*remote.Host, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { hosts[i], errs[i] = remote.Dial(ctx, t, auth) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, h := range hosts {
			if h != nil {
				h.Close()
			}
		}
		return nil, fmt.Errorf("deploy: %w", err)
	}
	return hosts, nil
}

// sshFleet is a fleet running on remote hosts.
type sshFleet struct {
	hosts []*remote.Host
	dir   string
	procs []*remote.Proc // by member; nil for one that did not start
	on    []int          // the index in hosts of each member's host
	exits chan launch.Exit
	wg    sync.WaitGroup // copies of output and reports of exits
}

// start copies the binary to every host and starts the members, each
// with its settings.
func (f *sshFleet) start(ctx context.Context, p sshPlan, exe string, d SSHConfig, out io.Writer) error {
	name := filepath.Base(exe)
	errs := make([]error, len(f.hosts))
	var wg sync.WaitGroup
	for i, h := range f.hosts {
		wg.Go(func() {
			r, err := os.Open(exe)
			if err != nil {
				errs[i] = fmt.Errorf("deploy: %w", err)
				return
			}
			defer r.Close()
			if err := h.Upload(ctx, f.hostDir(i)+"/"+name, r, 0o700); err != nil {
				errs[i] = fmt.Errorf("deploy: copying %s to %s: %w", exe, h.Target, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, h := range f.hosts {
		fmt.Fprintf(out, "[deployer] copied %s to %s:%s\n", name, h.Target.Host, f.hostDir(i))
	}
	common := []string{launch.EnvSizes + "=" + launch.EncodeSizes(d.Sizes), launch.EnvLogFormat + "=" + d.LogFormat,
		launch.EnvLogLevel + "=" + d.LogLevel, launch.EnvPorts + "=" + launch.EncodePeers(p.ports),
		launch.EnvPeers + "=" + launch.EncodePeers(p.members), launch.EnvLifeline + "=stdin"}
	common = append(common, d.PortLimits.Env()...)
	args := make([]string, len(d.Args))
	for i, a := range d.Args {
		args[i] = " " + remote.Quote(a)
	}
	f.exits = make(chan launch.Exit, len(p.members))
	f.procs, f.on = make([]*remote.Proc, len(p.members)), p.on
	errs = make([]error, len(p.members))
	var mu sync.Mutex // serialises the members' lines
	for i, m := range p.members {
		wg.Go(func() {
			errs[i] = f.startMember(i, m, name, slices.Concat(common, m.Env, []string{launch.EnvRole + "=" + m.Name}), args, out, &mu)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// startMember starts member i, m, on its host, in a session whose input is
// first its settings (env, which hold its key: they go to a file only
// the user can read, removed once read) and then its lifeline.
func (f *sshFleet) startMember(i int, m launch.Member, exe string, env, args []string, out io.Writer, mu *sync.Mutex) error {
	h, dir := f.hosts[f.on[i]], f.hostDir(f.on[i])
	file := strings.ReplaceAll(m.Name, "/", "-") + ".env"
	settings := envFile(env)
	// The settings file is gone once read.
	cmd := fmt.Sprintf("cd %s && umask 077 && head -c %d > %s && set -a && . ./%s && set +a && rm -f %s && exec ./%s%s",
		remote.Quote(dir), len(settings), file, file, file, remote.Quote(exe), strings.Join(args, ""))
	prefix := "[" + m.Name + "] "
	or, ow := io.Pipe()
	er, ew := io.Pipe()
	f.wg.Go(func() { launch.CopyLines(out, mu, prefix, or) })
	f.wg.Go(func() { launch.CopyLines(out, mu, prefix, er) })
	proc, err := h.Start(cmd, []byte(settings), ow, ew)
	if err != nil {
		ow.Close()
		ew.Close()
		return fmt.Errorf("deploy: starting %s on %s: %w", m.Name, h.Target, err)
	}
	f.procs[i] = proc
	f.wg.Go(func() {
		err := proc.Wait()
		ow.Close()
		ew.Close()
		f.exits <- launch.Exit{Name: m.Name, Err: err}
	})
	return nil
}

// envFile is a file of shell assignments, one per KEY=value of env.
func envFile(env []string) string {
	var b strings.Builder
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		b.WriteString(k + "=" + remote.Quote(v) + "\n")
	}
	return b.String()
}

// hostDir is where the files for host i go.
func (f *sshFleet) hostDir(i int) string { return f.dir + "/" + strconv.Itoa(i) }

// Exits reports members as they stop.
func (f *sshFleet) Exits() <-chan launch.Exit { return f.exits }

// Stop asks every member still running to stop (TERM) through its session,
// and after a second with kill(1) on its host (sshd does not deliver a
// session's signals to a root login), kills (KILL) those still running
// when ctx ends, and waits for all of them and their output.
func (f *sshFleet) Stop(ctx context.Context) error {
	for _, p := range f.procs {
		if p != nil {
			_ = p.Signal("TERM")
		}
	}
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	err := f.kill("TERM")
	select {
	case <-done:
		return err
	case <-ctx.Done():
	}
	err = errors.Join(err, f.kill("KILL"))
	for _, p := range f.procs {
		if p != nil {
			p.Close()
		}
	}
	<-done
	return errors.Join(err, errors.New("deploy: members killed after the stop deadline"))
}

// kill sends sig to every member still running, with one kill(1) per host.
func (f *sshFleet) kill(sig string) error {
	pids := make([][]string, len(f.hosts))
	for i, p := range f.procs {
		if p == nil {
			continue
		}
		select {
		case <-p.Done():
		default:
			pids[f.on[i]] = append(pids[f.on[i]], strconv.Itoa(p.PID))
		}
	}
	errs := make([]error, len(f.hosts))
	var wg sync.WaitGroup
	for i, h := range f.hosts {
		if len(pids[i]) == 0 {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			// NB: a member may end before kill runs: not an error.
			if _, err := h.Run(ctx, "kill -"+sig+" "+strings.Join(pids[i], " ")+" 2>/dev/null; true", nil); err != nil {
				errs[i] = fmt.Errorf("deploy: stopping the members on %s: %w", h.Target, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// clean removes the fleet's files from every host.
func (f *sshFleet) clean() error {
	errs := make([]error, len(f.hosts))
	var wg sync.WaitGroup
	for i, h := range f.hosts {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := h.Run(ctx, "rm -rf "+remote.Quote(f.dir), nil); err != nil {
				errs[i] = fmt.Errorf("deploy: removing %s: %w", f.dir, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// lifeline returns ctx, also ended when in reaches its end if how (the
// node's launch.EnvLifeline) is "stdin": the SSH deployer that started the
// node is gone. An empty how leaves ctx as it is.
func lifeline(ctx context.Context, how string, in io.Reader) (context.Context, context.CancelFunc, error) {
	switch how {
	case "":
		return ctx, func() {}, nil
	case "stdin":
	default:
		return nil, nil, fmt.Errorf("deploy: %s=%q: want stdin, or nothing", launch.EnvLifeline, how)
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		// NB: this goroutine ends with the input, which may outlive
		// ctx; the node's process ends soon after ctx does.
		_, _ = io.Copy(io.Discard, in)
		cancel()
	}()
	return ctx, cancel, nil
}
