// SPDX-License-Identifier: Apache-2.0

package viewer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/viewer"
)

// EnvArtifacts names the directory where TestBrowser keeps its
// screenshots; a fresh temporary directory if unset.
const EnvArtifacts = "HYDRO_TEST_ARTIFACTS"

// Leader and Worker are the locations of the test's flow.
type (
	Leader struct{}
	Worker struct{}
)

// browserFlow builds a flow with a process, a cluster with a tick, and
// channels both ways.
func browserFlow() *hydro.Flow {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[Worker](f)
	words := hydro.SourceIter(leader, []string{"a", "bb", "a"})
	spread := hydro.RoundRobin(words, workers, hydro.NonDet("any worker will do"))
	tick := hydro.NewTick(workers)
	batch := hydro.Batch(spread, tick, hydro.NonDet("a tick takes what has arrived"))
	lens := hydro.Map(batch, func(w string) int { return len(w) })
	total := hydro.Fold(lens, func() int { return 0 }, func(a *int, n int) { *a += n }, hydro.Commutative)
	back := hydro.Gather(hydro.AllTicks(hydro.FlatMapSingleton(total, func(n int) []int { return []int{n} })), leader)
	hydro.NewOutput(back.Values())
	return f
}

// chromium finds the browser, installing Debian's package when it is
// missing and the test runs as root. It skips the test when there is no
// browser, unless $CI is set: CI must run it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	var why string
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("apt-get"); err == nil {
			t.Log("installing chromium with apt-get")
			ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
			defer cancel()
			env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			var out bytes.Buffer
			for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "--no-install-recommends", "chromium"}} {
				cmd := exec.CommandContext(ctx, "apt-get", args...)
				cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
				if err := cmd.Run(); err != nil {
					why = fmt.Sprintf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out.String())
					break
				}
			}
			if why == "" {
				if p, err := exec.LookPath("chromium"); err == nil {
					return p
				}
				why = "apt-get installed chromium, but it is not on PATH"
			}
		} else {
			why = "chromium is not installed and there is no apt-get"
		}
	} else {
		why = "chromium is not installed, and only root may install it"
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("viewer: the browser test must run in CI: %s", why)
	}
	t.Skipf("no browser: %s", why)
	return ""
}

// browse runs headless Chromium on url with the given extra flags (a
// fresh profile each time) and returns what it printed on stdout.
func browse(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
		"--virtual-time-budget=10000", "--window-size=1400,1000",
	}
	args = append(append(args, extra...), url)
	// NB: a run takes a second or two on an idle machine, but much longer
	// on a busy one (go test ./... runs packages side by side): the bound
	// only stops a browser that hangs.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		msg = msg[max(0, len(msg)-2000):]
		t.Fatalf("chromium %s: %v (context: %v)\n...%s", strings.Join(extra, " "), err, ctx.Err(), msg)
	}
	return stdout.String()
}

// artifacts is the directory the screenshots go to.
func artifacts(t *testing.T) string {
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	renderedRE = regexp.MustCompile(`<body[^>]*data-rendered="([^"]*)"`)
	errorRE    = regexp.MustCompile(`<body[^>]*data-error="([^"]*)"`)
)

// rendered checks that the page drew the view it was asked for.
func rendered(t *testing.T, dom, view string) {
	t.Helper()
	if m := errorRE.FindStringSubmatch(dom); m != nil {
		t.Fatalf("the page failed to draw %s: %s", view, m[1])
	}
	m := renderedRE.FindStringSubmatch(dom)
	if m == nil || m[1] != view {
		t.Fatalf("the page did not finish drawing %s (data-rendered %v); DOM begins:\n%.2000s", view, m, dom)
	}
}

