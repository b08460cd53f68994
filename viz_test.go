// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

// NB: the example's output names its own lines; keep it first in the file so
// that edits to the tests below do not move them.
func ExampleFlow_Mermaid() {
	type Server struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Server](f)
	words := hydro.SourceIter(p, []string{"a", "bb"})
	lens := hydro.Map(words, func(w string) int { return len(w) })
	hydro.NewOutput(lens)
	fmt.Print(f.Mermaid())
	// Output:
	// flowchart TD
	//     subgraph loc0 ["Process[Server]"]
	//         n0["source_iter (2 items)<br>Stream, bounded, ordered, exactly-once<br>viz_test.go:22"]
	//         n1["map<br>Stream, bounded, ordered, exactly-once<br>viz_test.go:23"]
	//         n2(["output<br>Sink<br>viz_test.go:24"])
	//     end
	//     n0 --> n1
	//     n1 --> n2
}

// vizLine returns its caller's line.
func vizLine() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

// vizFlow builds a flow with a process, a tick of it, both crossings in and
// out of the tick, and a completed forward reference. It returns the flow
// and the line of each operator by name.
func vizFlow(t testing.TB) (*hydro.Flow, map[string]int) {
	type Leader struct{}
	at := make(map[string]int)
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	tick := hydro.NewTick(p)
	_, reqs := hydro.NewInput[string](p) // n0
	at["input"] = vizLine() - 1
	fw, echoes := hydro.ForwardRef[hydro.Pair[int, int]](p) // n1
	at["forward_ref"] = vizLine() - 1
	hydro.NewOutput(echoes) // n2
	at["output"] = vizLine() - 1
	lens := hydro.Map(reqs, func(s string) int { return len(s) }) // n3
	at["map"] = vizLine() - 1
	total := hydro.Fold(lens, func() int { return 0 }, func(a *int, v int) { *a += v }) // n4
	at["fold"] = vizLine() - 1
	batch := hydro.Batch(lens, tick, hydro.NonDet(`any "batch" will do`)) // n5
	at["batch"] = vizLine() - 1
	snap := hydro.Snapshot(total, tick, hydro.NonDet("a stale total is fine")) // n6
	at["snapshot"] = vizLine() - 1
	paired := hydro.CrossSingleton(batch, snap) // n7
	at["cross_singleton"] = vizLine() - 1
	fw.Complete(hydro.AllTicks(paired)) // n8
	at["all_ticks"] = vizLine() - 1
	if err := f.Compile(); err != nil {
		t.Fatalf("Compile() = %v; want a valid flow", err)
	}
	return f, at
}

