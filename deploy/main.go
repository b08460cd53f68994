// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/kube"
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
// Main parses os.Args[1:] with flag sets of its own and leaves the
// program's global flag set alone; a program with flags of its own parses
// them first and passes what is left to Command. The command line is
//
//	PROGRAM [run] [-cluster Name=N]... [-cores Name=N]... [-base-port P] [-log-format text|json] [-log-level debug|info|warn|error] [-stop-on-failure=false] [-admin HOST:PORT] [-tls=false] [-plan FILE]
//	              [-port-tls CERT.pem,KEY.pem] [-port-client-ca CA.pem] [-port-token-file FILE] [-port-max-clients N] [-port-...]
//	PROGRAM graph [-format mermaid|dot|json|html] [-o FILE]
//	PROGRAM sim [-dir DIR] [-run TestName [-seed N | -choices C,...] [-n]]
//	PROGRAM version
//	PROGRAM deploy -k8s|-compose -image NAME:TAG [-cluster Name=N]... [-name NAME] [-namespace NS] [-o FILE] [-image-tar FILE] [-apply] [-tls=false] [-port-...]
//	PROGRAM deploy -ssh [USER@]HOST,... [-cluster Name=N]... [-place NAME=HOST]... [-tls=false] [-port-...]
//
// and PROGRAM -h lists the flow's processes, clusters and external ports.
// graph -format html writes a page that draws the flow in a browser,
// offline. sim replays the failing seeds that sim.Random saved for a test
// (under DIR/testdata/sim-failures), or one seed or choice list, with go
// test in DIR, and fails while a replay still fails; without -run it lists
// the saved seeds, and with -n it prints the commands instead.
// With -admin, every node serves its metrics, profiles and the flow's
// graph over HTTP (see NodeConfig.Admin), each on a port of its own that
// the deployer prints:
//
//	[deployer] admin Worker/1 on 127.0.0.1:40125
//
// With -cores Worker=2 the members of the cluster Worker run two to an OS
// process (Worker/0 and Worker/1 in one, Worker/2 and Worker/3 in the
// next), each on goroutines of its own with its own graph, so that one
// process uses two cores; members in one process exchange their messages
// in memory, and use TCP with every other node (see RunNodes). The
// process's lines are prefixed with its members' names joined by commas.
//
// With -plan FILE (JSON or YAML, hydro.Plan's form) the deployer and
// every node rewrite the flow by the plan before compiling it: a
// decoupled stage runs on a process of its own, made if the flow has none
// of its name. The suggest command reads the nodes' per-operator counters
// (their admin ports' /metrics, or files saved from them), prints where
// each location's operator time goes, and writes a plan that moves the
// busiest named stages of a process, checked against the flow:
//
//	PROGRAM suggest -metrics http://127.0.0.1:40125/metrics -o plan.json
//	PROGRAM run -plan plan.json
//
// With -log-format json the output is JSON lines only: each node's log
// records as slog writes them, with the node's name in the field "node",
// and every other line (the deployer's, or what a node prints otherwise)
// as a record of its own with the line in "msg". -log-level sets the
// nodes' level (info by default); a normal start and stop log nothing
// above info.
// The nodes speak mutual TLS 1.3 with a CA the deployer makes for the
// run (see Localhost and TLS); -tls=false turns it off, for a machine whose
// every user is trusted only.
// The external ports speak plaintext to any client unless -port-tls
// (their certificate and key), -port-client-ca (client certificates
// asked for) or -port-token-file (a bearer token) says otherwise, and
// the -port-... flags of their limits (-port-max-clients,
// -port-client-queue, -port-queue, -port-accept-rate, -port-accept-burst,
// -port-frame-timeout, -port-idle-timeout, -port-linger,
// -port-auth-timeout) change their defaults: see PortTLS and PortLimits.
// deploy takes the same -port-... flags and hands them to the nodes the
// same way: with -ssh in each member's settings, with -compose in the
// services' environment, with -k8s the limits in the fleet's ConfigMap
// and the certificate, key, client CAs and token in the Secret NAME-ports,
// read only by the pods that serve the ports (kube.Fleet.PortEnv).
//
// Every mistake is an error that says what was wrong: a cluster the flow
// does not have (the error lists those it has), a process given a size, a
// size below 1, a cluster sized twice, an unknown log format or graph
// format, an unknown subcommand.
//
// Main exits with status 2 when the command line or the flow is invalid,
// and 1 when the fleet or the node fails.
func Main(build func(f *hydro.Flow)) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Command(ctx, build, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, ErrUsage), errors.Is(err, hydro.ErrInvalid):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// ErrUsage matches the errors Command returns for a command line it cannot
// run: an unknown subcommand, flag or location, a bad value.
var ErrUsage = errors.New("deploy: bad command line")

