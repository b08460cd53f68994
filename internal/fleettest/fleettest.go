// SPDX-License-Identifier: Apache-2.0

package fleettest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Fleet is a running deployer and the members it launched.
type Fleet struct {
	t     testing.TB
	bin   string
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	more  chan struct{}
	done  chan struct{}
}

// Start builds the main package in dir and runs it with args as the
// deployer of a localhost fleet. The fleet is stopped at the end of the
// test if it is still running.
func Start(t testing.TB, dir string, args ...string) *Fleet {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a fleet of processes")
	}
	bin := filepath.Join(t.TempDir(), "fleet")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f := &Fleet{t: t, bin: bin, more: make(chan struct{}, 1), done: make(chan struct{})}
	f.cmd = exec.Command(bin, args...)
	// NB: not cmd.StdoutPipe: Wait closes that pipe as soon as the
	// deployer exits, and Stop waits while the output is still being read,
	// which would lose its last lines (the members' "node stopped"). This
	// pipe is read to its end, which comes when the deployer exits: its
	// members write to pipes of their own.
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	f.cmd.Stdout, f.cmd.Stderr = w, w
	err = f.cmd.Start()
	w.Close()
	if err != nil {
		stdout.Close()
		t.Fatal(err)
	}
	go func() {
		defer close(f.done)
		defer stdout.Close()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			f.mu.Lock()
			f.lines = append(f.lines, sc.Text())
			f.mu.Unlock()
			select {
			case f.more <- struct{}{}:
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stdout) // past a line too long: keep the deployer writing
	}()
	t.Cleanup(func() { f.Stop() })
	return f
}

// WaitFor waits until a line of output satisfies match, and returns it.
func (f *Fleet) WaitFor(what string, timeout time.Duration, match func(line string) bool) string {
	f.t.Helper()
	deadline := time.After(timeout)
	seen := 0
	for {
		f.mu.Lock()
		lines := f.lines[seen:]
		seen = len(f.lines)
		f.mu.Unlock()
		for _, l := range lines {
			if match(l) {
				return l
			}
		}
		select {
		case <-f.more:
		case <-f.done:
			// The last lines may have come with the end: look once more.
			f.mu.Lock()
			lines := f.lines[seen:]
			f.mu.Unlock()
			for _, l := range lines {
				if match(l) {
					return l
				}
			}
			f.t.Fatalf("fleet exited before %s; output:\n%s", what, f.Output())
		case <-deadline:
			f.t.Fatalf("no %s within %v; output:\n%s", what, timeout, f.Output())
		}
	}
}

// Output returns everything printed so far.
func (f *Fleet) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.lines, "\n")
}

// PortAddr waits for the deployer to announce the address of the external
// port name ("[deployer] port Client listening on 127.0.0.1:40123") and
// returns it. The node serving the port may not listen yet: dial with
// retries (deploy.Dial does).
func (f *Fleet) PortAddr(name string, timeout time.Duration) string {
	f.t.Helper()
	prefix := "[deployer] port " + name + " listening on "
	line := f.WaitFor("the address of port "+name, timeout, func(l string) bool { return strings.HasPrefix(l, prefix) })
	return strings.TrimPrefix(line, prefix)
}

// Stop interrupts the deployer as Ctrl-C would, waits for it, and fails the
// test if a member process outlives it.
func (f *Fleet) Stop() {
	f.t.Helper()
	if f.cmd.ProcessState != nil {
		return
	}
	_ = f.cmd.Process.Signal(syscall.SIGINT)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- f.cmd.Wait() }()
	select {
	case <-waited:
	case <-ctx.Done():
		_ = f.cmd.Process.Kill()
		<-waited
		f.t.Errorf("the deployer did not stop within 15 s of SIGINT")
	}
	select {
	case <-f.done:
	case <-time.After(5 * time.Second):
		// Only a process the deployer left behind can hold the pipe:
		// it is reported and killed below.
		f.t.Errorf("the deployer's output did not end within 5 s of its exit")
	}
	if left := processesOf(f.bin); len(left) > 0 {
		for _, p := range left {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		f.t.Errorf("members left running after the deployer stopped: pids %v", left)
	}
}

// processesOf lists the pids running the binary at path.
func processesOf(path string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			pids = append(pids, pid)
		}
	}
	return pids
}
