// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

type plFront struct{}
type plBack struct{}
type plWorkers struct{}

// planned is pipeline without a stage process: a plan makes it.
func planned() (*hydro.Flow, *hydro.Input[string], *hydro.Output[hydro.KV[string, int]]) {
	f := hydro.NewFlow()
	front := hydro.NewProcess[plFront](f)
	back := hydro.NewProcess[plBack](f)
	hydro.NewCluster[plWorkers](f)
	in, lines := hydro.NewInput[string](front)
	words := hydro.FlatMap(lines, strings.Fields).Named("split")
	lower := hydro.Map(words, strings.ToLower).Named("lower")
	counted := hydro.Scan(hydro.Send(lower, back), func() map[string]int { return map[string]int{} }, func(m *map[string]int, w string) hydro.KV[string, int] {
		(*m)[w]++
		return hydro.KV[string, int]{Key: w, Val: (*m)[w]}
	})
	return f, in, hydro.NewOutput(counted)
}

// TestPlanDecouple: a plan read from JSON makes a process the flow does
// not have, moves the named collections to it, and the flow computes what
// it did.
func TestPlanDecouple(t *testing.T) {
	run := func(plan string) ([]string, string) {
		f, in, out := planned()
		if plan != "" {
			p, err := hydro.ParsePlan([]byte(plan))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Apply(f); err != nil {
				t.Fatal(err)
			}
		}
		r := hydro.MustLocal(f)
		in.Push(r, "The cat", "the Dog the end")
		r.RunAvailable()
		var got []string
		for _, kv := range out.Drain(r) {
			got = append(got, fmt.Sprintf("%s=%d", kv.Key, kv.Val))
		}
		return got, f.Mermaid()
	}
	orig, _ := run("")
	moved, drawn := run(`{"decouple": [{"names": ["split", "lower"], "to": "Stage"}]}`)
	if !slices.Equal(orig, moved) || len(orig) != 6 {
		t.Errorf("planned %v; original %v", moved, orig)
	}
	if !strings.Contains(drawn, "Process[Stage]") {
		t.Errorf("the planned flow has no process Stage:\n%s", drawn)
	}
}

func TestPlanRefuses(t *testing.T) {
	for _, tc := range []struct {
		plan, want string
	}{
		{`{"decouple": [{"names": ["split"], "to": "Stage"}], "partition": []}`, `unknown field "partition"`},
		{`{"decouple": [{"names": [], "to": "Stage"}]}`, "decouple[0] names no collection"},
		{`{"decouple": [{"names": ["split"], "to": "Stage/1"}]}`, `to "Stage/1": want a process name`},
		{`{"decouple": [{"names": ["split"], "to": ""}]}`, `to "": want a process name`},
		{`{} {}`, "more than one value"},
		{`[1]`, "cannot unmarshal array"},
	} {
		if _, err := hydro.ParsePlan([]byte(tc.plan)); !errors.Is(err, hydro.ErrPlan) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParsePlan(%s) = %v; want an ErrPlan saying %q", tc.plan, err, tc.want)
		}
	}
	for _, tc := range []struct {
		plan, want string
	}{
		{`{"decouple": [{"names": ["split"], "to": "plWorkers"}]}`, "plWorkers is a Cluster, and only a process takes operators"},
		{`{"decouple": [{"names": ["nothing"], "to": "Stage"}]}`, `no collection named "nothing"`},
		{`{"decouple": [{"names": ["lower"], "to": "plFront"}]}`, "is at Process[plFront] already"},
	} {
		f, _, _ := planned()
		p, err := hydro.ParsePlan([]byte(tc.plan))
		if err != nil {
			t.Fatal(err)
		}
		before := f.Mermaid()
		if err := p.Apply(f); !errors.Is(err, hydro.ErrRewrite) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "hydro: plan: decouple[0]") {
			t.Errorf("Apply(%s) = %v; want an ErrRewrite saying %q", tc.plan, err, tc.want)
		}
		if after := f.Mermaid(); after != before {
			t.Errorf("Apply(%s) refused, yet changed the flow:\n%s\nwas\n%s", tc.plan, after, before)
		}
	}
	f, _, _ := planned()
	f.MustCompile()
	p := &hydro.Plan{Decouple: []hydro.DecouplePlan{{Names: []string{"split"}, To: "Stage"}}}
	if err := p.Apply(f); !errors.Is(err, hydro.ErrRewrite) || !strings.Contains(err.Error(), "after Compile") {
		t.Errorf("Apply after Compile = %v; want a refusal", err)
	}
}

// A plan's JSON reads back as the same plan.
func TestPlanJSON(t *testing.T) {
	p := &hydro.Plan{Decouple: []hydro.DecouplePlan{{Names: []string{"a", "b"}, To: "Stage"}}}
	js, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	q, err := hydro.ParsePlan(js)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Decouple) != 1 || !slices.Equal(q.Decouple[0].Names, []string{"a", "b"}) || q.Decouple[0].To != "Stage" {
		t.Errorf("ParsePlan(%s) = %+v", js, q)
	}
}
