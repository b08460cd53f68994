// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// TestOperatorItems checks that Stats counts the items each operator took
// in, a source's emitted, across subgraphs and ticks.
func TestOperatorItems(t *testing.T) {
	g := dfir.New()
	g.SetCollection("words")
	in, words := dfir.SourceInput[string](g)
	g.SetCollection("")
	long := dfir.Filter(words, func(w string) bool { return len(w) > 3 }).Named("long")
	lens := dfir.Map(long, func(w string) int { return len(w) })
	total := dfir.Fold(lens, func() int { return 0 }, func(acc *int, n int) { *acc += n })
	out := dfir.SinkOutput(total)
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	in.PushAll([]string{"a", "hello", "dataflow"})
	g.RunTick()
	in.PushAll([]string{"tick", "ab"})
	g.RunTick()
	if got := out.Drain(nil); !slices.Equal(got, []int{13, 4}) {
		t.Fatalf("outputs = %v; want [13 4]", got)
	}
	want := map[string]uint64{"source_input": 5, "filter": 5, "map": 3, "fold": 3, "sink_output": 2}
	ops := g.Stats().Operators
	if len(ops) != len(want) {
		t.Fatalf("Stats().Operators has %d operators; want %d: %v", len(ops), len(want), ops)
	}
	for i, o := range ops {
		if o.ID != i {
			t.Errorf("Operators[%d].ID = %d", i, o.ID)
		}
		if o.Items != want[o.Op] {
			t.Errorf("%v: Items = %d; want %d", o, o.Items, want[o.Op])
		}
		if o.File != "dfir/observe_test.go" || o.Line == 0 {
			t.Errorf("%v: position %s:%d; want this file", o, o.File, o.Line)
		}
	}
	if ops[0].Collection != "words" || ops[1].Collection != "" || ops[1].Name != "long" {
		t.Errorf("collections and names: %+v, %+v", ops[0], ops[1])
	}
	if ops[3].Subgraph == ops[0].Subgraph || ops[3].Stratum <= ops[0].Stratum {
		t.Errorf("fold %+v shares subgraph or stratum with its source %+v", ops[3], ops[0])
	}
}

// trace records an Observer's calls.
type trace struct {
	calls []string
	depth int
	max   int
}

func (tr *trace) Enter(op int) {
	tr.calls = append(tr.calls, fmt.Sprintf("+%d", op))
	tr.depth++
	tr.max = max(tr.max, tr.depth)
}

func (tr *trace) Exit(op int) {
	tr.calls = append(tr.calls, fmt.Sprintf("-%d", op))
	tr.depth--
}

// TestObserverNests checks that an Observer sees every operator's work, as
// pairs of calls that nest along a subgraph's direct calls, and nothing
// once removed.
func TestObserverNests(t *testing.T) {
	g := dfir.New()
	src := dfir.SourceIter(g, []int{1, 2, 3})              // 0
	dbl := dfir.Map(src, func(v int) int { return 2 * v }) // 1
	sum := dfir.Fold(dbl, func() int { return 0 }, func(a *int, v int) { *a += v })
	out := dfir.SinkOutput(sum) // 3
	tr := &trace{}
	g.Observe(tr)
	g.RunTick()
	if got := out.Drain(nil); !slices.Equal(got, []int{12}) {
		t.Fatalf("outputs = %v; want [12]", got)
	}
	// The source pushes into the map, which pushes into the handoff to
	// the fold; the fold's subgraph runs from the handoff's drain, then
	// the fold emits its value into the sink.
	want := []string{"+0", "+1", "-1", "-0", "+2", "-2", "+2", "+3", "-3", "-2"}
	if !slices.Equal(tr.calls, want) {
		t.Errorf("calls = %v; want %v", tr.calls, want)
	}
	if tr.depth != 0 || tr.max != 2 {
		t.Errorf("depth %d, deepest %d; want 0 and 2", tr.depth, tr.max)
	}
	g.Observe(nil)
	tr.calls = nil
	g.RunTick()
	if len(tr.calls) != 0 {
		t.Errorf("calls after Observe(nil) = %v; want none", tr.calls)
	}
}
