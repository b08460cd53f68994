// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

// envFleet marks every process of a fleet a test started, with a value
// unique to that fleet: Stop looks for it to find processes left behind,
// and Main, to know that the test binary is to be the deployer or a node.
const envFleet = "HYDRO_DEPLOYTEST_FLEET"

// fleets numbers the fleets this process starts, for envFleet.
var fleets atomic.Int64

// stopTimeout is how long Stop lets the deployer take to stop its members
// and exit after SIGINT, before killing it.
const stopTimeout = 15 * time.Second

// Fleet is a running deployer and the members it launched.
type Fleet struct {
	t    testing.TB
	cmd  *exec.Cmd
	mark string // envFleet=value

	mu    sync.Mutex
	lines []string
	more  chan struct{} // a token when lines grew
	done  chan struct{} // closed when the output ended
}

// Start builds the main package in dir (go build, with the go command on
// PATH) and runs it with args as the deployer of a localhost fleet: args
// are what a user would type after the program's name ("-cluster",
// "Worker=3"). The fleet is stopped at the end of the test if it is still
// running.
func Start(t testing.TB, dir string, args ...string) *Fleet {
	t.Helper()
	if testing.Short() {
		t.Skip("deploytest: starts a fleet of processes")
	}
	bin := filepath.Join(t.TempDir(), "fleet")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("deploytest: go build in %s: %v\n%s", dir, err, out)
	}
	return start(t, bin, args)
}

// StartTest runs this test binary with args as the deployer of a localhost
// fleet, and as each of its nodes: the test binary's TestMain must call
// Main with the flow. The fleet is stopped at the end of the test if it is
// still running.
func StartTest(t testing.TB, args ...string) *Fleet {
	t.Helper()
	if testing.Short() {
		t.Skip("deploytest: starts a fleet of processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("deploytest: finding the test binary: %v", err)
	}
	return start(t, exe, args)
}

// Main is the whole of a TestMain for tests that call StartTest: in the
// test binary StartTest started, it runs the deployer of build's flow with
// the arguments StartTest was given (deploy.Main), and in a binary the
// deployer launched, that node; otherwise it runs the tests. It does not
// return.
func Main(m *testing.M, build func(f *hydro.Flow)) {
	if os.Getenv(envFleet) != "" {
		deploy.Main(build)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// start runs bin with args as the deployer, its output read into lines.
func start(t testing.TB, bin string, args []string) *Fleet {
	f := &Fleet{t: t, more: make(chan struct{}, 1), done: make(chan struct{})}
	f.mark = envFleet + "=" + strconv.Itoa(os.Getpid()) + "." + strconv.FormatInt(fleets.Add(1), 10)
	f.cmd = exec.Command(bin, args...)
	f.cmd.Env = append(os.Environ(), f.mark)
	// NB: not cmd.StdoutPipe: Wait closes that pipe as soon as the
	// deployer exits, and Stop waits while the output is still being read,
	// which would lose its last lines (the members' "node stopped"). This
	// pipe is read to its end, which comes when the deployer exits: its
	// members write to pipes of their own.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	f.cmd.Stdout, f.cmd.Stderr = w, w
	err = f.cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		t.Fatalf("deploytest: starting the deployer: %v", err)
	}
	go f.read(r) // owned by Stop, which waits for done
	t.Cleanup(f.Stop)
	return f
}

// read collects the deployer's output, line by line, until it ends.
func (f *Fleet) read(r *os.File) {
	defer close(f.done)
	defer r.Close()
	sc := bufio.NewScanner(r)
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
	_, _ = io.Copy(io.Discard, r) // past a line too long: keep the deployer writing
}

// Stop interrupts the deployer as Ctrl-C would, waits for it to stop its
// members and exit, and for the end of its output. It fails the test if
// the deployer takes longer than 15 s (and kills it), or if a process of
// the fleet outlives it (and kills that). Stop may be called more than
// once; the test's cleanup calls it too, and after Wait it does nothing.
func (f *Fleet) Stop() {
	f.t.Helper()
	if f.cmd.ProcessState != nil {
		return
	}
	_ = f.cmd.Process.Signal(syscall.SIGINT)
	waited := make(chan error, 1)
	go func() { waited <- f.cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(stopTimeout):
		_ = f.cmd.Process.Kill()
		<-waited
		f.t.Errorf("deploytest: the deployer did not stop within %v of SIGINT", stopTimeout)
	}
	f.afterExit()
}

// Wait waits up to timeout for the deployer to exit by itself, as it does
// once a finite flow (hydro.Flow.Finite) has finished, then for the end of
// its output, and returns how it exited: nil for status 0, else an
// *exec.ExitError. Like Stop, it fails the test if a process of the fleet
// outlives the deployer. If the deployer is still running after timeout,
// Wait fails the test, stops the fleet and returns an error.
func (f *Fleet) Wait(timeout time.Duration) error {
	f.t.Helper()
	if f.cmd.ProcessState != nil {
		return errors.New("deploytest: Wait: the deployer was already waited for")
	}
	waited := make(chan error, 1)
	go func() { waited <- f.cmd.Wait() }()
	select {
	case err := <-waited:
		f.afterExit()
		return err
	case <-time.After(timeout):
	}
	f.t.Errorf("deploytest: the deployer did not exit by itself within %v", timeout)
	_ = f.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-waited:
	case <-time.After(stopTimeout):
		_ = f.cmd.Process.Kill()
		<-waited
	}
	f.afterExit()
	return fmt.Errorf("deploytest: the deployer did not exit by itself within %v", timeout)
}

// afterExit waits, once the deployer has exited, for the end of its output,
// and kills any process of the fleet left behind, failing the test.
func (f *Fleet) afterExit() {
	f.t.Helper()
	select {
	case <-f.done:
	case <-time.After(5 * time.Second):
		// Only a process the deployer left behind can hold the pipe:
		// it is reported and killed below.
		f.t.Errorf("deploytest: the deployer's output did not end within 5 s of its exit")
	}
	if left := f.processes(); len(left) > 0 {
		for _, p := range left {
			_ = killPID(p)
		}
		f.t.Errorf("deploytest: processes left running after the deployer stopped: pids %v", left)
	}
	select {
	case <-f.done: // after the kills, the output ends
	case <-time.After(5 * time.Second):
	}
}

// processes lists the pids of the processes carrying the fleet's mark in
// their environment, read from /proc.
func (f *Fleet) processes() []int { return f.processesWith() }

// processesWith lists the pids of the processes carrying the fleet's mark
// and every one of also (KEY=value) in their environment.
func (f *Fleet) processesWith(also ...string) []int {
	entries, _ := os.ReadDir("/proc")
	want := append([]string{f.mark}, also...)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue // gone, or not ours
		}
		found := 0
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			for _, w := range want {
				if string(kv) == w {
					found++
				}
			}
		}
		if found == len(want) {
			pids = append(pids, pid)
		}
	}
	return pids
}
