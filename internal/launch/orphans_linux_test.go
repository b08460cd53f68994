// SPDX-License-Identifier: Apache-2.0

//go:build linux

package launch_test

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/launch"
)

// TestNoOrphans: members die with a deployer that is killed with SIGKILL,
// within a second.
func TestNoOrphans(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	if runtime.GOOS != "linux" {
		t.Skip("members outlive a killed deployer outside Linux")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envPlan+"=Deployer=deploy,Worker/0=orphan,Worker/1=orphan",
		launch.EnvRole+"=Deployer", "GORACE=atexit_sleep_ms=0")
	out := &fleettest.Output{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(waited) }()
	defer func() {
		_ = cmd.Process.Kill()
		<-waited
	}()
	out.WaitFor(t, 10*time.Second, "[Worker/0] pid ", "[Worker/1] pid ")
	var pids []int
	for _, l := range strings.Split(out.String(), "\n") {
		if _, p, ok := strings.Cut(l, "] pid "); ok {
			pid, err := strconv.Atoi(p)
			if err != nil {
				t.Fatalf("bad pid line %q", l)
			}
			pids = append(pids, pid)
		}
	}
	if len(pids) != 2 {
		t.Fatalf("the members printed pids %v; want 2; output:\n%s", pids, out.String())
	}
	_ = cmd.Process.Kill()
	<-waited
	killed := time.Now()
	for _, pid := range pids {
		for alive(pid) {
			if time.Since(killed) > time.Second {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("member pid %d still runs 1 s after its deployer was killed", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether pid runs: it exists and is not a zombie waiting for
// whoever adopted it to reap it.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X')
}
