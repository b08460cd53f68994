// SPDX-License-Identifier: Apache-2.0

package compose_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// skipOrFail skips the test where the machine cannot run the engine,
// unless CI is set (.ci/run sets it): there a missing engine is a failure.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set, and "+format, args...)
	}
	t.Skipf(format, args...)
}

// engine is a running dockerd of engine.sh.
type engine struct {
	t    *testing.T
	dir  string
	root string // the module's root
	env  []string
}

// up starts the engine, and stops it when the test ends.
func up(t *testing.T) *engine {
	t.Helper()
	if raceEnabled {
		// The test's own code only drives engine.sh, docker and the
		// example's binary, none of them built with -race; CI runs it
		// once, without -race.
		t.Skip("the Compose end-to-end test runs without -race only")
	}
	if os.Geteuid() != 0 {
		skipOrFail(t, "the Docker engine needs root")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "test/e2e/compose/engine.sh")
	if err := exec.Command(script, "built").Run(); err != nil {
		skipOrFail(t, "the Docker engine or Docker Compose is missing: run test/e2e/compose/engine.sh build first")
	}
	dir, err := os.MkdirTemp("", "hydro-compose-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(dir, "dockerd.log")); err == nil {
				t.Logf("--- dockerd.log, last lines:\n%s", tail(string(b), 30))
			}
		}
		out, err := exec.Command(script, "down", dir).CombinedOutput()
		if err != nil {
			t.Errorf("engine.sh down: %v\n%s", err, out)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, script, "up", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("engine.sh up: %v\n%s", err, out)
	}
	// CGO_ENABLED=0: the image holds the binary alone, so it is static.
	return &engine{t: t, dir: dir, root: root, env: append(os.Environ(), "CGO_ENABLED=0",
		"DOCKER_HOST=unix://"+filepath.Join(dir, "docker.sock"),
		"PATH="+filepath.Join(dir, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))}
}