func TestMermaid(t *testing.T) {
	f, at := vizFlow(t)
	got := f.Mermaid()
	want := []string{
		"flowchart TD\n",
		// The tick is a group nested in its process's group.
		"\n    subgraph loc0 [\"Process[Leader]\"]\n        n0[",
		"\n        subgraph loc1 [\"Tick[Process[Leader]]\"]\n            n5[",
		"\n        end\n    end\n",
		// Labels: operator, collection, NonDet reason, position.
		fmt.Sprintf(`n3["map<br>Stream, unbounded, ordered, exactly-once<br>viz_test.go:%d"]`, at["map"]),
		fmt.Sprintf(`n4["fold<br>Singleton, unbounded<br>viz_test.go:%d"]`, at["fold"]),
		fmt.Sprintf(`n5["batch<br>Stream, bounded, ordered, exactly-once<br>nondet: any #quot;batch#quot; will do<br>viz_test.go:%d"]`, at["batch"]),
		fmt.Sprintf(`n6["snapshot<br>Singleton, bounded<br>nondet: a stale total is fine<br>viz_test.go:%d"]`, at["snapshot"]),
		// Sinks are terminals.
		fmt.Sprintf(`n2(["output<br>Sink<br>viz_test.go:%d"])`, at["output"]),
		// Edges within a location are solid; crossings are dashed.
		"    n0 --> n3\n",
		"    n3 --> n4\n",
		"    n3 -.-> n5\n",
		"    n4 -.-> n6\n",
		"    n5 -->|\"in 0\"| n7\n",
		"    n6 -->|\"in 1\"| n7\n",
		"    n7 -.-> n8\n",
		// The forward reference's back edge.
		"    n8 -->|\"cycle\"| n1\n",
		"    n1 --> n2\n",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("Mermaid() lacks %q; got:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "-->") + strings.Count(got, "-.->"); n != 9 {
		t.Errorf("Mermaid() has %d edges; want 9; got:\n%s", n, got)
	}
}

func TestDOT(t *testing.T) {
	f, at := vizFlow(t)
	got := f.DOT()
	want := []string{
		"digraph flow {\n",
		"\n    subgraph cluster_loc0 {\n        label=\"Process[Leader]\";\n",
		"\n        subgraph cluster_loc1 {\n            label=\"Tick[Process[Leader]]\";\n",
		"\n        }\n    }\n",
		fmt.Sprintf(`n3 [label="map\nStream, unbounded, ordered, exactly-once\nviz_test.go:%d"];`, at["map"]),
		fmt.Sprintf(`n5 [label="batch\nStream, bounded, ordered, exactly-once\nnondet: any \"batch\" will do\nviz_test.go:%d"];`, at["batch"]),
		fmt.Sprintf(`n2 [label="output\nSink\nviz_test.go:%d", style=rounded];`, at["output"]),
		"    n0 -> n3;\n",
		"    n3 -> n5 [style=dashed];\n",
		"    n4 -> n6 [style=dashed];\n",
		"    n6 -> n7 [label=\"in 1\"];\n",
		"    n7 -> n8 [style=dashed];\n",
		"    n8 -> n1 [label=\"cycle\", constraint=false];\n",
		"}\n",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("DOT() lacks %q; got:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "->"); n != 9 {
		t.Errorf("DOT() has %d edges; want 9; got:\n%s", n, got)
	}
}

// vizJSON is the schema documented on Flow.JSON, written out independently
// so that a renamed field fails the test.
type vizJSON struct {
	Locations []struct {
		ID     int    `json:"id"`
		Kind   string `json:"kind"`
		Name   string `json:"name"`
		Parent *int   `json:"parent"`
	} `json:"locations"`
	Nodes []struct {
		ID          int    `json:"id"`
		Op          string `json:"op"`
		Label       string `json:"label"`
		Kind        string `json:"kind"`
		Bounded     bool   `json:"bounded"`
		Ordered     bool   `json:"ordered"`
		ExactlyOnce bool   `json:"exactly_once"`
		Location    int    `json:"location"`
		File        string `json:"file"`
		Line        int    `json:"line"`
		NonDet      string `json:"nondet"`
		Cycle       bool   `json:"cycle"`
		Inputs      []int  `json:"inputs"`
	} `json:"nodes"`
}

func TestJSON(t *testing.T) {
	f, at := vizFlow(t)
	b, err := f.JSON()
	if err != nil {
		t.Fatalf("JSON() error = %v", err)
	}
	var got vizJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decoding JSON() = %v; output:\n%s", err, b)
	}
	if !bytes.Contains(b, []byte("\n  \"locations\": [\n")) {
		t.Errorf("JSON() is not indented:\n%s", b)
	}

	if len(got.Locations) != 2 {
		t.Fatalf("JSON() has %d locations; want 2:\n%s", len(got.Locations), b)
	}
	if l := got.Locations[0]; l.ID != 0 || l.Kind != "Process" || l.Name != "Leader" || l.Parent != nil {
		t.Errorf("location 0 = %+v; want the process Leader with no parent", l)
	}
	if l := got.Locations[1]; l.ID != 1 || l.Kind != "Tick" || l.Parent == nil || *l.Parent != 0 {
		t.Errorf("location 1 = %+v; want a tick of location 0", l)
	}

	if len(got.Nodes) != 9 {
		t.Fatalf("JSON() has %d nodes; want 9:\n%s", len(got.Nodes), b)
	}
	for i, n := range got.Nodes {
		if n.ID != i {
			t.Errorf("node %d has id %d", i, n.ID)
		}
		if want, ok := at[n.Op]; !ok || n.Line != want || n.File != "viz_test.go" {
			t.Errorf("node %d (%s) at %s:%d; want viz_test.go:%d", i, n.Op, n.File, n.Line, want)
		}
	}
	inputs := map[string][]int{
		"input": {}, "forward_ref": {8}, "output": {1}, "map": {0}, "fold": {3},
		"batch": {3}, "snapshot": {4}, "cross_singleton": {5, 6}, "all_ticks": {7},
	}
	for _, n := range got.Nodes {
		if fmt.Sprint(n.Inputs) != fmt.Sprint(inputs[n.Op]) || n.Inputs == nil {
			t.Errorf("node %d (%s) inputs = %v; want %v", n.ID, n.Op, n.Inputs, inputs[n.Op])
		}
		if cycle := n.Op == "forward_ref"; n.Cycle != cycle {
			t.Errorf("node %d (%s) cycle = %v; want %v", n.ID, n.Op, n.Cycle, cycle)
		}
	}
	batch := got.Nodes[5]
	if batch.Op != "batch" || batch.Location != 1 || batch.Kind != "Stream" || !batch.Bounded ||
		!batch.Ordered || !batch.ExactlyOnce || batch.NonDet != `any "batch" will do` {
		t.Errorf("node 5 = %+v; want the bounded batch at the tick with its reason", batch)
	}
	if out := got.Nodes[2]; out.Kind != "Sink" || out.Location != 0 {
		t.Errorf("node 2 = %+v; want a sink at location 0", out)
	}
}

func TestVizDeterministic(t *testing.T) {
	f1, _ := vizFlow(t)
	f2, _ := vizFlow(t)
	if a, b := f1.Mermaid(), f2.Mermaid(); a != b {
		t.Errorf("Mermaid() differs between two builds:\n%s\n---\n%s", a, b)
	}
	if a, b := f1.DOT(), f2.DOT(); a != b {
		t.Errorf("DOT() differs between two builds:\n%s\n---\n%s", a, b)
	}
	j1, err1 := f1.JSON()
	j2, err2 := f2.JSON()
	if err1 != nil || err2 != nil || !bytes.Equal(j1, j2) {
		t.Errorf("JSON() differs between two builds (errors %v, %v):\n%s\n---\n%s", err1, err2, j1, j2)
	}
}

// TestVizEscaping draws text that would break out of a label, and an
// incomplete forward reference, which a drawing must survive.
func TestVizEscaping(t *testing.T) {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	t1, t2 := hydro.NewTick(p), hydro.NewTick(p)
	_, s := hydro.NewInput[int](p)
	hydro.NewOutput(hydro.Batch(s, t1, hydro.NonDet("say \"hi\" <b>&amp;</b> #quot; C:\\n\nnext")))
	hydro.ForwardRef[int](t2) // never completed

	mermaid := f.Mermaid()
	for _, w := range []string{
		`nondet: say #quot;hi#quot; #lt;b#gt;#amp;amp;#lt;/b#gt; #35;quot; C:\n<br>next<br>`,
		"subgraph loc1 [\"Tick[Process[Leader]] #35;1\"]",
		"subgraph loc2 [\"Tick[Process[Leader]] #35;2\"]",
	} {
		if !strings.Contains(mermaid, w) {
			t.Errorf("Mermaid() lacks %q; got:\n%s", w, mermaid)
		}
	}
	for _, l := range strings.Split(mermaid, "\n") {
		// Every quote opens or closes a label: two a line at most.
		if n := strings.Count(l, `"`); n != 0 && n != 2 {
			t.Errorf("Mermaid() line %q has %d quotes; want 0 or 2", l, n)
		}
	}

	dot := f.DOT()
	for _, w := range []string{
		`nondet: say \"hi\" <b>&amp;</b> #quot; C:\\n\nnext\n`,
		`label="Tick[Process[Leader]] #1";`,
		`label="Tick[Process[Leader]] #2";`,
	} {
		if !strings.Contains(dot, w) {
			t.Errorf("DOT() lacks %q; got:\n%s", w, dot)
		}
	}
	// The forward reference (n3) has no input to draw.
	if strings.Contains(mermaid, "> n3") || strings.Contains(dot, "-> n3") {
		t.Errorf("an incomplete forward reference has a drawn input:\n%s\n%s", mermaid, dot)
	}
	b, err := f.JSON()
	if err != nil {
		t.Fatalf("JSON() error = %v", err)
	}
	var got vizJSON
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding JSON() = %v", err)
	}
	if fw := got.Nodes[3]; fw.Op != "forward_ref" || !fw.Cycle || fw.Inputs == nil || len(fw.Inputs) != 0 {
		t.Errorf("node 3 = %+v; want a forward reference with inputs []", fw)
	}
}

