// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"bytes"
	"compress/gzip"
	"io"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
)

// TestOperatorMetrics checks the per-operator families: items by operator,
// and time charged to the operator that spent it, not to the one that
// pushed to it.
func TestOperatorMetrics(t *testing.T) {
	d := dfir.New()
	in, words := dfir.SourceInput[string](d)
	const spin = 20 * time.Millisecond
	slow := dfir.Map(words, func(w string) int {
		for start := time.Now(); time.Since(start) < spin; {
		}
		return len(w)
	}).Named("slow")
	out := dfir.SinkOutput(dfir.Filter(slow, func(n int) bool { return n > 2 }))
	if err := d.Compile(); err != nil {
		t.Fatal(err)
	}
	g := &compile.Graph{Dest: compile.Dest{Loc: worker}, Graph: d}
	st := Watch(g, nameOf)
	for _, batch := range [][]string{{"hello", "hi"}, {"again"}} {
		for _, w := range batch {
			in.Push(w)
		}
		for _, f := range g.Feeders {
			f()
		}
		d.RunTick()
		for _, o := range g.Outboxes {
			_ = o.Flush(func(compile.Dest, []byte) error { return nil })
		}
	}
	if got := out.Drain(nil); len(got) != 2 {
		t.Fatalf("outputs = %v; want two lengths", got)
	}
	var b strings.Builder
	if err := st.WriteMetrics(&b, Labels{Node: "Worker/0", Location: "Worker"}); err != nil {
		t.Fatal(err)
	}
	types, samples := parseProm(t, b.String())
	if types["hydro_operator_items_total"] != "counter" || types["hydro_operator_seconds_total"] != "counter" {
		t.Fatalf("families: %v; want the operator counters", types)
	}
	for op, want := range map[string]float64{"source_input": 3, "map": 3, "filter": 3, "sink_output": 2} {
		ls := map[string]string{"op": op, "node": "Worker/0", "location": "Worker"}
		if got := value(t, samples, "hydro_operator_items_total", ls); got != want {
			t.Errorf("hydro_operator_items_total{op=%q} = %v; want %v", op, got, want)
		}
	}
	mapLabels := map[string]string{"op": "map", "operator": "1", "subgraph": "0", "name": "slow"}
	for _, s := range samples {
		if s.labels["name"] == "slow" && !strings.HasPrefix(s.labels["line"], "internal/admin/operators_test.go:") {
			t.Errorf("%s of the map: line %q; want this file's", s.name, s.labels["line"])
		}
	}
	mapSecs := value(t, samples, "hydro_operator_seconds_total", mapLabels)
	if mapSecs < 3*spin.Seconds() {
		t.Errorf("the map's seconds = %v; want at least the %v it spun", mapSecs, 3*spin)
	}
	for _, op := range []string{"source_input", "filter", "sink_output"} {
		if got := value(t, samples, "hydro_operator_seconds_total", map[string]string{"op": op}); got >= mapSecs/2 {
			t.Errorf("hydro_operator_seconds_total{op=%q} = %v; want well below the map's %v", op, got, mapSecs)
		}
	}
	lv := st.Live("Worker/0")
	if len(lv.Operators) != 4 || lv.Operators[1].Items != 3 || lv.Operators[1].Seconds != mapSecs {
		t.Errorf("Live operators = %+v; want the map's 3 items and %v s", lv.Operators, mapSecs)
	}
}

// TestOperatorProfileLabels checks that a CPU profile taken while an
// operator works carries its labels: the profile's string table names the
// operator, which it holds only for samples labelled with it.
func TestOperatorProfileLabels(t *testing.T) {
	d := dfir.New()
	in, words := dfir.SourceInput[string](d)
	dfir.Null(dfir.Map(words, func(w string) int {
		x := 0
		for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
			x++
		}
		return x
	}).Named("spinner"))
	if err := d.Compile(); err != nil {
		t.Fatal(err)
	}
	g := &compile.Graph{Dest: compile.Dest{Loc: worker}, Graph: d}
	Watch(g, nameOf)
	var prof bytes.Buffer
	if err := pprof.StartCPUProfile(&prof); err != nil {
		t.Skipf("a CPU profile is running already: %v", err)
	}
	in.Push("go")
	d.RunTick()
	pprof.StopCPUProfile()
	zr, err := gzip.NewReader(&prof)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"operator", "map#1 (internal/admin/operators_test.go:", "spinner", "location", "Worker"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the CPU profile names no %q: its samples carry no operator labels", want)
		}
	}
}
