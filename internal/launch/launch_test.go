// SPDX-License-Identifier: Apache-2.0

package launch_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/launch"
)

// envPlan, when set, makes the test binary a fleet member instead of running
// tests: it maps each role to what that member does (see member).
const envPlan = "DEPLOY_TEST_PLAN"

func TestMain(m *testing.M) {
	if plan := os.Getenv(envPlan); plan != "" {
		os.Exit(member(plan))
	}
	os.Exit(m.Run())
}

// member plays the role named in its environment according to plan, a
// list of role=action: "exit:N" prints to stdout and stderr and exits with
// status N; "long" prints a line of longLine bytes, then another; "wait" waits for SIGTERM, then exits 0; "stubborn" ignores
// SIGTERM and waits to be killed; "orphan" prints its pid and waits a
// minute; "deploy" launches Worker/0 and Worker/1 (see deploy).
func member(plan string) int {
	role := os.Getenv(launch.EnvRole)
	actions := map[string]string{}
	for _, part := range strings.Split(plan, ",") {
		r, a, _ := strings.Cut(part, "=")
		actions[r] = a
	}
	fmt.Printf("hello from %s\n", role)
	fmt.Fprintf(os.Stderr, "peers %s\n", os.Getenv(launch.EnvPeers))
	switch a := actions[role]; {
	case strings.HasPrefix(a, "exit:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(a, "exit:"))
		fmt.Print("no newline at the end")
		return n
	case a == "wait":
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		fmt.Println("ready")
		<-sig
		fmt.Println("terminated")
		return 0
	case a == "long":
		fmt.Println(strings.Repeat("x", longLine))
		fmt.Println("after")
		return 0
	case a == "orphan":
		fmt.Printf("pid %d\n", os.Getpid())
		time.Sleep(time.Minute)
		return 0
	case a == "deploy":
		return deploy()
	case a == "stubborn":
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return 0
	}
	fmt.Fprintf(os.Stderr, "no action for role %q in %q\n", role, plan)
	return 2
}

// deploy plays a deployer: it launches this binary as Worker/0 and
// Worker/1, with the same plan, copies their output to its stdout, and
// waits to be killed.
func deploy() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Println(err)
		return 2
	}
	addrs, err := launch.FreeAddrs(2, 0)
	if err != nil {
		fmt.Println(err)
		return 2
	}
	members := []launch.Member{{Name: "Worker/0", Addr: addrs[0]}, {Name: "Worker/1", Addr: addrs[1]}}
	if _, err := launch.Launch(exe, nil, nil, members, os.Stdout); err != nil {
		fmt.Println(err)
		return 2
	}
	time.Sleep(time.Minute)
	return 0
}

// longLine is longer than the longest line Launch copies in one piece.
const longLine = 1<<20 + 100

// waitLine waits until out holds line, whole.
func waitLine(t *testing.T, out *fleettest.Output, line string) {
	t.Helper()
	out.WaitFor(t, 10*time.Second, line+"\n")
}

// launch starts this test binary as one member per role, acting out plan.
func start(t *testing.T, plan string, roles ...string) (*launch.Fleet, *fleettest.Output, []launch.Member) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := launch.FreeAddrs(len(roles), 0)
	if err != nil {
		t.Fatal(err)
	}
	members := make([]launch.Member, len(roles))
	for i, r := range roles {
		members[i] = launch.Member{Name: r, Addr: addrs[i]}
	}
	out := &fleettest.Output{}
	// NB: a binary built with -race sleeps a second as it exits, unless
	// told not to.
	env := []string{envPlan + "=" + plan, "GORACE=atexit_sleep_ms=0"}
	f, err := launch.Launch(exe, nil, env, members, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.Stop(ctx)
	})
	return f, out, members
}

// nextExit waits for the fleet to report a member's exit.
func nextExit(t *testing.T, f *launch.Fleet) launch.Exit {
	t.Helper()
	select {
	case e := <-f.Exits():
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no member exited within 10 s")
		return launch.Exit{}
	}
}

// TestLaunch: every member gets its role and the address table, its
// output comes back line by line with its name in front, and its exit is
// reported with its status; Stop terminates the rest.
func TestLaunch(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, out, members := start(t, "Leader=exit:0,Worker/0=exit:3,Worker/1=wait", "Leader", "Worker/0", "Worker/1")
	exits := map[string]error{}
	for range 2 {
		e := nextExit(t, f)
		exits[e.Name] = e.Err
	}
	if err, ok := exits["Leader"]; !ok || err != nil {
		t.Errorf("Leader exit = %v (reported %v); want a clean exit", err, ok)
	}
	var ee *exec.ExitError
	if err := exits["Worker/0"]; !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("Worker/0 exit = %v; want exit status 3", err)
	}
	waitLine(t, out, "[Worker/1] ready")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := f.Stop(ctx); err != nil {
		t.Errorf("Stop() = %v; want nil", err)
	}
	if e := nextExit(t, f); e.Name != "Worker/1" || e.Err != nil {
		t.Errorf("last exit = %+v; want Worker/1, clean", e)
	}

	got := out.String()
	peers := "peers " + launch.EncodePeers(members)
	for _, want := range []string{
		"[Leader] hello from Leader",
		"[Leader] " + peers,
		"[Leader] no newline at the end",
		"[Worker/0] hello from Worker/0",
		"[Worker/0] " + peers,
		"[Worker/0] no newline at the end",
		"[Worker/1] hello from Worker/1",
		"[Worker/1] ready",
		"[Worker/1] terminated",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("output lacks the line %q; output:\n%s", want, got)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if !strings.HasPrefix(l, "[Leader] ") && !strings.HasPrefix(l, "[Worker/") {
			t.Errorf("line %q has no member prefix", l)
		}
	}
}

