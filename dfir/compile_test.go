// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hydro-go/hydro/dfir"
)

// opAt formats an operator as errors name it.
func opAt(op string, id, line int) string {
	return fmt.Sprintf("%s#%d (dfir/compile_test.go:%d)", op, id, line)
}

// compileErr compiles g, expecting it to fail, and checks the error.
func compileErr(t *testing.T, g *dfir.Graph, problems int, wants ...string) error {
	t.Helper()
	err := g.Compile()
	if err == nil {
		t.Fatalf("Compile() = nil; want an error mentioning %q", wants)
	}
	if !errors.Is(err, dfir.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false; want true", err)
	}
	var ge *dfir.GraphError
	if !errors.As(err, &ge) {
		t.Fatalf("Compile() = %T; want a *GraphError", err)
	}
	if len(ge.Problems) != problems {
		t.Errorf("Compile() found %d problems; want %d:\n%v", len(ge.Problems), problems, err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Compile() = %v\nwant it to mention %q", err, w)
		}
	}
	if again := g.Compile(); again != err {
		t.Errorf("Compile() again = %v; want the same error", again)
	}
	return err
}

func TestCompileUnconnectedOutput(t *testing.T) {
	g := dfir.New()
	_, p := dfir.SourceInput[int](g)
	_, line := dfir.Map(p, func(x int) int { return x }), hereLine()
	compileErr(t, g, 1, opAt("map", 1, line)+": output 0 is not connected; end it with a sink (ForEach, SinkOutput, Null)")
}

func TestCompileConsumedTwice(t *testing.T) {
	g := dfir.New()
	src, srcLine := dfir.SourceIter(g, []int{1}).Named("nums"), hereLine()
	m, mLine := dfir.Map(src, func(x int) int { return x }), hereLine()
	f, fLine := dfir.Filter(src, func(int) bool { return true }), hereLine()
	dfir.Null(m)
	dfir.Null(f)
	compileErr(t, g, 1, fmt.Sprintf("nums:source_iter#0 (dfir/compile_test.go:%d): output 0 is consumed by %s and %s; use Tee to feed several operators",
		srcLine, opAt("map", 1, mLine), opAt("filter", 2, fLine)))
}

func TestCompileCycleNeverClosed(t *testing.T) {
	g := dfir.New()
	line := hereLine() + 1
	_, back := dfir.NewCycle[int](g)
	dfir.Null(back)
	compileErr(t, g, 1, opAt("cycle", 0, line)+": never closed; call Close with the port that feeds the cycle")
}

func TestCompileCycleClosedTwice(t *testing.T) {
	g := dfir.New()
	line := hereLine() + 1
	cyc, back := dfir.NewCycle[int](g)
	dfir.Null(back)
	cyc.Close(dfir.SourceIter(g, []int{1}))
	again := hereLine() + 1
	cyc.Close(dfir.SourceIter(g, []int{2}))
	// The second source is left unconnected as well.
	compileErr(t, g, 2,
		fmt.Sprintf("%s: closed twice, again at dfir/compile_test.go:%d", opAt("cycle", 0, line), again),
		opAt("source_iter", 3, again)+": output 0 is not connected")
}

// A cycle within a tick must not pass through an input that needs all of its
// data first; Compile names the operators and suggests DeferTick.
func TestCompileNegationCycle(t *testing.T) {
	t.Run("Fold", func(t *testing.T) {
		g := dfir.New()
		src := dfir.SourceIter(g, []int{1, 2})
		cycLine := hereLine() + 1
		cyc, back := dfir.NewCycle[int](g)
		u, uLine := dfir.Union(src, back), hereLine()
		f, fLine := dfir.Fold(u, func() int { return 0 }, func(acc *int, x int) { *acc += x }), hereLine()
		ps, teeLine := dfir.Tee(f, 2), hereLine()
		dfir.Null(ps[0])
		cyc.Close(ps[1])
		compileErr(t, g, 1, fmt.Sprintf("%s needs all of its input before it runs, but its input depends on its own output within the tick, through %s, %s, %s; break the cycle with DeferTick",
			opAt("fold", 3, fLine), opAt("cycle", 1, cycLine), opAt("union", 2, uLine), opAt("tee", 4, teeLine)))
	})
	t.Run("Difference", func(t *testing.T) {
		g := dfir.New()
		cycLine := hereLine() + 1
		cyc, back := dfir.NewCycle[int](g)
		ps := dfir.Tee(back, 2)
		d, dLine := dfir.Difference(dfir.SourceIter(g, []int{1, 2}), ps[0]), hereLine()
		dfir.Null(ps[1])
		cyc.Close(d)
		compileErr(t, g, 1, opAt("difference", 3, dLine)+" needs all of its input before it runs",
			opAt("cycle", 0, cycLine), "break the cycle with DeferTick")
	})
	t.Run("TwoCycles", func(t *testing.T) {
		g := dfir.New()
		for range 2 {
			cyc, back := dfir.NewCycle[int](g)
			cyc.Close(dfir.NextStratum(back))
		}
		compileErr(t, g, 2, "next_stratum#1", "next_stratum#3")
	})
}

