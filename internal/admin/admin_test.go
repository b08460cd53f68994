// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/viewer"
)

// fakeNode is a graph with a channel in and out, driven as the node's
// shell drives it: feeders, a tick, the outboxes.
type fakeNode struct {
	g  *compile.Graph
	in *dfir.Input[string]
}

var worker = &ir.Location{Name: "Worker", Kind: ir.Cluster}

func newFakeNode(t testing.TB) *fakeNode {
	d := dfir.New()
	in, words := dfir.SourceInput[string](d)
	out := dfir.SinkOutput(dfir.Map(words, func(w string) int { return len(w) }))
	if err := d.Compile(); err != nil {
		t.Fatal(err)
	}
	n := &fakeNode{in: in}
	n.g = &compile.Graph{
		Dest:  compile.Dest{Loc: worker},
		Graph: d,
		Inboxes: map[uint32]compile.Inbox{3: {Channel: 3, From: worker, Deliver: func(from uint32, payload []byte) error {
			in.Push(string(payload))
			return nil
		}}},
		Outboxes: []compile.Outbox{{Channel: 4, Flush: func(send func(compile.Dest, []byte) error) error {
			for _, n := range out.Drain(nil) {
				if err := send(compile.Dest{Loc: worker, Member: 1}, []byte(strconv.Itoa(n))); err != nil {
					return err
				}
			}
			return nil
		}}},
	}
	return n
}

func nameOf(d compile.Dest) string { return fmt.Sprintf("%s/%d", d.Loc.Name, d.Member) }

// tick delivers payloads from Worker/0 on channel 3 and runs a tick.
func (n *fakeNode) tick(payloads ...string) {
	for _, p := range payloads {
		_ = n.g.Inboxes[3].Deliver(0, []byte(p))
	}
	for _, f := range n.g.Feeders {
		f()
	}
	n.g.Graph.RunTick()
	for _, o := range n.g.Outboxes {
		_ = o.Flush(func(compile.Dest, []byte) error { return nil })
	}
}

var (
	helpLine   = regexp.MustCompile(`^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$`)
	typeLine   = regexp.MustCompile(`^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$`)
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\} (\S+)$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"`)
)

// sample is one parsed sample line.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseProm parses the text format strictly: every sample belongs to the
// family of the TYPE line before it (with _bucket, _sum and _count for a
// histogram), no family is declared twice, every value is a number. It
// returns the families' types and the samples.
func parseProm(t *testing.T, text string) (map[string]string, []sample) {
	t.Helper()
	types := map[string]string{}
	var samples []sample
	family := ""
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if m := helpLine.FindStringSubmatch(l); m != nil {
			continue
		}
		if m := typeLine.FindStringSubmatch(l); m != nil {
			if _, dup := types[m[1]]; dup {
				t.Fatalf("line %d: family %s declared twice", i+1, m[1])
			}
			types[m[1]], family = m[2], m[1]
			continue
		}
		m := sampleLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %d: %q is not a HELP, TYPE or sample line", i+1, l)
		}
		name := m[1]
		if types[family] == "histogram" {
			name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		}
		if name != family {
			t.Fatalf("line %d: sample %s outside its family (after TYPE %s)", i+1, m[1], family)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("line %d: value %q: %v", i+1, m[3], err)
		}
		ls := map[string]string{}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			ls[p[1]] = p[2]
		}
		samples = append(samples, sample{m[1], ls, v})
	}
	return types, samples
}

