// SPDX-License-Identifier: Apache-2.0

package launch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The environment a deployer gives each node it launches: the node's role,
// every node's address, and the size of every cluster.
const (
	EnvRole      = "HYDRO_ROLE"
	EnvPeers     = "HYDRO_PEERS"
	EnvSizes     = "HYDRO_SIZES"
	EnvLogFormat = "HYDRO_LOG_FORMAT"
	// EnvLogLevel is the nodes' log level: debug, info, warn or error.
	EnvLogLevel = "HYDRO_LOG_LEVEL"
	// EnvPorts carries the address of every external port of the fleet,
	// as name=host:port pairs (see EncodePeers).
	EnvPorts = "HYDRO_PORTS"
	// EnvAdmin carries the admin address of every node that serves one,
	// as name=host:port pairs (see EncodePeers); absent without -admin.
	EnvAdmin = "HYDRO_ADMIN"
	// EnvLifeline, set to "stdin", tells a node that its deployer is on
	// the other end of its standard input: when that input ends, the
	// deployer is gone and the node stops. The SSH deployer sets it, so
	// that a fleet on remote hosts never outlives the command that
	// started it.
	EnvLifeline = "HYDRO_LIFELINE"
	// EnvFinish, set to "1", tells a node of a finite flow that its
	// deployer watches for the fleet to finish: the node writes a line
	// on its standard output each time it becomes idle.
	EnvFinish = "HYDRO_FINISH"
	// EnvReady, set to "1", tells a node that its deployer announces the
	// fleet's external ports once their nodes listen: the node writes a
	// line on its standard output when it does.
	EnvReady = "HYDRO_READY"
	// EnvPlan carries the rewrites the deployer applied to its flow
	// (hydro.Plan, in its JSON form): each node applies them to its own
	// flow before compiling it, so that every node runs the same
	// rewritten program. Absent without a plan.
	EnvPlan = "HYDRO_PLAN"
)

// Member is one process of a fleet: its name ("Leader", "Worker/3") and the
// address it listens on.
type Member struct {
	Name string
	Addr string
	// Env is what Launch adds to this member's environment alone (its
	// certificate and key, say), as KEY=value.
	Env []string
	// Nodes, if set, are the nodes this process runs together (the
	// members of a cluster co-located), each with its name and address;
	// Name is then their names joined by commas (its role), and the
	// address table lists the nodes, not the process.
	Nodes []Member
}

// FreeAddrs returns n loopback addresses with free ports, or, if base is
// positive, base, base+1, ...
func FreeAddrs(n, base int) ([]string, error) {
	addrs := make([]string, n)
	for i := range addrs {
		if base > 0 {
			addrs[i] = net.JoinHostPort("127.0.0.1", strconv.Itoa(base+i))
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("deploy: finding a free port: %w", err)
		}
		addrs[i] = ln.Addr().String()
		defer ln.Close()
	}
	return addrs, nil
}

// EncodePeers and DecodePeers carry the address table in EnvPeers.
func EncodePeers(ms []Member) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Name + "=" + m.Addr
	}
	return strings.Join(parts, ",")
}

// DecodePeers parses what EncodePeers wrote. It refuses an entry without a
// name or an address, and a name given twice.
func DecodePeers(s string) (map[string]string, error) {
	peers := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		name, addr, ok := strings.Cut(part, "=")
		if !ok || name == "" || addr == "" {
			return nil, fmt.Errorf("deploy: bad %s entry %q: want name=host:port", EnvPeers, part)
		}
		if _, dup := peers[name]; dup {
			return nil, fmt.Errorf("deploy: bad %s: %s is given twice", EnvPeers, name)
		}
		peers[name] = addr
	}
	return peers, nil
}

// EncodeSizes and DecodeSizes carry cluster sizes in EnvSizes.
func EncodeSizes(sizes map[string]int) string {
	names := make([]string, 0, len(sizes))
	for n := range sizes {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%d", n, sizes[n])
	}
	return strings.Join(parts, ",")
}