// TestBrowser opens the page of a flow in headless Chromium and checks that
// it drew every location and operator, every channel, and, in the
// drill-down of each location, every subgraph and stratum of its dfir
// graph; it keeps a screenshot of each view.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	f := browserFlow()
	// The page as a node's admin port serves it, with counts of the
	// cluster's member (without polling, which a file cannot).
	m, err := lang.View(f)
	if err != nil {
		t.Fatal(err)
	}
	m.Title = "browserflow"
	live := &viewer.Live{Node: "Worker/0", Location: 1, Ticks: 5,
		Traffic: []viewer.Traffic{{Channel: 1, Peer: "Leader", Frames: 3, Bytes: 12}, {Channel: 7, Peer: "Leader", Sent: true, Frames: 2, Bytes: 4}}}
	for i, sg := range m.Locations[1].Subgraphs {
		live.Subgraphs = append(live.Subgraphs, viewer.SubgraphCount{ID: sg.ID, Runs: uint64(40 + i), Items: uint64(1000 + i)})
	}
	for range m.Locations[1].Handoffs {
		live.Handoffs = append(live.Handoffs, viewer.HandoffCount{Items: 77, Buffered: 1})
	}
	for _, o := range m.Locations[1].Operators {
		live.Operators = append(live.Operators, viewer.OperatorCount{ID: o.ID, Items: uint64(5000 + o.ID), Seconds: 0.25})
	}
	if len(live.Operators) < 3 {
		t.Fatalf("the cluster's location lists %d operators; want 3 or more", len(live.Operators))
	}
	m.Live = live
	var page bytes.Buffer
	if err := viewer.Write(&page, m); err != nil {
		t.Fatal(err)
	}
	var desc struct {
		Locations []struct{ ID int } `json:"locations"`
		Nodes     []struct {
			ID int
			Op string
		} `json:"nodes"`
	}
	js, err := f.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &desc); err != nil {
		t.Fatal(err)
	}
	if len(desc.Nodes) < 8 || len(desc.Locations) != 3 {
		t.Fatalf("the test's flow has %d locations and %d nodes; want 3 and at least 8", len(desc.Locations), len(desc.Nodes))
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "flow.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + file
	shots := artifacts(t)

	// One run of the browser per view, each dumping the DOM once the
	// page's script ran and taking a screenshot.
	dom := browse(t, bin, url, "--dump-dom", "--screenshot="+filepath.Join(shots, "flow.png"))
	rendered(t, dom, "flow")
	for _, l := range desc.Locations {
		if !strings.Contains(dom, fmt.Sprintf(`id="loc%d" class="cluster`, l.ID)) {
			t.Errorf("the page drew no box for location %d", l.ID)
		}
	}
	for _, n := range desc.Nodes {
		if !strings.Contains(dom, fmt.Sprintf(`id="op%d" class="node"`, n.ID)) {
			t.Errorf("the page drew no operator %d (%s)", n.ID, n.Op)
		}
	}
	for _, ch := range []string{"ch1", "ch7"} { // the round robin and the gather
		if !strings.Contains(dom, fmt.Sprintf(`id="%s" class="edge"`, ch)) {
			t.Errorf("the page drew no channel %s", ch)
		}
	}
	for _, want := range []string{"<h1>browserflow</h1>", "live: Worker/0, 5 ticks", "<td>3 frames, 12 B</td>", "<td>2 frames, 4 B</td>"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	if n := strings.Count(dom, `class="edge"`); n != len(desc.Nodes)-1 {
		t.Errorf("the page drew %d edges; want %d", n, len(desc.Nodes)-1)
	}

	// The drill-down of the cluster: every subgraph of its dfir graph,
	// inside its stratum, and a row for each in the table.
	dom = browse(t, bin, url+"#loc=1", "--dump-dom", "--screenshot="+filepath.Join(shots, "worker.png"))
	rendered(t, dom, "loc=1")
	for _, want := range []string{"cluster_stratum_0", "cluster_stratum_1", "cluster_subgraph_0", "cluster_subgraph_1", "source_input", "fold", "flat_map",
		"counts of Worker/0", "<td>40</td><td>1000</td>", "<td>41</td><td>1001</td>", "<td>77</td><td>1</td>",
		"<td>5000</td><td>0.250</td>", fmt.Sprintf("<td>%d</td><td>0.250</td>", 5000+len(live.Operators)-1)} {
		if !strings.Contains(dom, want) {
			t.Errorf("the drill-down of Cluster[Worker] lacks %s", want)
		}
	}
	for _, name := range []string{"flow.png", "worker.png"} {
		if st, err := os.Stat(filepath.Join(shots, name)); err != nil || st.Size() < 10000 {
			t.Errorf("screenshot %s: %v; want a picture", name, err)
		}
	}
	t.Logf("screenshots in %s", shots)
}
