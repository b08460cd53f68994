// SPDX-License-Identifier: Apache-2.0

package ssh

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/internal/sshdtest"
)

// hosts are the test's hosts: network namespaces on one bridge.
type hosts struct {
	names []string // network namespaces
	addrs []string // their addresses on the bridge
	known []string // known_hosts files, one per sshd
	key   string   // the client key every sshd accepts
	home  string   // the home of the user the deployer logs in as
}

// deployUser is the user the fleets are deployed as: an unprivileged one,
// with /bin/sh as its shell.
const deployUser = sshdtest.TestUser

// The bridge and the namespaces. The bridge takes the subnet's first
// address, so that the deployer, in the machine's own namespace, reaches
// the hosts.
const (
	bridge = "hydrossh0"
	subnet = "10.231.7."
)

// netHosts makes n hosts, each with an sshd on port 22 of its address, and
// removes them at the end of the test.
func netHosts(t *testing.T, n int) hosts {
	sshdtest.Need(t)
	if _, err := exec.LookPath("ip"); err != nil {
		fail(t, "iproute2's ip is needed for the test hosts: %v", err)
	}
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	h := hosts{home: sshdtest.User(t, deployUser)}
	cleanup := func() {
		for i := range n {
			_ = exec.Command("ip", "netns", "del", nsName(i)).Run()
			_ = exec.Command("ip", "link", "del", "hydrossh-v"+strconv.Itoa(i)).Run()
		}
		_ = exec.Command("ip", "link", "del", bridge).Run()
	}
	cleanup() // what an interrupted run left
	t.Cleanup(cleanup)
	run("link", "add", bridge, "type", "bridge")
	run("addr", "add", subnet+"1/24", "dev", bridge)
	run("link", "set", bridge, "up")
	dir := t.TempDir()
	for i := range n {
		ns, veth, addr := nsName(i), "hydrossh-v"+strconv.Itoa(i), subnet+strconv.Itoa(11+i)
		run("netns", "add", ns)
		run("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
		run("link", "set", veth, "master", bridge, "up")
		run("-n", ns, "addr", "add", addr+"/24", "dev", "eth0")
		run("-n", ns, "link", "set", "eth0", "up")
		run("-n", ns, "link", "set", "lo", "up")
		sdir := filepath.Join(dir, ns)
		if err := os.Mkdir(sdir, 0o700); err != nil {
			t.Fatal(err)
		}
		s := sshdtest.Start(t, sshdtest.Options{Addr: addr + ":22", Netns: ns, ClientKey: h.key, Dir: sdir, User: deployUser})
		h.key = s.ClientKey
		h.names = append(h.names, ns)
		h.addrs = append(h.addrs, s.User+"@"+addr)
		h.known = append(h.known, s.KnownHosts)
	}
	return h
}

func nsName(i int) string { return "hydrossh-h" + strconv.Itoa(i) }

func fail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// args are deploy's arguments for the hosts.
func (h hosts) args(more ...string) []string {
	return append([]string{"deploy", "-ssh", strings.Join(h.addrs, ","), "-ssh-key", h.key,
		"-known-hosts", strings.Join(h.known, ","), "-log-format", "text"}, more...)
}

// procs lists the processes in host i's namespace other than its sshd,
// as "pid comm HYDRO_ROLE".
func (h hosts) procs(t *testing.T, i int) []string {
	out, err := exec.Command("ip", "netns", "pids", h.names[i]).Output()
	if err != nil {
		t.Fatalf("ip netns pids: %v", err)
	}
	var ps []string
	for f := range strings.FieldsSeq(string(out)) {
		comm, err := os.ReadFile("/proc/" + f + "/comm")
		if err != nil {
			continue
		}
		name := strings.TrimSpace(string(comm))
		if name == "sshd" {
			// The server, and the sessions it forks before they exec.
			continue
		}
		env, _ := os.ReadFile("/proc/" + f + "/environ")
		role := ""
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			if r, ok := bytes.CutPrefix(kv, []byte("HYDRO_ROLE=")); ok {
				role = string(r)
			}
		}
		ps = append(ps, f+" "+name+" "+role)
	}
	return ps
}