// value returns the value of the one sample of name whose labels include
// want, failing if there is not exactly one.
func value(t *testing.T, samples []sample, name string, want map[string]string) float64 {
	t.Helper()
	var found []float64
	for _, s := range samples {
		if s.name != name {
			continue
		}
		ok := true
		for k, v := range want {
			ok = ok && s.labels[k] == v
		}
		if ok {
			found = append(found, s.value)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d samples of %s with %v; want 1", len(found), name, want)
	}
	return found[0]
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t)
	n := newFakeNode(t)
	st := Watch(n.g, nameOf)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	page := &viewer.Model{Title: "fake", Flow: json.RawMessage(`{"locations":[{"id":0,"kind":"Cluster","name":"Worker","parent":null}],"nodes":[]}`),
		DOT: "digraph flow {\n}\n", Locations: []viewer.Location{{ID: 0, Name: "Worker", Kind: "Cluster", DOT: "digraph dfir {\n}\n"}}}
	h, err := Handler(st, Labels{Node: "Worker/0", Location: "Worker"}, page)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ln, h)
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()
	base := "http://" + ln.Addr().String()

	n.tick("hello", "hi")
	code, text := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d; want 200", code)
	}
	types, samples := parseProm(t, text)
	for name, want := range map[string]string{
		"hydro_ticks_total": "counter", "hydro_tick_duration_seconds": "histogram",
		"hydro_subgraph_items_total": "counter", "hydro_handoff_buffered": "gauge",
		"hydro_channel_sent_frames_total": "counter", "hydro_channel_received_bytes_total": "counter",
	} {
		if types[name] != want {
			t.Errorf("# TYPE %s %s; want %s", name, types[name], want)
		}
	}
	node := map[string]string{"node": "Worker/0", "location": "Worker"}
	if got := value(t, samples, "hydro_ticks_total", node); got != 1 {
		t.Errorf("hydro_ticks_total = %v after one tick; want 1", got)
	}
	if got := value(t, samples, "hydro_channel_received_frames_total", map[string]string{"channel": "3", "peer": "Worker/0"}); got != 2 {
		t.Errorf("frames received = %v; want 2", got)
	}
	if got := value(t, samples, "hydro_channel_received_bytes_total", map[string]string{"channel": "3", "peer": "Worker/0"}); got != 7 {
		t.Errorf("bytes received = %v; want 7", got)
	}
	if got := value(t, samples, "hydro_channel_sent_frames_total", map[string]string{"channel": "4", "peer": "Worker/1"}); got != 2 {
		t.Errorf("frames sent = %v; want 2", got)
	}
	if got := value(t, samples, "hydro_tick_duration_seconds_count", node); got != 1 {
		t.Errorf("hydro_tick_duration_seconds_count = %v; want 1", got)
	}
	if got := value(t, samples, "hydro_tick_duration_seconds_bucket", map[string]string{"le": "+Inf"}); got != 1 {
		t.Errorf("the +Inf bucket = %v; want 1", got)
	}
	items := 0.0
	for _, s := range samples {
		if s.name == "hydro_subgraph_items_total" {
			items += s.value
		}
	}

	n.tick("again")
	n.tick()
	_, text = get(t, base+"/metrics")
	_, samples = parseProm(t, text)
	if got := value(t, samples, "hydro_ticks_total", node); got != 3 {
		t.Errorf("hydro_ticks_total = %v after three ticks; want 3", got)
	}
	more := 0.0
	for _, s := range samples {
		if s.name == "hydro_subgraph_items_total" {
			more += s.value
		}
	}
	if items < 2 || more <= items {
		t.Errorf("hydro_subgraph_items_total summed %v, then %v after another item; want it to grow from at least 2", items, more)
	}

	if code, body := get(t, base+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("GET /debug/pprof/ = %d; want 200 and the profiles' index", code)
	}
	checkGraph(t, base)
	if code, _ := get(t, base+"/nothing"); code != http.StatusNotFound {
		t.Errorf("GET /nothing = %d; want 404", code)
	}
}

// checkGraph checks the page at /graph and the counts it polls, after
// three ticks that received three frames and sent three.
func checkGraph(t *testing.T, base string) {
	t.Helper()
	code, body := get(t, base+"/graph")
	const open = `<script type="application/json" id="hydro-model">`
	i := strings.Index(body, open)
	if code != http.StatusOK || i < 0 {
		t.Fatalf("GET /graph = %d without the viewer's model; want the page", code)
	}
	model := body[i+len(open):]
	model = model[:strings.Index(model, "</script>")]
	var m viewer.Model
	if err := json.Unmarshal([]byte(model), &m); err != nil {
		t.Fatalf("GET /graph: the model: %v", err)
	}
	if m.Title != "fake" || m.Live == nil || m.Live.Node != "Worker/0" || m.Live.Ticks != 3 || m.Live.Poll != "/graph/live.json" {
		t.Errorf("GET /graph: title %q, live %+v; want the node's counts after 3 ticks", m.Title, m.Live)
	}
	// The node's own location is drawn from the graph it runs, so that
	// the counts line up with its subgraphs.
	if len(m.Locations) != 1 || len(m.Locations[0].Subgraphs) == 0 || len(m.Locations[0].Subgraphs) != len(m.Live.Subgraphs) ||
		!strings.Contains(m.Locations[0].DOT, "source_input") {
		t.Errorf("GET /graph: locations %+v, live subgraphs %+v; want the running graph's, one count each", m.Locations, m.Live.Subgraphs)
	}
	code, body = get(t, base+"/graph/live.json")
	var lv viewer.Live
	if err := json.Unmarshal([]byte(body), &lv); code != http.StatusOK || err != nil {
		t.Fatalf("GET /graph/live.json = %d, %v", code, err)
	}
	want := []viewer.Traffic{
		{Channel: 4, Peer: "Worker/1", Sent: true, Frames: 3, Bytes: 3},
		{Channel: 3, Peer: "Worker/0", Frames: 3, Bytes: 12},
	}
	if lv.Ticks != 3 || !slices.Equal(lv.Traffic, want) {
		t.Errorf("GET /graph/live.json: ticks %d, traffic %+v; want 3 and %+v", lv.Ticks, lv.Traffic, want)
	}
	items := uint64(0)
	for _, sg := range lv.Subgraphs {
		items += sg.Items
	}
	if items < 3 {
		t.Errorf("GET /graph/live.json: subgraphs %+v; want at least the 3 items received", lv.Subgraphs)
	}
}

// Label values are escaped, and values print as the format reads them.
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0"}, {12, "12"}, {0.5, "0.5"}, {1e-5, "1e-05"}} {
		if got := formatValue(tc.in); got != tc.want {
			t.Errorf("formatValue(%v) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got, want := escapeLabel("a\"b\\c\nd"), `a\"b\\c\nd`; got != want {
		t.Errorf("escapeLabel = %q; want %q", got, want)
	}
}