// pageModel is the part of the model embedded in HTML's page that the
// tests read.
type pageModel struct {
	DOT      string `json:"dot"`
	Problem  string `json:"problem"`
	Channels []struct {
		ID       uint32 `json:"id"`
		Op       string `json:"op"`
		From, To int
		FromLoc  int    `json:"from_loc"`
		ToLoc    int    `json:"to_loc"`
		Route    string `json:"route"`
	} `json:"channels"`
	Locations []struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		DOT       string `json:"dot"`
		Strata    int    `json:"strata"`
		Subgraphs []struct {
			ID, Stratum int
			Operators   []string
		} `json:"subgraphs"`
	} `json:"locations"`
}

// readPage returns the model HTML embedded in its page.
func readPage(t *testing.T, f *hydro.Flow) pageModel {
	t.Helper()
	page, err := f.HTML()
	if err != nil {
		t.Fatalf("HTML() = %v", err)
	}
	const open = `<script type="application/json" id="hydro-model">`
	i := bytes.Index(page, []byte(open))
	if i < 0 {
		t.Fatal("HTML() has no model")
	}
	body := page[i+len(open):]
	body = body[:bytes.Index(body, []byte("</script>"))]
	var m pageModel
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("HTML()'s model: %v", err)
	}
	return m
}