// The same loops through DeferTick span ticks and compile; so does a
// Difference whose negative input comes from outside the loop.
func TestCompileCycleThroughDeferTick(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	cyc, back := dfir.NewCycle[int](g)
	f := dfir.Fold(dfir.Union(p, back), func() int { return 0 }, func(acc *int, x int) { *acc += x })
	ps := dfir.Tee(f, 2)
	cyc.Close(dfir.DeferTick(ps[1]))
	sums := dfir.SinkOutput(ps[0])

	cyc2, back2 := dfir.NewCycle[int](g)
	pos := dfir.Map(dfir.Union(dfir.SourceIter(g, []int{1}), back2), func(x int) int { return x + 1 })
	qs := dfir.Tee(dfir.Difference(pos, dfir.SourceIter(g, []int{4})), 2)
	cyc2.Close(qs[1])
	below := dfir.SinkOutput(qs[0])
	if err := g.Compile(); err != nil {
		t.Fatalf("Compile() = %v; want nil", err)
	}
	for tick, want := range []int{3, 3, 13} {
		in.PushAll([][]int{{1, 2}, {}, {10}}[tick])
		g.RunTick()
		if got := sums.Drain(nil); len(got) != 1 || got[0] != want {
			t.Errorf("tick %d: Fold through DeferTick = %v; want [%d]", tick, got, want)
		}
	}
	if got := below.Drain(nil); !cmp.Equal(got, []int{2, 3}) {
		t.Errorf("fixpoint of x+1 from 1 without 4 = %v; want [2 3]", got)
	}
}

func TestCompileManyProblems(t *testing.T) {
	g := dfir.New()
	src, srcLine := dfir.SourceIter(g, []int{1}), hereLine()
	dfir.Null(src)
	dfir.Null(src)
	cycLine := hereLine() + 1
	_, back := dfir.NewCycle[int](g)
	_, mLine := dfir.Map(back, func(x int) int { return x }), hereLine()
	err := compileErr(t, g, 3,
		opAt("source_iter", 0, srcLine)+": output 0 is consumed by",
		opAt("cycle", 3, cycLine)+": never closed",
		opAt("map", 4, mLine)+": output 0 is not connected")
	if !strings.HasPrefix(err.Error(), "dfir: invalid graph (3 problems):\n\t") {
		t.Errorf("Compile() = %q; want it to start with the count of problems", err)
	}
	for _, p := range err.(*dfir.GraphError).Unwrap() {
		if !strings.HasPrefix(p.Error(), "dfir: ") {
			t.Errorf("problem %q does not start with \"dfir: \"", p)
		}
	}
}

func TestCompileTooManyLifetimes(t *testing.T) {
	g := dfir.New()
	_, p := dfir.SourceInput[int](g)
	ps := dfir.Tee(p, 2)
	e, eLine := dfir.Enumerate(ps[0], dfir.Static, dfir.PerTick), hereLine()
	kv := dfir.Map(e, func(kv dfir.KV[int, int]) dfir.KV[int, int] { return kv })
	l, r := dfir.Partition(kv, func(dfir.KV[int, int]) bool { return true })
	_, jLine := dfir.Join(l, r, dfir.Static, dfir.Static, dfir.Static), hereLine()
	dfir.Null(dfir.Unique(ps[1]))
	compileErr(t, g, 3,
		opAt("enumerate", 2, eLine)+": takes at most 1 lifetimes, got 2",
		opAt("join", 5, jLine)+": takes at most 2 lifetimes, got 3",
		opAt("join", 5, jLine)+": output 0 is not connected")
}