// DecodeSizes parses what EncodeSizes wrote (also the -cluster flag's
// Name=N form). It refuses an entry without a name, and a name given twice.
func DecodeSizes(s string) (map[string]int, error) {
	sizes := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		name, num, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(num)
		if !ok || name == "" || err != nil || n < 0 {
			return nil, fmt.Errorf("deploy: bad cluster size %q: want Name=N with N ≥ 0", part)
		}
		if _, dup := sizes[name]; dup {
			return nil, fmt.Errorf("deploy: bad cluster sizes %q: %s is given twice", s, name)
		}
		sizes[name] = n
	}
	return sizes, nil
}

// Exit reports a member that stopped.
type Exit struct {
	Name string
	Err  error // nil for a clean exit; an *exec.ExitError otherwise
}

// Fleet is a set of launched processes.
type Fleet struct {
	cmds  []*exec.Cmd
	names []string
	exits chan Exit
	wg    sync.WaitGroup
}

// Launch starts one process per member: exe with args, its role and the
// address table in its environment (plus env): every member's address, or,
// for one that runs several nodes (Nodes), theirs. Every line a member prints
// is copied to out prefixed with [name] (a line longer than 1 MiB in
// pieces of 1 MiB); a nil out discards. Launch returns once all
// have started; a member that fails to start stops those already started.
func Launch(exe string, args []string, env []string, members []Member, out io.Writer) (*Fleet, error) {
	if out == nil {
		out = io.Discard
	}
	f := &Fleet{exits: make(chan Exit, len(members))}
	var mu sync.Mutex // serialises lines from different members
	var table []Member
	for _, m := range members {
		if len(m.Nodes) > 0 {
			table = append(table, m.Nodes...)
		} else {
			table = append(table, m)
		}
	}
	peers := EncodePeers(table)
	for _, m := range members {
		cmd := exec.Command(exe, args...)
		cmd.Env = append(append(append(os.Environ(), env...), m.Env...), EnvRole+"="+m.Name, EnvPeers+"="+peers)
		pr, pw := io.Pipe()
		cmd.Stdout, cmd.Stderr = pw, pw
		bindToDeployer(cmd)
		if err := cmd.Start(); err != nil {
			pw.Close()
			ctx, cancel := context.WithTimeout(context.Background(), stopGrace)
			_ = f.Stop(ctx)
			cancel()
			return nil, fmt.Errorf("deploy: starting %s: %w", m.Name, err)
		}
		f.cmds = append(f.cmds, cmd)
		f.names = append(f.names, m.Name)
		prefix := "[" + m.Name + "] "
		f.wg.Go(func() { CopyLines(out, &mu, prefix, pr) })
		f.wg.Go(func() {
			err := cmd.Wait()
			pw.Close()
			f.exits <- Exit{Name: m.Name, Err: err}
		})
	}
	return f, nil
}

// CopyLines copies every line r holds to out with prefix before it, under
// mu (which serialises the lines of several members), until r ends. A line
// longer than 1 MiB comes in pieces of 1 MiB.
func CopyLines(out io.Writer, mu *sync.Mutex, prefix string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	// NB: with bufio.ScanLines a line over the buffer's limit would stop
	// the scanner, and the member's later output would be dropped.
	sc.Split(scanLines)
	for sc.Scan() {
		mu.Lock()
		fmt.Fprintln(out, prefix+sc.Text())
		mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, r)
}

// maxLine is the longest line CopyLines copies in one piece.
const maxLine = 1 << 20

// stopGrace is how long Launch lets the members it started stop after
// another failed to start, before killing them.
const stopGrace = 5 * time.Second

// scanLines is bufio.ScanLines, but a line longer than the buffer comes in
// pieces instead of ending the scan.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	adv, tok, err := bufio.ScanLines(data, atEOF)
	if adv == 0 && tok == nil && err == nil && len(data) >= maxLine {
		return maxLine, data[:maxLine], nil
	}
	return adv, tok, err
}

// Exits reports members as they stop.
func (f *Fleet) Exits() <-chan Exit { return f.exits }

// Stop asks every member still running to stop (SIGTERM), kills those still
// running when ctx ends (on Linux with every process of their groups), and
// waits for all of them and their output.
func (f *Fleet) Stop(ctx context.Context) error {
	for _, c := range f.cmds {
		if c.Process != nil {
			_ = c.Process.Signal(syscall.SIGTERM)
		}
	}
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, c := range f.cmds {
			if c.Process != nil {
				killGroup(c)
			}
		}
		<-done
		return errors.New("deploy: members killed after the stop deadline")
	}
}
