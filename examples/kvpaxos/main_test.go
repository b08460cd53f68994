// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/resp"
)

func sizes() []hydro.LocalOption {
	return []hydro.LocalOption{hydro.SizeOf[paxos.Proposer](2), hydro.SizeOf[paxos.Acceptor](3), hydro.SizeOf[Replica](2)}
}

// The store in one process, with an in-memory client: replies in order,
// once a leader is elected and the log has the commands.
func TestKVPaxosLocal(t *testing.T) {
	f := hydro.NewFlow()
	kv := KVS(f)
	r := hydro.MustLocal(f, sizes()...)
	c := kv.Port.Connect(r)
	c.Send(resp.Command{Args: []string{"SET", "k", "v"}}, resp.Command{Args: []string{"GET", "k"}})
	var got []string
	for i := 0; i < 100 && len(got) < 2; i++ {
		r.Advance(Config.Paxos.Period)
		for _, v := range c.Receive() {
			got = append(got, v.String())
		}
	}
	if s := strings.Join(got, "|"); s != `OK|"v"` {
		t.Errorf("client received %s; want OK|\"v\"", s)
	}
}

// needRedisTools makes sure redis-cli and redis-benchmark are on PATH, installing Debian's
// redis-tools if it is not. Without it the test is skipped, unless it
// runs in CI (CI set), where it fails.
func needRedisTools(t *testing.T) {
	t.Helper()
	_, errCLI := exec.LookPath("redis-cli")
	_, errBench := exec.LookPath("redis-benchmark")
	if errCLI == nil && errBench == nil {
		return
	}
	fail := t.Skipf
	if os.Getenv("CI") != "" {
		fail = t.Fatalf
	}
	if os.Geteuid() != 0 {
		fail("redis-tools is not installed, and only root can install it")
		return
	}
	apt := func(args ...string) ([]byte, error) {
		c := exec.Command("apt-get", append([]string{"-q", "-o", "DPkg::Lock::Timeout=600"}, args...)...)
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return c.CombinedOutput()
	}
	if _, err := apt("install", "-y", "redis-tools"); err != nil {
		if out, err := apt("update"); err != nil {
			fail("apt-get update: %v\n%s", err, out)
			return
		}
		if out, err := apt("install", "-y", "redis-tools"); err != nil {
			fail("apt-get install redis-tools: %v\n%s", err, out)
		}
	}
}

// The real thing: eight OS processes over TCP (the front end, two
// proposers, three acceptors, two replicas) and redis-cli. An acceptor and
// then the leader are killed while SETs run, each kill as a SET is on its
// way; every acknowledged SET reads back afterwards, and redis-benchmark
// runs without an error on what is left.
func TestKVPaxosFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a fleet and kills two of its members")
	}
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the fleet stops
	needRedisTools(t)
	f := deploytest.Start(t, ".", "-cluster", "Proposer=2", "-cluster", "Acceptor=3", "-cluster", "Replica=2", "-stop-on-failure=false")
	host, port, ok := strings.Cut(f.PortAddr("Client", 30*time.Second), ":")
	if !ok {
		t.Fatal("the port's address has no port")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cli := func(args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, "redis-cli", append([]string{"-h", host, "-p", port}, args...)...)
	}
	run := func(c *exec.Cmd) string {
		t.Helper()
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, out)
		}
		return strings.TrimSpace(string(out))
	}

	// The port opens a little after the deployer names it; PING goes
	// through the log too, so once it answers a leader is elected.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		out, err := cli("PING").CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "PONG" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-cli PING: %v, %s; want PONG within 30 s", err, out)
		}
	}
	const n = 150
	kills := map[int]string{
		n / 3:     "Acceptor/2",
		2 * n / 3: "Proposer/0", // the leader: proposer 1 waits 10 periods longer to run
	}
	acked := 0
	for i := range n {
		c := cli("SET", fmt.Sprintf("key%d", i), fmt.Sprintf("value%d", i))
		if member, ok := kills[i]; ok {
			// The SET is on its way as its member dies.
			var out strings.Builder
			c.Stdout, c.Stderr = &out, &out
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			f.Kill(member)
			if err := c.Wait(); err != nil {
				t.Fatalf("%s as %s died: %v\n%s", c, member, err, out.String())
			}
			if strings.TrimSpace(out.String()) == "OK" {
				acked++
			}
			continue
		}
		if run(c) == "OK" {
			acked++
		}
	}
	if acked != n {
		t.Errorf("%d of %d SETs acknowledged; want all, through both kills", acked, n)
	}

	args := []string{"MGET"}
	for i := range n {
		args = append(args, fmt.Sprintf("key%d", i))
	}
	got := strings.Split(run(cli(args...)), "\n")
	for i := range n {
		if i >= len(got) || got[i] != fmt.Sprintf("value%d", i) {
			t.Fatalf("after %d acknowledged SETs, MGET gave %.300q; want value0 to value%d", acked, got, n-1)
		}
	}
	if got := run(cli("INCR", "key0")); !strings.Contains(got, "not an integer") {
		t.Errorf("INCR of a string = %q; want the Redis error", got)
	}
	if got := run(cli("DBSIZE")); got != fmt.Sprint(n) {
		t.Errorf("DBSIZE = %s; want %d", got, n)
	}

	// redis-benchmark on what is left (one proposer, two acceptors): 50
	// connections, random keys among 100, no error.
	bench := exec.CommandContext(ctx, "redis-benchmark", "-h", host, "-p", port, "-t", "set,get", "-n", "2000", "-r", "100", "-q")
	out, err := bench.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	t.Logf("redis-benchmark:\n%s", out)
	for _, op := range []string{"SET", "GET"} {
		if !regexp.MustCompile(`(?m)\b` + op + `: [0-9.]+ requests per second`).Match(out) {
			t.Errorf("redis-benchmark printed no %s rate", op)
		}
	}
	if l := strings.ToLower(string(out)); strings.Contains(l, "error") || strings.Contains(l, "warning") {
		t.Errorf("redis-benchmark reported errors or warnings")
	}
	f.Stop()
}