func TestCompilePortsFromAnotherGraph(t *testing.T) {
	g1, g2 := dfir.New(), dfir.New()
	a := dfir.SourceIter(g1, []int{1})
	b, bLine := dfir.SourceIter(g2, []int{2}), hereLine()
	u, uLine := dfir.Union(a, b), hereLine()
	dfir.Null(u)
	compileErr(t, g1, 2,
		fmt.Sprintf("%s: input 1 comes from source_iter#0 (dfir/compile_test.go:%d), which belongs to another graph", opAt("union", 1, uLine), bLine))
	compileErr(t, g2, 1, opAt("source_iter", 0, bLine)+": output 0 is not connected")
}

func TestRunTickPanicsOnInvalidGraph(t *testing.T) {
	g := dfir.New()
	dfir.Map(dfir.SourceIter(g, []int{1}), func(x int) int { return x })
	r := func() (r any) {
		defer func() { r = recover() }()
		g.RunTick()
		return nil
	}()
	err, ok := r.(error)
	if !ok || !errors.Is(err, dfir.ErrInvalid) {
		t.Fatalf("RunTick() on an invalid graph panicked with %v; want the compile error", r)
	}
	if cerr := g.Compile(); cerr.Error() != err.Error() {
		t.Errorf("RunTick() panicked with %q; want Compile()'s %q", err, cerr)
	}
	// An invalid graph is drawn without grouping.
	if m := g.Mermaid(); strings.Contains(m, "subgraph") || !strings.Contains(m, `n1["map"]`) {
		t.Errorf("Mermaid() of an invalid graph =\n%s\nwant its operators, ungrouped", m)
	}
}

func TestCompileIsFinal(t *testing.T) {
	g := dfir.New()
	p := dfir.SourceIter(g, []int{1})
	dfir.Null(p)
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	if err := g.Compile(); err != nil {
		t.Errorf("Compile() again = %v; want nil", err)
	}
	r := func() (r any) {
		defer func() { r = recover() }()
		dfir.SourceIter(g, []int{2})
		return nil
	}()
	if r == nil || !strings.Contains(fmt.Sprint(r), "compiled") {
		t.Errorf("adding an operator after Compile panicked with %v; want a panic saying the graph is compiled", r)
	}
}

// Building from a zero Port is a programming error caught where it happens.
func TestZeroPortPanics(t *testing.T) {
	r := func() (r any) {
		defer func() { r = recover() }()
		var p dfir.Port[int]
		dfir.Null(p)
		return nil
	}()
	if !strings.Contains(fmt.Sprint(r), "zero Port") {
		t.Errorf("Null(Port[int]{}) panicked with %v; want a panic about a zero Port", r)
	}
}

// drawGraph has a fixpoint cycle, a stratum boundary and both deferrals.
func drawGraph() *dfir.Graph {
	g := dfir.New()
	es := dfir.SourceIter(g, []arc{{Key: 0, Val: 1}, {Key: 1, Val: 2}})
	r := reachFixpoint(dfir.SourceIter(g, []int{0}), es)
	total := dfir.Fold(r, func() int { return 0 }, func(acc *int, x int) { *acc += x })
	ps := dfir.Tee(total, 3)
	dfir.Null(ps[0])
	dfir.Null(dfir.DeferTick(ps[1]))
	dfir.Null(dfir.DeferTickLazy(ps[2]))
	return g
}

func TestDrawing(t *testing.T) {
	g := drawGraph()
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	m := g.Mermaid()
	for _, want := range []string{"flowchart TD\n", `subgraph stratum0 ["stratum 0"]`, `subgraph stratum1 ["stratum 1"]`, `subgraph subgraph0 ["subgraph 0"]`} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid() =\n%s\nwant it to contain %q", m, want)
		}
	}
	for _, kind := range []string{"cycle", "stratum", "defer_tick", "defer_tick_lazy"} {
		re := regexp.MustCompile(`(?m)^ +n\d+ -\.->\|"([a-z0-9 ]+, )?` + kind + `"\| n\d+$`)
		if !re.MatchString(m) {
			t.Errorf("Mermaid() =\n%s\nwant a dashed edge labelled %q", m, kind)
		}
	}
	if n := strings.Count(m, "-.->"); n != 4 {
		t.Errorf("Mermaid() has %d dashed edges; want 4 (cycle, stratum, defer_tick, defer_tick_lazy):\n%s", n, m)
	}

	d := g.DOT()
	for _, want := range []string{"digraph dfir {\n", "subgraph cluster_stratum_0 {", `label="stratum 1";`, "subgraph cluster_subgraph_0 {"} {
		if !strings.Contains(d, want) {
			t.Errorf("DOT() =\n%s\nwant it to contain %q", d, want)
		}
	}
	for _, kind := range []string{"cycle", "stratum", "defer_tick", "defer_tick_lazy"} {
		re := regexp.MustCompile(`(?m)^ +n\d+ -> n\d+ \[label="([a-z0-9 ]+, )?` + kind + `", style=dashed\];$`)
		if !re.MatchString(d) {
			t.Errorf("DOT() =\n%s\nwant a dashed edge labelled %q", d, kind)
		}
	}
	if strings.Count(d, "{") != strings.Count(d, "}") {
		t.Errorf("DOT() has unbalanced braces:\n%s", d)
	}
}