// run runs a command with the engine's environment in the module's root,
// and returns its output; it fails the test if the command does.
func (e *engine) run(name string, args ...string) string {
	e.t.Helper()
	out, err := e.try(name, args...)
	if err != nil {
		e.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func (e *engine) try(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.env
	cmd.Dir = e.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (e *engine) docker(args ...string) string {
	e.t.Helper()
	return e.run(filepath.Join(e.dir, "bin", "docker"), args...)
}

// project is a fleet brought up from a Compose file.
type project struct {
	e    *engine
	file string
}

// deploy builds the example in dir (under examples/), writes its image
// and its Compose file with deploy -compose and more flags, loads the
// image, checks the file with docker compose config and brings the fleet
// up; the fleet is brought down when the test ends.
func (e *engine) deploy(example, name string, flags ...string) *project {
	e.t.Helper()
	bin := filepath.Join(e.dir, name)
	e.run("go", "build", "-o", bin, "./examples/"+example)
	img := "hydro.local/" + name + ":e2e"
	tarball := filepath.Join(e.dir, name+".tar")
	file := filepath.Join(e.dir, name+".yaml")
	e.run(bin, append([]string{"deploy", "-compose", "-image", img, "-image-tar", tarball, "-name", name, "-o", file}, flags...)...)
	e.docker("load", "-i", tarball)
	p := &project{e: e, file: file}
	p.compose("config", "--quiet")
	e.t.Cleanup(func() {
		if e.t.Failed() {
			out, _ := p.try("logs", "--no-color")
			e.t.Logf("--- the fleet's logs, last lines:\n%s", tail(out, 60))
		}
		if out, err := p.try("down", "--timeout", "10"); err != nil {
			e.t.Errorf("docker compose down: %v\n%s", err, out)
		}
	})
	p.compose("up", "--detach")
	return p
}

func (p *project) compose(args ...string) string {
	p.e.t.Helper()
	return p.e.run(filepath.Join(p.e.dir, "bin", "docker-compose"), append([]string{"-f", p.file}, args...)...)
}

func (p *project) try(args ...string) (string, error) {
	return p.e.try(filepath.Join(p.e.dir, "bin", "docker-compose"), append([]string{"-f", p.file}, args...)...)
}

// logs returns a service's log, or why it could not be read.
func (p *project) logs(service string) string {
	out, err := p.try("logs", "--no-color", "--no-log-prefix", service)
	if err != nil {
		return fmt.Sprintf("(docker compose logs %s: %v: %s)", service, err, out)
	}
	return out
}

// waitFor polls check every second until it returns true, failing the
// test after limit, naming what it waited for.
func (p *project) waitFor(what string, limit time.Duration, check func() bool) {
	p.e.t.Helper()
	deadline := time.Now().Add(limit)
	for !check() {
		if time.Now().After(deadline) {
			ps, _ := p.try("ps", "--all")
			p.e.t.Fatalf("waited %v for %s; containers:\n%s", limit, what, ps)
		}
		time.Sleep(time.Second)
	}
}

const wantCounts = "counts: a=1 brown=1 dog=2 fox=2 jumps=1 lazy=1 over=1 quick=1 runs=1 sleeps=1 the=3"

// Word count on Compose, with mutual TLS between the nodes: the leader's
// counts right; a worker's process killed in its container, the engine
// restarts it (restart: unless-stopped) and the leader sees it leave and
// join again; docker compose down leaves no container and no network.
func TestWordCountOnCompose(t *testing.T) {
	e := up(t)
	p := e.deploy("wordcount", "wc", "-cluster", "Worker=3")
	p.waitFor("the leader's final counts", 2*time.Minute, func() bool {
		return strings.Contains(p.logs("leader"), wantCounts)
	})

	before := membership(p.logs("leader"), "Worker/2")
	const victim = "wc-worker-2-1" // Compose's name: project, service, replica
	pid := strings.TrimSpace(e.docker("inspect", "--format", "{{.State.Pid}}", victim))
	if n, err := strconv.Atoi(pid); err != nil || n <= 1 {
		t.Fatalf("the process of %s is %q", victim, pid)
	}
	if out, err := exec.Command("kill", "-9", pid).CombinedOutput(); err != nil {
		t.Fatalf("kill -9 %s: %v\n%s", pid, err, out)
	}
	p.waitFor("the leader to see Worker/2 leave and join again", 3*time.Minute, func() bool {
		return changedBy(before, membership(p.logs("leader"), "Worker/2"), "left joined")
	})
	if n := strings.TrimSpace(e.docker("inspect", "--format", "{{.RestartCount}}", victim)); n == "0" {
		t.Errorf("%s was not restarted by the engine (RestartCount 0)", victim)
	}

	p.compose("down", "--timeout", "10")
	if left := strings.TrimSpace(e.docker("ps", "--all", "--quiet")); left != "" {
		t.Errorf("containers left after docker compose down: %s", left)
	}
	if nets := e.docker("network", "ls", "--format", "{{.Name}}"); strings.Contains(nets, "wc_default") {
		t.Errorf("the fleet's network is left after docker compose down:\n%s", nets)
	}
}

// Chat on Compose, its port published on this machine and asking for a
// token with a '$' in it (-port-token-file: the token reaches the server
// in its service's environment, escaped from Compose's interpolation):
// two clients that give it talk, one that does not is refused.
func TestChatOnCompose(t *testing.T) {
	e := up(t)
	tokenFile := filepath.Join(e.dir, "token")
	const token = "chat$e2e"
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The nodes listen on 27400, the chat's port on the next one.
	p := e.deploy("chat", "chat", "-port", "27400", "-port-token-file", tokenFile)
	const addr = "127.0.0.1:27401"
	dial := func() (net.Conn, *bufio.Reader) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				t.Cleanup(func() { c.Close() })
				_ = c.SetDeadline(time.Now().Add(time.Minute))
				return c, bufio.NewReader(c)
			}
			if time.Now().After(deadline) {
				t.Fatalf("cannot reach the chat at %s: %v\n%s", addr, err, p.logs("server"))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	readUntil := func(r *bufio.Reader, suffix string) {
		t.Helper()
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("waiting for %q: %v\n%s", suffix, err, p.logs("server"))
			}
			if strings.HasSuffix(strings.TrimSpace(l), suffix) {
				return
			}
		}
	}
	auth := func(token string) (net.Conn, *bufio.Reader, string) {
		t.Helper()
		// docker-proxy takes connections before the server listens,
		// and closes them: try again until the server answers.
		for range 60 {
			c, r := dial()
			fmt.Fprintln(c, "AUTH "+token)
			l, err := r.ReadString('\n')
			if err == nil {
				return c, r, strings.TrimSpace(l)
			}
			c.Close()
			time.Sleep(time.Second)
		}
		t.Fatalf("the chat at %s never answered\n%s", addr, p.logs("server"))
		return nil, nil, ""
	}
	if _, _, got := auth("chat"); !strings.HasPrefix(got, "ERR ") {
		t.Fatalf("a client with a wrong token got %q; want ERR ...", got)
	}
	a, ra, got := auth(token)
	if got != "OK" {
		t.Fatalf("a client with the token got %q; want OK", got)
	}
	readUntil(ra, "you are client 1")
	_, rb, got := auth(token)
	if got != "OK" {
		t.Fatalf("a second client with the token got %q; want OK", got)
	}
	readUntil(rb, "you are client 2")
	readUntil(ra, "client 2 joined")
	fmt.Fprintln(a, "hello over compose")
	readUntil(rb, "1: hello over compose")
}

// membership is what a node's log says of member's changes, in order, as
// "left joined ...".
func membership(log, member string) string {
	var seen []string
	for line := range strings.Lines(log) {
		if !strings.Contains(line, "membership changed") || !strings.Contains(line, member) {
			continue
		}
		switch {
		case strings.Contains(line, "up=false"), strings.Contains(line, `"up":false`):
			seen = append(seen, "left")
		case strings.Contains(line, "up=true"), strings.Contains(line, `"up":true`):
			seen = append(seen, "joined")
		}
	}
	return strings.Join(seen, " ")
}

// changedBy reports whether the changes now end with want, past those seen
// before.
func changedBy(before, now, want string) bool {
	rest, ok := strings.CutPrefix(now, before)
	return ok && strings.HasSuffix(rest, want) && len(strings.Fields(rest)) >= len(strings.Fields(want))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
