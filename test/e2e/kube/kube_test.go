// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// skipOrFail skips the test where the machine cannot run the cluster,
// unless CI is set (.ci/run sets it): there a missing engine is a failure.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set, and "+format, args...)
	}
	t.Skipf(format, args...)
}

// cluster is a running single-node cluster of cluster.sh.
type cluster struct {
	t    *testing.T
	dir  string
	root string // the module's root
	env  []string
}

// up starts the cluster, and stops it when the test ends.
func up(t *testing.T) *cluster {
	t.Helper()
	if raceEnabled {
		// The test's own code only drives cluster.sh, kubectl and the
		// example's binary, none of them built with -race; CI runs it
		// once, without -race, rather than bring a cluster up twice.
		t.Skip("the Kubernetes end-to-end test runs without -race only")
	}
	if os.Geteuid() != 0 {
		skipOrFail(t, "the Kubernetes cluster needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		skipOrFail(t, "the Kubernetes cluster needs iproute2 (ip)")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "test/e2e/kube/cluster.sh")
	if err := exec.Command(script, "built").Run(); err != nil {
		// Building Kubernetes takes longer than go test waits for a
		// package; CI builds it first.
		skipOrFail(t, "Kubernetes is not built: run test/e2e/kube/cluster.sh build first (a cold build takes about half an hour)")
	}
	dir, err := os.MkdirTemp("", "hydro-kube-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, root: root}
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"kubelet", "containerd", "apiserver", "coredns"} {
				if b, err := os.ReadFile(filepath.Join(dir, "logs", name+".log")); err == nil {
					t.Logf("--- %s.log, last lines:\n%s", name, tail(string(b), 30))
				}
			}
		}
		out, err := exec.Command(script, "down", dir).CombinedOutput()
		if err != nil {
			t.Errorf("cluster.sh down: %v\n%s", err, out)
		}
	})
	// Cold, the script builds Kubernetes from the module proxy.
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, script, "up", dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("cluster.sh up: %v\n%s", err, out.String())
	}
	t.Logf("cluster up in %v", time.Since(start).Round(time.Second))
	// CGO_ENABLED=0: the image holds the binary alone, so it is static.
	c.env = append(os.Environ(), "CGO_ENABLED=0",
		"KUBECONFIG="+filepath.Join(dir, "kubeconfig"),
		"PATH="+filepath.Join(dir, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	return c
}

// run runs a command with the cluster's kubeconfig and kubectl, and
// returns its output; it fails the test if the command does.
func (c *cluster) run(name string, args ...string) string {
	c.t.Helper()
	out, err := c.try(name, args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func (c *cluster) try(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = c.env
	cmd.Dir = c.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (c *cluster) kubectl(args ...string) string {
	c.t.Helper()
	return c.run(filepath.Join(c.dir, "bin", "kubectl"), args...)
}

// waitFor polls check every second until it returns true, failing the test
// after limit, naming what it waited for.
func (c *cluster) waitFor(what string, limit time.Duration, check func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for !check() {
		if time.Now().After(deadline) {
			pods, _ := c.try(filepath.Join(c.dir, "bin", "kubectl"), "get", "pods", "-o", "wide")
			c.t.Fatalf("waited %v for %s; pods:\n%s\nthe leader's log:\n%s\nrt-worker-0's log:\n%s", limit, what, pods,
				tail(c.logs("rt-leader-0"), 40), tail(c.logs("rt-worker-0"), 20))
		}
		time.Sleep(time.Second)
	}
}

// logs returns a pod's log, or why kubectl could not get it.
func (c *cluster) logs(pod string) string {
	out, err := c.try(filepath.Join(c.dir, "bin", "kubectl"), "logs", pod)
	if err != nil {
		return fmt.Sprintf("(kubectl logs %s: %v: %s)", pod, err, out)
	}
	return out
}

// The round-trip example on the cluster: deployed by deploy -k8s -apply
// with TLS, every pod Running, the leader's summary right; a worker pod
// deleted comes back and rejoins; the workers' StatefulSet scaled down to
// 3 and up to 4 again shows the fourth member leave and join.
func TestRoundTripOnKubernetes(t *testing.T) {
	c := up(t)
	bin := filepath.Join(c.dir, "rt")
	c.run("go", "build", "-o", bin, "./examples/roundtrip")
	const img = "hydro.local/roundtrip:e2e"
	tarball := filepath.Join(c.dir, "rt.tar")
	c.run(bin, "deploy", "-k8s", "-image", img, "-image-tar", tarball, "-name", "rt", "-cluster", "Worker=4", "-o", filepath.Join(c.dir, "rt.yaml"))
	c.run(filepath.Join(c.dir, "bin", "ctr-import"), tarball)

	out := c.run(bin, "deploy", "-k8s", "-apply", "-image", img, "-name", "rt", "-cluster", "Worker=4", "-timeout", "5m")
	t.Logf("deploy -apply:\n%s", out)

	phases := c.kubectl("get", "pods", "-l", "app.kubernetes.io/name=rt", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase}{\"\\n\"}{end}")
	for _, pod := range []string{"rt-leader-0", "rt-worker-0", "rt-worker-1", "rt-worker-2", "rt-worker-3"} {
		if !strings.Contains(phases, pod+"=Running\n") {
			t.Fatalf("pod %s is not Running; pods:\n%s", pod, phases)
		}
	}

	summary := "round trip: workers=4 pongs=4 jobs=12 job_sum=78; jobs per worker: Worker/0=3 Worker/1=3 Worker/2=3 Worker/3=3"
	c.waitFor("the leader's summary", 2*time.Minute, func() bool {
		return strings.Contains(c.logs("rt-leader-0"), summary)
	})

	// A member's pod deleted: its StatefulSet brings it back under the
	// same name, and the leader sees it leave and join again.
	before := membership(c.logs("rt-leader-0"), "Worker/1")
	uid := c.kubectl("get", "pod", "rt-worker-1", "-o", "jsonpath={.metadata.uid}")
	c.kubectl("delete", "pod", "rt-worker-1", "--wait=false")
	c.waitFor("rt-worker-1 back, Running", 3*time.Minute, func() bool {
		now, err := c.try(filepath.Join(c.dir, "bin", "kubectl"), "get", "pod", "rt-worker-1", "-o", "jsonpath={.metadata.uid} {.status.phase}")
		return err == nil && !strings.HasPrefix(now, uid) && strings.HasSuffix(now, " Running")
	})
	c.waitFor("the leader to see Worker/1 leave and join again", 3*time.Minute, func() bool {
		return changedBy(before, membership(c.logs("rt-leader-0"), "Worker/1"), "left joined")
	})

	// Scaled down to 3, the fourth member leaves; back up to 4, it joins.
	before = membership(c.logs("rt-leader-0"), "Worker/3")
	c.kubectl("scale", "statefulset", "rt-worker", "--replicas=3")
	c.waitFor("the leader to see Worker/3 leave", 3*time.Minute, func() bool {
		return changedBy(before, membership(c.logs("rt-leader-0"), "Worker/3"), "left")
	})
	c.kubectl("scale", "statefulset", "rt-worker", "--replicas=4")
	c.waitFor("the leader to see Worker/3 join again", 3*time.Minute, func() bool {
		return changedBy(before, membership(c.logs("rt-leader-0"), "Worker/3"), "left joined")
	})
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

func TestMembershipReadsTheLog(t *testing.T) {
	log := `time=1 level=INFO msg="membership changed" member=Worker/1 up=false
{"msg":"membership changed","member":"Worker/1","up":true}
time=3 level=INFO msg="membership changed" member=Worker/2 up=false
`
	if got := membership(log, "Worker/1"); got != "left joined" {
		t.Errorf("membership(Worker/1) = %q; want %q", got, "left joined")
	}
	if got := membership(log, "Worker/3"); got != "" {
		t.Errorf("membership(Worker/3) = %q; want nothing", got)
	}
	if !changedBy("left joined", "left joined left joined", "left joined") || changedBy("left joined", "left joined", "left joined") {
		t.Error("changedBy counts changes seen before")
	}
}