func TestStatsCounters(t *testing.T) {
	g := dfir.New()
	srcLine := hereLine() + 1
	in, p := dfir.SourceInput[int](g)
	m, mLine := dfir.Map(p, func(x int) int { return 2 * x }).Named("double"), hereLine()
	f, fLine := dfir.Fold(m, func() int { return 0 }, func(acc *int, x int) { *acc += x }).Named("sum"), hereLine()
	_, outLine := dfir.SinkOutput(f), hereLine()
	src, double := opAt("source_input", 0, srcLine), strings.Replace(opAt("map", 1, mLine), "map", "double:map", 1)
	sum, sink := strings.Replace(opAt("fold", 2, fLine), "fold", "sum:fold", 1), opAt("sink_output", 3, outLine)
	want := func(ticks, runs0, items0, runs1, items1, hItems, drains uint64) dfir.Stats {
		op := func(id int, kind, name string, line, sub int, items uint64) dfir.OperatorStats {
			return dfir.OperatorStats{ID: id, Op: kind, Name: name, File: "dfir/compile_test.go", Line: line, Subgraph: sub, Stratum: sub, Items: items}
		}
		return dfir.Stats{
			Ticks: ticks,
			Subgraphs: []dfir.SubgraphStats{
				{ID: 0, Stratum: 0, Operators: []string{src, double}, Runs: runs0, Items: items0},
				{ID: 1, Stratum: 1, Operators: []string{sum, sink}, Runs: runs1, Items: items1},
			},
			Handoffs: []dfir.HandoffStats{{From: double, To: sum, Kind: "stratum", Items: hItems, Drains: drains}},
			// The source emits what the map takes in; the fold takes in
			// what the handoff drains; the sink, one value a tick.
			Operators: []dfir.OperatorStats{op(0, "source_input", "", srcLine, 0, items0), op(1, "map", "double", mLine, 0, items0),
				op(2, "fold", "sum", fLine, 1, hItems), op(3, "sink_output", "", outLine, 1, ticks)},
		}
	}
	if diff := cmp.Diff(want(0, 0, 0, 0, 0, 0, 0), g.Stats()); diff != "" {
		t.Errorf("Stats() before any tick mismatch (-want +got):\n%s", diff)
	}
	in.PushAll([]int{1, 2, 3})
	g.RunTick()
	// Subgraph 1 is entered twice: the handoff loads 3 items into the
	// fold, then the fold emits its 1 result.
	if diff := cmp.Diff(want(1, 1, 3, 2, 4, 3, 1), g.Stats()); diff != "" {
		t.Errorf("Stats() after a tick of 3 items mismatch (-want +got):\n%s", diff)
	}
	// An empty tick: only the fold emits (its initial value).
	g.RunTick()
	if diff := cmp.Diff(want(2, 1, 3, 3, 5, 3, 1), g.Stats()); diff != "" {
		t.Errorf("Stats() after an empty tick mismatch (-want +got):\n%s", diff)
	}
	in.PushAll(upTo(2000))
	g.RunTick()
	if diff := cmp.Diff(want(3, 2, 2003, 5, 2006, 2003, 2), g.Stats()); diff != "" {
		t.Errorf("Stats() after a tick of 2000 items mismatch (-want +got):\n%s", diff)
	}
}

func TestStatsDeferredBuffered(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	dfir.Null(dfir.DeferTick(p))
	in.PushAll([]int{1, 2})
	g.RunTick()
	hs := g.Stats().Handoffs
	if len(hs) != 1 || hs[0].Kind != "defer_tick" || hs[0].Buffered != 2 || hs[0].Items != 0 {
		t.Fatalf("Stats().Handoffs after deferring 2 items = %+v; want one defer_tick handoff buffering 2", hs)
	}
	g.RunTick()
	hs = g.Stats().Handoffs
	if hs[0].Buffered != 0 || hs[0].Items != 2 || hs[0].Drains != 1 {
		t.Errorf("Stats().Handoffs after the deferred tick = %+v; want 2 items drained once, none buffered", hs)
	}
}
