// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/std/resp"
)

func cmd(words ...string) resp.Command { return resp.Command{Args: words} }

// The flow under Local, with in-memory clients: each connection's replies
// come in the order of its commands.
func TestKVSLocal(t *testing.T) {
	f := hydro.NewFlow()
	port := KVS(f)
	r := hydro.MustLocal(f)
	a, b := port.Connect(r), port.Connect(r)
	a.Send(cmd("SET", "k", "1"), cmd("INCR", "k"), cmd("GET", "k"))
	b.Send(cmd("PING"), cmd("NOPE"))
	r.RunAvailable()
	check := func(who string, got []resp.Value, want ...string) {
		t.Helper()
		var s []string
		for _, v := range got {
			s = append(s, v.String())
		}
		if strings.Join(s, "|") != strings.Join(want, "|") {
			t.Errorf("%s received %q; want %q", who, s, want)
		}
	}
	check("a", a.Receive(), "OK", "(integer) 2", `"2"`)
	check("b", b.Receive(), "PONG", "(error) ERR unknown command 'NOPE'")
	b.Send(cmd("MSET", "x", "1", "y", "2"), cmd("MGET", "k", "x", "z"), cmd("DEL", "k", "x"), cmd("EXISTS", "k", "y"))
	r.RunAvailable()
	check("b", b.Receive(), "OK", `["2" "1" (nil)]`, "(integer) 2", "(integer) 1")
}

// needRedisTools makes sure redis-cli and redis-benchmark are on PATH,
// installing Debian's redis-tools if they are not. Without them the test
// is skipped, unless it runs in CI (CI set), where it fails.
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
	install := func() ([]byte, error) {
		c := exec.Command("apt-get", "install", "-y", "-q", "redis-tools")
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return c.CombinedOutput()
	}
	if _, err := install(); err != nil {
		if out, err := exec.Command("apt-get", "update", "-q").CombinedOutput(); err != nil {
			fail("apt-get update: %v\n%s", err, out)
			return
		}
		if out, err := install(); err != nil {
			fail("apt-get install redis-tools: %v\n%s", err, out)
			return
		}
	}
}

// The real thing: the store as an OS process; a Go client with the same
// codecs, clients that break the protocol, and redis-cli and
// redis-benchmark as unchanged Redis clients.
func TestKVSFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a fleet and runs redis-benchmark")
	}
	f := deploytest.Start(t, ".")
	addr := f.PortAddr("Client", 30*time.Second)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()

	// A Go client, which also waits for the port to open.
	c, err := deploy.Dial(ctx, addr, resp.Requests, resp.Replies)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send(cmd("SET", "go", "a\r\nb"), cmd("GET", "go"), cmd("INCR", "go")); err != nil {
		t.Fatal(err)
	}
	var heard []string
	for range 3 {
		v, err := c.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive: %v; heard %q", err, heard)
		}
		heard = append(heard, v.String())
	}
	if want := []string{"OK", `"a\r\nb"`, "(error) ERR value is not an integer or out of range"}; !slices.Equal(heard, want) {
		t.Errorf("Go client heard %q; want %q", heard, want)
	}

	// Clients that break the protocol, or announce more than a port takes,
	// are closed; the others are served on.
	for _, bad := range []string{"*99999999\r\n", "*1\r\n$999999999999\r\n", "*1\r\n:1\r\n", "*1\r\n$" + fmt.Sprint(2<<20) + "\r\n" + strings.Repeat("x", 2<<20)} {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = nc.Write([]byte(bad)) }()
		nc.SetReadDeadline(time.Now().Add(20 * time.Second))
		// Closed with bytes unread, the connection may be reset instead.
		got, err := io.ReadAll(nc)
		var ne net.Error
		if len(got) > 0 || errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("after %.30q the port sent %q, %v; want the connection closed", bad, got, err)
		}
		nc.Close()
	}
	if err := c.Send(cmd("PING")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Receive(ctx); err != nil || v.String() != "PONG" {
		t.Errorf("PING after the bad clients = %v, %v; want PONG", v, err)
	}

	needRedisTools(t)
	cli := func(stdin string, args ...string) string {
		t.Helper()
		c := exec.CommandContext(ctx, "redis-cli", append([]string{"-h", host, "-p", port}, args...)...)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "PONG"},
		{[]string{"SET", "greeting", "hello world"}, "OK"},
		{[]string{"GET", "greeting"}, "hello world"},
		{[]string{"INCR", "n"}, "1"},
		{[]string{"INCR", "greeting"}, "ERR value is not an integer or out of range"},
		{[]string{"MSET", "a", "1", "b", "2"}, "OK"},
		{[]string{"MGET", "a", "nope", "b"}, "1\n\n2"},
		{[]string{"EXISTS", "a", "b", "nope"}, "2"},
		{[]string{"DEL", "a"}, "1"},
		{[]string{"GET", "a"}, ""},
		{[]string{"FLUSHALL"}, "ERR unknown command 'FLUSHALL'"},
	} {
		if got := cli("", tt.args...); got != tt.want {
			t.Errorf("redis-cli %q = %q; want %q", tt.args, got, tt.want)
		}
	}

	// Many commands on one connection, read from standard input as
	// redis-cli does: each acknowledged SET must read back.
	const n = 300
	var script strings.Builder
	for i := range n {
		fmt.Fprintf(&script, "SET key%d value%d\n", i, i)
	}
	if got := cli(script.String()); strings.Count(got, "OK") != n {
		t.Fatalf("redis-cli acknowledged %d of %d SETs:\n%.500s", strings.Count(got, "OK"), n, got)
	}
	args := []string{"MGET"}
	for i := range n {
		args = append(args, fmt.Sprintf("key%d", i))
	}
	got := strings.Split(cli("", args...), "\n")
	for i := range n {
		if i >= len(got) || got[i] != fmt.Sprintf("value%d", i) {
			t.Fatalf("after acknowledged SETs, MGET gave %.500q; want value0 to value%d", got, n-1)
		}
	}

	// redis-benchmark: 50 connections, random keys among 100.
	bench := exec.CommandContext(ctx, "redis-benchmark", "-h", host, "-p", port, "-t", "set,get", "-n", "2000", "-r", "100", "-q")
	var out bytes.Buffer
	bench.Stdout, bench.Stderr = &out, &out
	if err := bench.Run(); err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out.String())
	}
	text := out.String()
	t.Logf("redis-benchmark:\n%s", text)
	for _, op := range []string{"SET", "GET"} {
		if !regexp.MustCompile(`(?m)\b` + op + `: [0-9.]+ requests per second`).MatchString(text) {
			t.Errorf("redis-benchmark printed no %s rate", op)
		}
	}
	if l := strings.ToLower(text); strings.Contains(l, "error") || strings.Contains(l, "warning") {
		t.Errorf("redis-benchmark reported errors or warnings")
	}
	// 2000 SETs over 100 keys set every one (but with odds of 1 in 10^7):
	// each reads back as the benchmark's 3-byte value, the same for all.
	args = []string{"MGET"}
	for i := range 100 {
		args = append(args, fmt.Sprintf("key:%012d", i))
	}
	values := strings.Split(cli("", args...), "\n")
	for i, v := range values {
		if len(v) != 3 || v != values[0] {
			t.Fatalf("key:%012d = %q after redis-benchmark's SETs; want the 3 bytes each key has (key:%012d = %q)", i, v, 0, values[0])
		}
	}
	if got := cli("", "DBSIZE"); got != fmt.Sprint(100+n+4) {
		t.Errorf("DBSIZE = %s; want %d", got, 100+n+4)
	}
}
