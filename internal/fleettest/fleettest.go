// SPDX-License-Identifier: Apache-2.0

// Package fleettest runs example programs as real fleets of OS processes
// on localhost, for tests: it builds the program, starts its deployer,
// watches the prefixed output, stops the fleet and checks that no process
// is left behind.
package fleettest

import (
	"bufio"
	"context"
	"fmt"
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
	stdout, err := f.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	f.cmd.Stderr = f.cmd.Stdout
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(f.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.mu.Lock()
			f.lines = append(f.lines, sc.Text())
			f.mu.Unlock()
			select {
			case f.more <- struct{}{}:
			default:
			}
		}
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
	<-f.done
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