type usageError struct{ err error }

func (e usageError) Error() string {
	msg := e.err.Error()
	if strings.HasPrefix(msg, "deploy: ") {
		return msg
	}
	return "deploy: " + msg
}
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Command is Main for a program that owns its process: it builds and
// compiles the flow, parses args (the command line without the program
// name), and runs the subcommand, until ctx ends. In a node launched by a
// deployer (its role in the environment) it runs that node, whatever args
// say. stdout receives the fleet's prefixed output and what graph and
// version print; stderr the usage text. It returns an error matching
// ErrUsage for a bad command line, hydro.ErrInvalid for a flow that does
// not compile, and flag.ErrHelp after printing the help that -h asked for.
func Command(ctx context.Context, build func(f *hydro.Flow), args []string, stdout, stderr io.Writer) error {
	f := hydro.NewFlow()
	build(f)
	if os.Getenv(launch.EnvRole) != "" {
		if err := applyEnvPlan(f); err != nil {
			return err
		}
	}
	if err := f.Compile(); err != nil {
		return err
	}
	if os.Getenv(kube.EnvPod) != "" {
		return runKube(ctx, f)
	}
	if role := os.Getenv(launch.EnvRole); role != "" {
		return runRole(ctx, f, build, role)
	}
	info, err := describe(f)
	if err != nil {
		return err
	}
	sub := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "run":
		return runCommand(ctx, build, f, info, args, stdout, stderr)
	case "graph":
		return graphCommand(f, args, stdout, stderr)
	case "sim":
		return simCommand(ctx, args, stdout, stderr)
	case "version":
		return versionCommand(args, stdout, stderr)
	case "deploy":
		return deployCommand(ctx, f, info, args, stdout, stderr)
	case "suggest":
		return suggestCommand(ctx, build, info, args, stdout, stderr)
	}
	return usagef("unknown command %q; the commands are run (the default), graph, sim, deploy, suggest and version", sub)
}

// runCommand parses run's flags and deploys the fleet on localhost.
func runCommand(ctx context.Context, build func(*hydro.Flow), f *hydro.Flow, info *flowInfo, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	sizes := sizeFlag(info)
	fs.Var(sizes, "cluster", "members of a cluster, as `Name=N` (repeatable, once per cluster; default 1)")
	basePort := fs.Int("base-port", 0, "listen on ports starting here: the members in order, then the external ports (0: free ports)")
	logFormat := fs.String("log-format", "text", "log format of the nodes: text or json (JSON lines only, the node's name in \"node\")")
	logLevel := fs.String("log-level", "info", "log level of the nodes: debug, info, warn or error")
	stopOnFailure := fs.Bool("stop-on-failure", true, "stop the fleet when a member exits with an error")
	useTLS := fs.Bool("tls", true, "mutual TLS between the nodes, with a CA made for this run; -tls=false speaks plaintext, for a machine whose every user is trusted only")
	keepRunning := fs.Bool("keep-running", false, "keep the fleet of a finite flow running after it finished (by default it stops, with status 0, once every member is idle and every message delivered)")
	cores := coresFlag(info)
	fs.Var(cores, "cores", "members of a cluster per OS process, as `Name=N` (repeatable): they run on goroutines of one process, each with its own graph, linked in memory, so that the process uses N cores (default 1)")
	adminAddr := fs.String("admin", "", "serve each node's /metrics, /debug/pprof/ and /graph over HTTP at `HOST:PORT`: the members in order from PORT on, or on free ports with port 0 (off if empty)")
	planFile := fs.String("plan", "", "rewrite the flow by the plan in `FILE` (JSON or YAML), without editing it: {\"decouple\": [{\"names\": [\"parse\"], \"to\": \"Parser\"}]} moves the collections named parse (Named) to a process Parser, made if the flow has none")
	portOpts := portFlags(fs)
	if err := parse(fs, args, stderr, func() { info.usage(stderr, fs) }); err != nil {
		return err
	}
	var plan *hydro.Plan
	if *planFile != "" {
		p, err := readPlan(*planFile)
		if err != nil {
			return err
		}
		if f, err = planned(build, p, *planFile); err != nil {
			return err
		}
		plan = p
	}
	portTLS, portLimits, err := portOpts()
	if err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usagef("-log-format %q: want text or json", *logFormat)
	}
	if _, ok := parseLevel(*logLevel); !ok {
		return usagef("-log-level %q: want debug, info, warn or error", *logLevel)
	}
	if *basePort < 0 || *basePort > 65535 {
		return usagef("-base-port %d: want a port number, or 0 for free ports", *basePort)
	}
	if *adminAddr != "" {
		if _, err := parseAdmin(*adminAddr); err != nil {
			return usageError{err}
		}
	}
	return Localhost(ctx, f, Config{Sizes: sizes.vals, Cores: cores.vals, BasePort: *basePort, LogFormat: *logFormat, LogLevel: *logLevel, StopOnFailure: *stopOnFailure, Admin: *adminAddr, Output: stdout, NoTLS: !*useTLS,
		KeepRunning: *keepRunning, PortTLS: portTLS, PortLimits: portLimits, Plan: plan})
}