// TestHTML checks what the page of a flow with a process, a cluster and
// channels both ways draws: ids on every location and operator, channels
// styled and labelled, and the dfir graph of every process and cluster.
func TestHTML(t *testing.T) {
	type Leader struct{}
	type Worker struct{}
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[Worker](f)
	words := hydro.SourceIter(leader, []string{"a", "bb"})
	spread := hydro.RoundRobin(words, workers, hydro.NonDet("any worker"))
	lens := hydro.Map(spread, func(w string) int { return len(w) })
	back := hydro.Gather(lens, leader)
	hydro.NewOutput(back.Values())

	m := readPage(t, f)
	if m.Problem != "" {
		t.Fatalf("HTML() problem = %q; want none", m.Problem)
	}
	for _, w := range []string{
		"subgraph cluster_loc0 {\n        label=\"Process[Leader]\";\n        id=\"loc0\"; style=filled;",
		"subgraph cluster_loc1 {\n        label=\"Cluster[Worker]\";\n        id=\"loc1\"; style=\"filled,bold\";",
		`n0 [label="source_iter (2 items)\nStream, bounded, ordered, exactly-once\nviz_test.go:`,
		`, id="op0"];`,
		`, id="op5", style="rounded,filled"];`, // the output, a sink
		`n0 -> n1 [id="ch1", color="#0550ae", fontcolor="#0550ae", penwidth=2.2, label="channel 1, round robin"];`,
		`n2 -> n3 [id="ch3", color="#0550ae", fontcolor="#0550ae", penwidth=2.2, label="channel 3, one"];`,
		"    n1 -> n2;\n",
	} {
		if !strings.Contains(m.DOT, w) {
			t.Errorf("HTML()'s drawing lacks %q; got:\n%s", w, m.DOT)
		}
	}
	if len(m.Channels) != 2 || m.Channels[0].Op != "round_robin" || m.Channels[0].FromLoc != 0 || m.Channels[0].ToLoc != 1 ||
		m.Channels[1].Op != "gather" || m.Channels[1].FromLoc != 1 || m.Channels[1].ToLoc != 0 {
		t.Errorf("HTML()'s channels = %+v; want round_robin 0→1, gather 1→0", m.Channels)
	}
	if len(m.Locations) != 2 || m.Locations[0].Name != "Leader" || m.Locations[1].Kind != "Cluster" {
		t.Fatalf("HTML()'s locations = %+v; want Leader and the Worker cluster", m.Locations)
	}
	for _, l := range m.Locations {
		if l.Strata < 1 || len(l.Subgraphs) == 0 || !strings.Contains(l.DOT, "cluster_stratum_0") || !strings.Contains(l.DOT, "fontname=Courier") {
			t.Errorf("location %s: %d strata, %d subgraphs, dfir drawing:\n%s", l.Name, l.Strata, len(l.Subgraphs), l.DOT)
		}
	}
	// The plain DOT keeps its own look.
	if dot := f.DOT(); strings.Contains(dot, "id=") || strings.Contains(dot, "Courier") {
		t.Errorf("DOT() has the viewer's styling:\n%s", dot)
	}
}

// TestHTMLInvalid draws a flow that does not compile: the page shows it
// with its problem, and without dfir graphs.
func TestHTMLInvalid(t *testing.T) {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	_, s := hydro.ForwardRef[int](p) // never completed
	hydro.NewOutput(s)
	m := readPage(t, f)
	if m.Problem == "" || len(m.Locations) != 0 || !strings.Contains(m.DOT, `id="op0"`) {
		t.Errorf("HTML() of an invalid flow: problem %q, %d locations, drawing:\n%s", m.Problem, len(m.Locations), m.DOT)
	}
}
