// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type SgFront struct{}
type SgBack struct{}

// sgBuild is a front that parses lines and sends tagged words to a back
// that counts them; the metrics in testdata/suggest were written for it,
// with parse the front's busiest stage.
func sgBuild(f *hydro.Flow) {
	front := hydro.NewProcess[SgFront](f)
	back := hydro.NewProcess[SgBack](f)
	in, lines := hydro.NewInput[string](front)
	_ = in
	words := hydro.FlatMap(lines, strings.Fields).Named("parse")
	lower := hydro.Map(words, strings.ToLower).Named("lower")
	tagged := hydro.Map(lower, func(w string) string { return "w:" + w }).Named("tag")
	counted := hydro.Scan(hydro.Send(tagged, back), func() int { return 0 }, func(n *int, _ string) int { *n++; return *n }).Named("count")
	hydro.NewOutput(counted)
}

// TestSuggest reads recorded metrics of two nodes and prints the front's
// bottleneck, parse (66% of its time), and a plan the deployer
// accepts: applied to the flow, it compiles with the stages moved.
func TestSuggest(t *testing.T) {
	var out, errb bytes.Buffer
	plan := filepath.Join(t.TempDir(), "plan.json")
	args := []string{"suggest", "-metrics", "testdata/suggest/pipeline.prom", "-metrics", "testdata/suggest/back.prom", "-o", plan}
	if err := deploy.Command(context.Background(), sgBuild, args, &out, &errb); err != nil {
		t.Fatalf("suggest: %v\n%s%s", err, out.String(), errb.String())
	}
	report := out.String()
	for _, want := range []string{
		"SgFront: 9.95s in its operators\n",
		"   65.5%  parse        flat_map at deploy/suggest_test.go:32: 120000 items, 54.333µs per item\n",
		"  bottleneck: parse, 66% of its time: move to a process SgFrontParse\n",
		"SgBack: 1.26s in its operators\n",
		"  no bottleneck to move: its named stages take 25% of its time",
		"plan written to " + plan,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	js, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	p, err := hydro.ParsePlan(js)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Decouple) != 1 || strings.Join(p.Decouple[0].Names, ",") != "parse" || p.Decouple[0].To != "SgFrontParse" {
		t.Fatalf("plan %s; want parse moved to SgFrontParse", js)
	}
	f := hydro.NewFlow()
	sgBuild(f)
	if err := p.Apply(f); err != nil {
		t.Fatal(err)
	}
	f.MustCompile()
	if !strings.Contains(f.Mermaid(), "Process[SgFrontParse]") {
		t.Errorf("the planned flow has no process SgFrontParse:\n%s", f.Mermaid())
	}
}

// suggest reads a node's admin port too, and refuses what is not a node's
// metrics.
func TestSuggestURL(t *testing.T) {
	prom, err := os.ReadFile("testdata/suggest/pipeline.prom")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Write(prom)
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	if err := deploy.Command(context.Background(), sgBuild, []string{"suggest", "-metrics", srv.URL + "/metrics"}, &out, &errb); err != nil {
		t.Fatalf("suggest: %v", err)
	}
	if !strings.Contains(out.String(), `"to": "SgFrontParse"`) {
		t.Errorf("suggest printed no plan moving parse:\n%s", out.String())
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"suggest"}, "want at least one URL or file"},
		{[]string{"suggest", "-metrics", srv.URL + "/nothing"}, "404"},
		{[]string{"suggest", "-metrics", "testdata/suggest/none.prom"}, "no such file"},
		{[]string{"suggest", "-metrics", "suggest_test.go"}, "not a node's /metrics"},
		{[]string{"suggest", "-metrics", "testdata/suggest/back.prom", "-share", "2"}, "want a fraction"},
	} {
		err := deploy.Command(context.Background(), sgBuild, tc.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q = %v; want an error saying %q", tc.args, err, tc.want)
		}
		if strings.Contains(tc.want, "fraction") && !errors.Is(err, deploy.ErrUsage) {
			t.Errorf("%q = %v; want ErrUsage", tc.args, err)
		}
	}
}