// parse parses args with fs and refuses arguments left over. For -h it
// calls usage, with fs writing to stderr; a mistake is returned, not
// printed.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer, usage func()) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			usage()
			return err
		}
		return usagef("%s: %v (-h lists the flags)", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return nil
}

// runRole runs the location named by role until ctx ends, configured by the
// environment the deployer gave it; a role of several names joined by
// commas runs those nodes in this process (runGroup), each with a flow
// build builds for it.
func runRole(ctx context.Context, f *hydro.Flow, build func(*hydro.Flow), role string) error {
	ctx, stop, err := lifeline(ctx, os.Getenv(launch.EnvLifeline), os.Stdin)
	if err != nil {
		return err
	}
	defer stop()
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
	admins, err := launch.DecodePeers(os.Getenv(launch.EnvAdmin))
	if err != nil {
		return err
	}
	level, ok := parseLevel(os.Getenv(launch.EnvLogLevel))
	if !ok {
		return fmt.Errorf("deploy: %s=%q: want debug, info, warn or error", launch.EnvLogLevel, os.Getenv(launch.EnvLogLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if os.Getenv(launch.EnvLogFormat) == "json" {
		handler = slog.NewJSONHandler(os.Stderr, opts)
	}
	if roles := strings.Split(role, ","); len(roles) > 1 {
		base := nodeEnv{peers: peers, ports: ports, admins: admins, sizes: sizes, logger: slog.New(handler)}
		if os.Getenv(launch.EnvFinish) == "1" {
			base.finish = os.Stdout
		}
		return runGroup(ctx, build, roles, base)
	}
	logger := slog.New(handler).With("node", role)
	logger.Info("node started", "addr", peers[role])
	cfg := NodeConfig{Role: role, Peers: peers, Sizes: sizes, Ports: ports, Logger: logger, Admin: admins[role]}
	if os.Getenv(launch.EnvFinish) == "1" {
		cfg.Finish = os.Stdout
	}
	if os.Getenv(launch.EnvReady) == "1" {
		cfg.Ready = os.Stdout
	}
	err = RunNode(ctx, f, cfg)
	logger.Info("node stopped")
	return err
}

// parseLevel parses a log level as -log-level takes it; empty is info.
func parseLevel(s string) (slog.Level, bool) {
	switch s {
	case "debug":
		return slog.LevelDebug, true
	case "info", "":
		return slog.LevelInfo, true
	case "warn":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

// fleetOutput is where Localhost writes the fleet's lines: out (io.Discard
// if nil), through jsonLines for the json format.
func fleetOutput(out io.Writer, format string) io.Writer {
	if out == nil {
		return io.Discard
	}
	if format == "json" {
		return &jsonLines{w: out}
	}
	return out
}

// jsonLines turns the fleet's lines, each prefixed with its source
// ("[Leader] ...", "[deployer] ..."), into JSON lines: a line that is a
// JSON object already (a node's log record, which names the node) loses
// its prefix; any other becomes a record with the source in "node" and
// the line in "msg". It takes whole lines, in any number of writes.
type jsonLines struct {
	mu      sync.Mutex
	w       io.Writer
	partial []byte
}

func (j *jsonLines) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.partial = append(j.partial, p...)
	var out []byte
	for {
		i := bytes.IndexByte(j.partial, '\n')
		if i < 0 {
			break
		}
		out = appendJSONLine(out, j.partial[:i])
		j.partial = j.partial[i+1:]
	}
	j.partial = append([]byte(nil), j.partial...)
	if len(out) == 0 {
		return len(p), nil
	}
	if _, err := j.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// appendJSONLine appends line, "[source] text", as a JSON line.
func appendJSONLine(dst, line []byte) []byte {
	source, text := "", line
	if len(line) > 0 && line[0] == '[' {
		if i := bytes.Index(line, []byte("] ")); i > 0 {
			source, text = string(line[1:i]), line[i+2:]
		}
	}
	if len(text) > 0 && text[0] == '{' && json.Valid(text) {
		return append(append(dst, text...), '\n')
	}
	rec, _ := json.Marshal(struct {
		Time  string `json:"time"`
		Level string `json:"level"`
		Msg   string `json:"msg"`
		Node  string `json:"node,omitempty"`
	}{time.Now().Format(time.RFC3339Nano), "INFO", string(text), source})
	return append(append(dst, rec...), '\n')
}
