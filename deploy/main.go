// SPDX-License-Identifier: Apache-2.0

package deploy

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

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/launch"
)

// Main is the whole program of a fleet: call it from main with the function
// that builds the flow. The same binary plays every part.
//
// With no role in its environment the process is the deployer: it compiles
// the flow, starts one copy of this binary per process and per cluster
// member on localhost (Localhost), each with its role and its peers'
// addresses, prints their output prefixed with [role], and stops them all
// on Ctrl-C (or when one fails, with -stop-on-failure). With a role it runs
// just that location (RunNode).
//
// Each external port (hydro.SourceExternal, SinkExternal, BidiExternal)
// gets an address too, served by the node of the process it attaches to;
// the deployer prints one line per port, for clients (nc, Dial) to find it:
//
//	[deployer] port Client listening on 127.0.0.1:40123
//
// Main parses os.Args[1:] with a flag set of its own and leaves the
// program's global flag set alone; a program with flags of its own parses
// them first and passes what is left to Command. Main's flags are:
//
//	-cluster Name=N    members of cluster Name (repeatable; default 1)
//	-base-port P       listen on ports P, P+1, ... (default: free ports):
//	                   the members in order, then the external ports
//	-log-format F      text or json
//	-stop-on-failure   stop the fleet when a member fails (default true)
//
// Main exits with status 2 when the command line or the flow is invalid,
// and 1 when the fleet or the node fails.
func Main(build func(f *hydro.Flow)) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Command(ctx, build, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, hydro.ErrInvalid):
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// errUsage matches the errors Command returns for a bad command line.
var errUsage = errors.New("deploy: bad command line")

type usageError struct{ err error }

func (e usageError) Error() string        { return "deploy: " + e.err.Error() }
func (e usageError) Unwrap() []error      { return []error{errUsage, e.err} }
func (e usageError) Is(target error) bool { return target == errUsage }

// Command is Main for a program that owns its process: it parses args
// (Main's flags, without the program name), builds and compiles the flow,
// and then, as its environment says, deploys the fleet on localhost or runs
// one node, until ctx ends. stdout receives the fleet's prefixed output;
// stderr the usage text when args are wrong.
func Command(ctx context.Context, build func(f *hydro.Flow), args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hydro", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := sizeFlag{}
	fs.Var(&sizes, "cluster", "members of a cluster, as `Name=N` (repeatable)")
	basePort := fs.Int("base-port", 0, "listen on ports starting here (0: free ports)")
	logFormat := fs.String("log-format", "text", "log format of the nodes: text or json")
	stopOnFailure := fs.Bool("stop-on-failure", true, "stop the fleet when a member exits with an error")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	f := hydro.NewFlow()
	build(f)
	if err := f.Compile(); err != nil {
		return err
	}
	if role := os.Getenv(launch.EnvRole); role != "" {
		return runRole(ctx, f, role)
	}
	return Localhost(ctx, f, Config{Sizes: sizes, BasePort: *basePort, LogFormat: *logFormat, StopOnFailure: *stopOnFailure, Output: stdout})
}

type sizeFlag map[string]int

func (s sizeFlag) String() string { return launch.EncodeSizes(s) }

func (s sizeFlag) Set(v string) error {
	m, err := launch.DecodeSizes(v)
	for k, n := range m {
		s[k] = n
	}
	return err
}

// runRole runs the location named by role until ctx ends, configured by the
// environment the deployer gave it.
func runRole(ctx context.Context, f *hydro.Flow, role string) error {
	peers, err := launch.DecodePeers(os.Getenv(launch.EnvPeers))
	if err != nil {
		return err
	}
	sizes, err := launch.DecodeSizes(os.Getenv(launch.EnvSizes))
	if err != nil {
		return err
	}
	ports, err := launch.DecodePeers(os.Getenv(launch.EnvPorts))
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if os.Getenv(launch.EnvLogFormat) == "json" {
		handler = slog.NewJSONHandler(os.Stderr, nil)
	}
	logger := slog.New(handler).With("node", role)
	logger.Info("node started", "addr", peers[role])
	err = RunNode(ctx, f, NodeConfig{Role: role, Peers: peers, Sizes: sizes, Ports: ports, Logger: logger})
	logger.Info("node stopped")
	return err
}