// TestStopKills: a member that ignores SIGTERM is killed when Stop's
// context ends, and Stop says so.
func TestStopKills(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, out, _ := start(t, "Stubborn=stubborn,Polite=wait", "Stubborn", "Polite")
	waitLine(t, out, "[Stubborn] ready")
	waitLine(t, out, "[Polite] ready")
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := f.Stop(ctx); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Stop() = %v; want an error saying members were killed", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Stop took %v; want about its 300 ms deadline", d)
	}
	exits := map[string]error{}
	for range 2 {
		e := nextExit(t, f)
		exits[e.Name] = e.Err
	}
	if err := exits["Polite"]; err != nil {
		t.Errorf("Polite exit = %v; want clean", err)
	}
	var ee *exec.ExitError
	if err := exits["Stubborn"]; !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("Stubborn exit = %v; want killed", err)
	}
}

// TestLaunchLongLine: a line too long to copy at once comes in pieces,
// each with its prefix, and the output after it is not lost.
func TestLaunchLongLine(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	f, out, _ := start(t, "Chatty=long", "Chatty")
	if e := nextExit(t, f); e.Err != nil {
		t.Fatalf("Chatty exit = %v; want clean", e.Err)
	}
	waitLine(t, out, "[Chatty] after")
	var pieces []int
	for _, l := range strings.Split(out.String(), "\n") {
		if x, ok := strings.CutPrefix(l, "[Chatty] x"); ok {
			pieces = append(pieces, 1+len(x))
		}
	}
	if len(pieces) != 2 || pieces[0]+pieces[1] != longLine {
		t.Errorf("the long line came in pieces of %v bytes; want two adding up to %d", pieces, longLine)
	}
}

// TestLaunchFails: a binary that cannot start fails Launch, naming the
// member, and leaves nothing running.
func TestLaunchFails(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	_, err := launch.Launch("/nonexistent/hydro-member", nil, nil, []launch.Member{{Name: "Leader", Addr: "127.0.0.1:1"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "deploy: starting Leader") {
		t.Errorf("Launch(no such binary) = %v; want an error naming the member", err)
	}
}

func TestFreeAddrs(t *testing.T) {
	addrs, err := launch.FreeAddrs(5, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		host, _, err := net.SplitHostPort(a)
		if err != nil || host != "127.0.0.1" || seen[a] {
			t.Errorf("FreeAddrs(5, 0) = %v; want distinct loopback addresses", addrs)
		}
		seen[a] = true
	}
	addrs, err = launch.FreeAddrs(3, 7000)
	if want := []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"}; err != nil || !equal(addrs, want) {
		t.Errorf("FreeAddrs(3, 7000) = %v, %v; want %v", addrs, err, want)
	}
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestPeers(t *testing.T) {
	for _, ms := range [][]launch.Member{
		nil,
		{{Name: "Leader", Addr: "127.0.0.1:7000"}},
		{{Name: "Leader", Addr: "leader:7000"}, {Name: "Worker/0", Addr: "[::1]:7001"}, {Name: "Worker/1", Addr: "10.0.0.2:7002"}},
	} {
		s := launch.EncodePeers(ms)
		got, err := launch.DecodePeers(s)
		want := map[string]string{}
		for _, m := range ms {
			want[m.Name] = m.Addr
		}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("DecodePeers(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, bad := range []string{
		"Leader",                // no address
		"Leader=a:1,Worker/0",   // one entry without
		"=127.0.0.1:7000",       // no name
		"Leader=",               // no address
		"Leader=a:1,Leader=b:2", // the same name twice
	} {
		if got, err := launch.DecodePeers(bad); err == nil {
			t.Errorf("DecodePeers(%q) = %v, nil; want an error", bad, got)
		}
	}
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		sizes map[string]int
		want  string
	}{
		{nil, ""},
		{map[string]int{"Worker": 3}, "Worker=3"},
		{map[string]int{"Worker": 3, "Acceptor": 0, "Proposer": 12}, "Acceptor=0,Proposer=12,Worker=3"},
	} {
		s := launch.EncodeSizes(tc.sizes)
		if s != tc.want {
			t.Errorf("EncodeSizes(%v) = %q; want %q", tc.sizes, s, tc.want)
		}
		got, err := launch.DecodeSizes(s)
		if err != nil || len(got) != len(tc.sizes) || (len(got) > 0 && !maps.Equal(got, tc.sizes)) {
			t.Errorf("DecodeSizes(%q) = %v, %v; want %v", s, got, err, tc.sizes)
		}
	}
	for _, bad := range []string{
		"Worker",            // no size
		"Worker=",           // empty size
		"Worker=-1",         // negative
		"Worker=three",      // not a number
		"Worker=3=4",        // two sizes
		"=3",                // no name
		"Worker=1,Worker=2", // the same cluster twice
	} {
		if got, err := launch.DecodeSizes(bad); err == nil {
			t.Errorf("DecodeSizes(%q) = %v, nil; want an error", bad, got)
		}
	}
}