// gone checks that no process of the fleet is left on the hosts, and with
// files, none of its files either.
func (h hosts) gone(t *testing.T, files bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for i := range h.names {
		for {
			left := h.procs(t, i)
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("host %s: processes left after the deployer stopped: %v", h.names[i], left)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(h.home, ".hydro", "*-*")); files && len(left) > 0 {
		t.Errorf("files left on the hosts: %v", left)
	}
}

const wantCounts = "counts: a=1 brown=1 dog=2 fox=2 jumps=1 lazy=1 over=1 quick=1 runs=1 sleeps=1 the=3"

// Word count on three hosts, with mutual TLS: the leader and three
// workers, one of them killed on its host, reported, and the rest go on;
// Ctrl-C stops everything and leaves nothing on the hosts.
func TestWordCountOverSSH(t *testing.T) {
	h := netHosts(t, 3)
	f := deploytest.Start(t, "../../../examples/wordcount", h.args("-cluster", "Worker=3", "-stop-on-failure=false")...)
	f.WaitFor("the final counts", 60*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[Leader] ") && strings.HasSuffix(l, wantCounts)
	})
	// Round-robin placement: Leader and Worker/2 on the first host.
	var victim int
	for _, p := range h.procs(t, 0) {
		if fs := strings.Fields(p); len(fs) == 3 && fs[2] == "Worker/2" {
			victim, _ = strconv.Atoi(fs[0])
		}
	}
	if victim == 0 {
		t.Fatalf("Worker/2 is not on the first host: %v\n%s", h.procs(t, 0), f.Output())
	}
	if err := exec.Command("kill", "-9", strconv.Itoa(victim)).Run(); err != nil {
		t.Fatal(err)
	}
	f.WaitFor("Worker/2 reported gone", 30*time.Second, func(l string) bool {
		return strings.HasPrefix(l, "[deployer] Worker/2 exited: ") && strings.Contains(l, "KILL")
	})
	for i, want := range [][]string{{"Leader"}, {"Worker/0"}, {"Worker/1"}} {
		var roles []string
		for _, p := range h.procs(t, i) {
			roles = append(roles, strings.Fields(p)[2])
		}
		if !slices.Equal(roles, want) {
			t.Errorf("host %d runs %v after Worker/2 was killed; want %v", i, roles, want)
		}
	}
	f.Stop()
	out := f.Output()
	for _, m := range []string{"Leader", "Worker/0", "Worker/1"} {
		if !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not stop cleanly; output:\n%s", m, out)
		}
	}
	if !strings.Contains(out, "msg=\"node started\" node=Worker/0 addr="+subnet+"12:7000") {
		t.Errorf("Worker/0 did not listen on the second host's address; output:\n%s", out)
	}
	h.gone(t, true)
}

// Chat on one of the hosts, its port asking for a token (-port-token-file,
// which reaches the node in its settings); two clients on this machine
// that give it talk through it, one that does not is refused. Then the
// deployer is killed (SIGKILL): nothing of the fleet goes on running.
func TestChatOverSSH(t *testing.T) {
	h := netHosts(t, 2)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("chat-e2e-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := deploytest.Start(t, "../../../examples/chat", h.args("-place", "Server="+h.addrs[1], "-port-token-file", tokenFile)...)
	addr := f.PortAddr("Client", 60*time.Second)
	if host, _, _ := net.SplitHostPort(addr); host != subnet+"12" {
		t.Fatalf("the chat port is on %s; want the second host", addr)
	}
	dial := func() (net.Conn, *bufio.Reader) {
		t.Helper()
		for range 100 {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				t.Cleanup(func() { c.Close() })
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				return c, bufio.NewReader(c)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("cannot reach the chat at %s", addr)
		return nil, nil
	}
	readUntil := func(r *bufio.Reader, suffix string) {
		t.Helper()
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("waiting for %q: %v\n%s", suffix, err, f.Output())
			}
			if strings.HasSuffix(strings.TrimSpace(l), suffix) {
				return
			}
		}
	}
	// Without the token: refused.
	n, rn := dial()
	fmt.Fprintln(n, "hello without a token")
	if l, _ := rn.ReadString('\n'); !strings.HasPrefix(l, "ERR ") {
		t.Fatalf("a client without the token got %q; want ERR ...", l)
	}
	auth := func(c net.Conn, r *bufio.Reader) {
		t.Helper()
		fmt.Fprintln(c, "AUTH chat-e2e-token")
		readUntil(r, "OK")
	}
	a, ra := dial()
	auth(a, ra)
	readUntil(ra, "you are client 1")
	b, rb := dial()
	auth(b, rb)
	readUntil(rb, "you are client 2")
	readUntil(ra, "client 2 joined")
	fmt.Fprintln(a, "hello over ssh")
	readUntil(rb, "1: hello over ssh")
	// The deployer dies: the server sees its session end and stops.
	deployer := child(t, "fleet")
	if err := exec.Command("kill", "-9", strconv.Itoa(deployer)).Run(); err != nil {
		t.Fatal(err)
	}
	f.Stop()
	h.gone(t, false)
	left, _ := filepath.Glob(filepath.Join(h.home, ".hydro", "*-*"))
	for _, d := range left {
		os.RemoveAll(d)
	}
}

// child returns the PID of this process's child named comm.
func child(t *testing.T, comm string) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || string(stat[open+1:end]) != comm {
			continue
		}
		if fs := strings.Fields(string(stat[end+1:])); len(fs) > 1 && fs[1] == strconv.Itoa(os.Getpid()) {
			pid, _ := strconv.Atoi(e.Name())
			return pid
		}
	}
	t.Fatalf("no child process %s", comm)
	return 0
}
