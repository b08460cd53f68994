// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hydro-go/hydro/dfir"
)

func TestDeferTick(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	ps := dfir.Tee(p, 2)
	once := dfir.SinkOutput(dfir.DeferTick(ps[0]))
	twice := dfir.SinkOutput(dfir.DeferTick(dfir.DeferTick(ps[1])))
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
	if !g.Pending() {
		t.Errorf("Pending() = false before the first tick; want true")
	}
	ticks := [][]int{{1}, {2, 3}, {}, {4}, {}, {}}
	for tick, push := range ticks {
		in.PushAll(push)
		g.RunTick()
		var w1, w2 []int
		if tick >= 1 {
			w1 = ticks[tick-1]
		}
		if tick >= 2 {
			w2 = ticks[tick-2]
		}
		if got := once.Drain(nil); !cmp.Equal(got, w1, cmpopts.EquateEmpty()) {
			t.Errorf("tick %d: DeferTick = %v; want %v", tick, got, w1)
		}
		if got := twice.Drain(nil); !cmp.Equal(got, w2, cmpopts.EquateEmpty()) {
			t.Errorf("tick %d: DeferTick(DeferTick) = %v; want %v", tick, got, w2)
		}
		// Data waits in a DeferTick until the second one has passed on
		// tick 3's item, in tick 5.
		wantPending := tick < 5
		if got := g.Pending(); got != wantPending {
			t.Errorf("after tick %d: Pending() = %v; want %v", tick, got, wantPending)
		}
	}
	if n := g.RunAvailable(); n != 0 {
		t.Errorf("RunAvailable() = %d on a quiet graph; want 0", n)
	}
	in.PushAll([]int{7, 8})
	if n := g.RunAvailable(); n != 3 {
		t.Errorf("RunAvailable() after a push = %d; want 3 (the push, then two deferrals)", n)
	}
	if got := once.Drain(nil); !slices.Equal(got, []int{7, 8}) {
		t.Errorf("DeferTick after RunAvailable = %v; want [7 8]", got)
	}
	if got := twice.Drain(nil); !slices.Equal(got, []int{7, 8}) {
		t.Errorf("DeferTick(DeferTick) after RunAvailable = %v; want [7 8]", got)
	}
	if g.Pending() {
		t.Errorf("Pending() = true after RunAvailable; want false")
	}
}

func TestDeferTickLazy(t *testing.T) {
	g := dfir.New()
	lazyIn, p := dfir.SourceInput[int](g)
	otherIn, q := dfir.SourceInput[string](g)
	lazy := dfir.SinkOutput(dfir.DeferTickLazy(p))
	other := dfir.SinkOutput(q)

	lazyIn.PushAll([]int{1, 2})
	g.RunTick()
	if got := lazy.Drain(nil); len(got) != 0 {
		t.Errorf("tick 0: DeferTickLazy = %v; want []", got)
	}
	if g.Pending() {
		t.Errorf("Pending() = true with only lazily deferred data; want false")
	}
	var buffered int
	for _, h := range g.Stats().Handoffs {
		if h.Kind == "defer_tick_lazy" {
			buffered += h.Buffered
		}
	}
	if buffered != 2 {
		t.Errorf("defer_tick_lazy handoffs buffer %d items; want 2", buffered)
	}

	// Another input causes the tick; the lazy data rides along.
	otherIn.Push("wake")
	if n := g.RunAvailable(); n != 1 {
		t.Errorf("RunAvailable() = %d after a push; want 1", n)
	}
	if got := lazy.Drain(nil); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("DeferTickLazy in the next caused tick = %v; want [1 2]", got)
	}
	if got := other.Drain(nil); !slices.Equal(got, []string{"wake"}) {
		t.Errorf("other input = %v; want [wake]", got)
	}

	// Data pushed to the lazy path's own input causes a tick, and is then
	// held lazily for the one after.
	lazyIn.Push(3)
	if n := g.RunAvailable(); n != 1 {
		t.Errorf("RunAvailable() = %d after pushing to the lazy path; want 1", n)
	}
	if got := lazy.Drain(nil); len(got) != 0 {
		t.Errorf("DeferTickLazy in the tick its input arrived = %v; want []", got)
	}
	// As DFIR's run_available, which runs the work queued when it is
	// called: a call with only lazily deferred data runs its tick, and only
	// that one.
	if n := g.RunAvailable(); n != 1 {
		t.Errorf("RunAvailable() = %d with only lazily deferred data; want 1", n)
	}
	if got := lazy.Drain(nil); !slices.Equal(got, []int{3}) {
		t.Errorf("DeferTickLazy after RunAvailable = %v; want [3]", got)
	}
	if n := g.RunAvailable(); n != 0 {
		t.Errorf("RunAvailable() = %d with nothing held; want 0", n)
	}
}

// A counter carried by DeferTickLazy holds data after every tick, yet each
// RunAvailable runs one tick for it and returns: the lazy data never asks
// for the tick after.
func TestRunAvailableLazyCounter(t *testing.T) {
	g := dfir.New()
	c, prev := dfir.NewCycle[int](g)
	start := dfir.SourceIter(g, []int{0})
	next := dfir.Map(dfir.Union(start, prev), func(x int) int { return x + 1 })
	ps := dfir.Tee(next, 2)
	out := dfir.SinkOutput(ps[0])
	c.Close(dfir.DeferTickLazy(ps[1]))
	for i, want := range []int{1, 2, 3} {
		if n := g.RunAvailable(); n != 1 {
			t.Fatalf("call %d: RunAvailable() = %d; want 1", i, n)
		}
		if got := out.Drain(nil); !slices.Equal(got, []int{want}) {
			t.Errorf("call %d: counter = %v; want [%d]", i, got, want)
		}
	}
}

func TestNextStratum(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	out := dfir.SinkOutput(dfir.Map(dfir.NextStratum(p).Named("later"), func(x int) int { return x + 1 }))
	in.PushAll(upTo(3000))
	g.RunTick()
	want := make([]int, 3000)
	for i := range want {
		want[i] = i + 1
	}
	if diff := cmp.Diff(want, out.Drain(nil)); diff != "" {
		t.Errorf("Map(NextStratum(0..3000), +1) mismatch (-want +got):\n%s", diff)
	}
	for _, sg := range g.Stats().Subgraphs {
		for _, op := range sg.Operators {
			if strings.HasPrefix(op, "later:") && sg.Stratum != 1 {
				t.Errorf("NextStratum runs in stratum %d; want 1", sg.Stratum)
			}
		}
	}
}

// What a blocking pass-through (NextStratum, the first input of Chain) hands
// on must not reach a Difference in the same stratum before the Difference's
// negative input is loaded.
func TestBlockingPassThroughIntoNegation(t *testing.T) {
	cases := []struct {
		name  string
		build func(g *dfir.Graph, p dfir.Port[int]) dfir.Port[int]
	}{
		{"NextStratum", func(_ *dfir.Graph, p dfir.Port[int]) dfir.Port[int] { return dfir.NextStratum(p) }},
		{"Chain", func(g *dfir.Graph, p dfir.Port[int]) dfir.Port[int] {
			return dfir.Chain(p, dfir.SourceIter(g, []int{5, 6}))
		}},
	}
	for _, c := range cases {
		g := dfir.New()
		pos := c.build(g, dfir.SourceIter(g, []int{1, 2, 3, 4}))
		out := dfir.SinkOutput(dfir.Difference(pos, dfir.SourceIter(g, []int{2, 3, 6})))
		g.RunTick()
		want := []int{1, 4}
		if c.name == "Chain" {
			want = []int{1, 4, 5}
		}
		if got := out.Drain(nil); !slices.Equal(got, want) {
			t.Errorf("Difference(%s([1 2 3 4]), [2 3 6]) = %v; want %v", c.name, got, want)
		}
	}
}

func TestPersist(t *testing.T) {
	ticks := [][]int{{1, 2}, {3}, {}, {4, 5}}
	want := [][]int{{1, 2}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3, 4, 5}}
	cases := []elemCase{
		elemTicks("Persist", func(p dfir.Port[int]) dfir.Port[int] { return dfir.Persist(p) }, ticks, want),
		// A rewriting consumer must not change what Persist keeps.
		elemTicks("Map(Persist)", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Map(dfir.Map(dfir.Persist(p), func(x int) int { return x * 100 }), func(x int) int { return x / 100 })
		}, ticks, want),
		// Persist's input arriving while its stratum loads must still come
		// after what it replays.
		elemTicks("Persist(NextStratum)", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Persist(dfir.NextStratum(p))
		}, ticks, want),
		elemTicks("NextStratum(Persist)", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.NextStratum(dfir.Persist(p))
		}, ticks, want),
		elemTicks("Persist(Chain)", func(p dfir.Port[int]) dfir.Port[int] {
			return dfir.Persist(dfir.Chain(p, dfir.NullSource[int](p.Graph())))
		}, ticks, want),
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestPersistLarge(t *testing.T) {
	const n = 3000
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	out := dfir.SinkOutput(dfir.Persist(p))
	var all []int
	for tick := range 3 {
		batch := upTo(n)
		for i := range batch {
			batch[i] += tick * n
		}
		in.PushAll(batch)
		all = append(all, batch...)
		g.RunTick()
		if diff := cmp.Diff(all, out.Drain(nil)); diff != "" {
			t.Errorf("tick %d: Persist mismatch (-want +got):\n%s", tick, diff)
		}
	}
}

// tickCounter emits 1, 2, 3, … one number per tick: the state travels
// through a DeferTick cycle.
func tickCounter(g *dfir.Graph) *dfir.Output[int] {
	cyc, prev := dfir.NewCycle[int](g)
	cur := dfir.Map(dfir.Union(dfir.SourceIter(g, []int{0}), prev), func(x int) int { return x + 1 })
	ps := dfir.Tee(cur, 2)
	cyc.Close(dfir.DeferTick(ps[1]))
	return dfir.SinkOutput(ps[0])
}

func TestCounterThroughDeferTick(t *testing.T) {
	g := dfir.New()
	out := tickCounter(g)
	for tick := range 10 {
		g.RunTick()
		if got, want := out.Drain(nil), []int{tick + 1}; !slices.Equal(got, want) {
			t.Errorf("tick %d: counter = %v; want %v", tick, got, want)
		}
		if !g.Pending() {
			t.Errorf("after tick %d: Pending() = false with the counter deferred; want true", tick)
		}
	}
}

// A Fold on a DeferTick cycle: a running total carried from tick to tick.
func TestRunningTotalThroughDeferTick(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	cyc, prev := dfir.NewCycle[int](g)
	total := dfir.Fold(dfir.Union(prev, p), func() int { return 0 }, func(acc *int, x int) { *acc += x })
	ps := dfir.Tee(total, 2)
	cyc.Close(dfir.DeferTick(ps[1]))
	out := dfir.SinkOutput(ps[0])
	ticks := [][]int{{1, 2}, {}, {10}, upTo(3000), {}}
	sum := 0
	for tick, push := range ticks {
		in.PushAll(push)
		g.RunTick()
		for _, x := range push {
			sum += x
		}
		if got := out.Drain(nil); !slices.Equal(got, []int{sum}) {
			t.Errorf("tick %d: running total after %d more items = %v; want [%d]", tick, len(push), got, sum)
		}
	}
}

func TestFlipFlop(t *testing.T) {
	g := dfir.New()
	cyc, prev := dfir.NewCycle[bool](g)
	state := dfir.Union(dfir.SourceIter(g, []bool{true}), prev)
	ps := dfir.Tee(state, 2)
	cyc.Close(dfir.DeferTick(dfir.Map(ps[1], func(b bool) bool { return !b })))
	out := dfir.SinkOutput(ps[0])
	for tick := range 6 {
		g.RunTick()
		if got, want := out.Drain(nil), []bool{tick%2 == 0}; !slices.Equal(got, want) {
			t.Errorf("tick %d: flip-flop = %v; want %v", tick, got, want)
		}
	}
}

type arc = dfir.KV[int, int] // from → to

// reachFixpoint is the fixpoint reached(n) :- start(n);
// reached(m) :- reached(n), edge(n, m).
func reachFixpoint(start dfir.Port[int], edges dfir.Port[arc]) dfir.Port[int] {
	cyc, back := dfir.NewCycle[int](start.Graph())
	reached := dfir.Unique(dfir.Union(start, back))
	ps := dfir.Tee(reached, 2)
	keyed := dfir.Map(ps[1], func(n int) dfir.KV[int, struct{}] { return dfir.KV[int, struct{}]{Key: n} })
	cyc.Close(dfir.Map(dfir.Join(keyed, edges), func(kv dfir.KV[int, dfir.Pair[struct{}, int]]) int { return kv.Val.Right }))
	return ps[0]
}

// closureFixpoint is the fixpoint path(a, b) :- edge(a, b);
// path(a, c) :- path(a, b), edge(b, c).
func closureFixpoint(edges dfir.Port[arc]) dfir.Port[arc] {
	es := dfir.Tee(edges, 2)
	cyc, back := dfir.NewCycle[arc](edges.Graph())
	paths := dfir.Unique(dfir.Union(es[0], back))
	ps := dfir.Tee(paths, 2)
	byDst := dfir.Map(ps[1], func(p arc) arc { return arc{Key: p.Val, Val: p.Key} })
	cyc.Close(dfir.Map(dfir.Join(byDst, es[1]), func(kv dfir.KV[int, dfir.Pair[int, int]]) arc {
		return arc{Key: kv.Val.Left, Val: kv.Val.Right}
	}))
	return ps[0]
}

func randomEdges(r *rand.Rand, nodes, edges int) []arc {
	es := make([]arc, edges)
	for i := range es {
		es[i] = arc{Key: r.IntN(nodes), Val: r.IntN(nodes)}
	}
	return es
}

func bfsReach(nodes int, edges []arc, start []int) []int {
	adj := make([][]int, nodes)
	for _, e := range edges {
		adj[e.Key] = append(adj[e.Key], e.Val)
	}
	seen := make([]bool, nodes)
	var out, queue []int
	for _, s := range start {
		if !seen[s] {
			seen[s] = true
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		out = append(out, n)
		for _, m := range adj[n] {
			if !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	slices.Sort(out)
	return out
}

func floydWarshall(nodes int, edges []arc) []arc {
	path := make([][]bool, nodes)
	for i := range path {
		path[i] = make([]bool, nodes)
	}
	for _, e := range edges {
		path[e.Key][e.Val] = true
	}
	for k := range nodes {
		for i := range nodes {
			for j := range nodes {
				path[i][j] = path[i][j] || path[i][k] && path[k][j]
			}
		}
	}
	var out []arc
	for i := range nodes {
		for j := range nodes {
			if path[i][j] {
				out = append(out, arc{Key: i, Val: j})
			}
		}
	}
	return out
}

func sortedEdges(es []arc) []arc {
	return slices.SortedFunc(slices.Values(es), func(a, b arc) int {
		if a.Key != b.Key {
			return a.Key - b.Key
		}
		return a.Val - b.Val
	})
}

func TestReachabilityFixpoint(t *testing.T) {
	for seed := range uint64(25) {
		r := rand.New(rand.NewPCG(seed, 1))
		nodes := 5 + r.IntN(40)
		es := randomEdges(r, nodes, r.IntN(3*nodes))
		start := []int{r.IntN(nodes), r.IntN(nodes)}

		g := dfir.New()
		reached := dfir.Tee(reachFixpoint(dfir.SourceIter(g, start), dfir.SourceIter(g, es)), 2)
		out := dfir.SinkOutput(reached[0])
		// Stratified negation: the nodes the fixpoint never reaches.
		unreached := dfir.SinkOutput(dfir.Difference(dfir.SourceIter(g, upTo(nodes)), reached[1]))
		g.RunTick()

		got := out.Drain(nil)
		if dup := len(got) - len(slices.Compact(slices.Sorted(slices.Values(got)))); dup != 0 {
			t.Errorf("seed %d: reachable emitted %d duplicates: %v", seed, dup, got)
		}
		want := bfsReach(nodes, es, start)
		slices.Sort(got)
		got = slices.Compact(got)
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("seed %d: reachable from %v over %d edges mismatch (-bfs +dfir):\n%s", seed, start, len(es), diff)
		}
		var wantNot []int
		for n := range nodes {
			if _, ok := slices.BinarySearch(want, n); !ok {
				wantNot = append(wantNot, n)
			}
		}
		if gotNot := unreached.Drain(nil); !cmp.Equal(gotNot, wantNot, cmpopts.EquateEmpty()) {
			t.Errorf("seed %d: Difference(nodes, reachable) = %v; want %v", seed, gotNot, wantNot)
		}
	}
}

func TestTransitiveClosureFixpoint(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 2))
		nodes := 2 + r.IntN(25)
		es := randomEdges(r, nodes, r.IntN(2*nodes))
		g := dfir.New()
		out := dfir.SinkOutput(closureFixpoint(dfir.SourceIter(g, es)))
		g.RunTick()
		got := out.Drain(nil)
		want := floydWarshall(nodes, es)
		if diff := cmp.Diff(want, sortedEdges(got), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("seed %d: closure of %d edges on %d nodes mismatch (-floyd-warshall +dfir):\n%s", seed, len(es), nodes, diff)
		}
		if g.Pending() {
			t.Errorf("seed %d: Pending() = true after a fixpoint tick; want false", seed)
		}
	}
}

// Edges arrive over several ticks and Persist keeps them: every tick reaches
// the fixpoint over all the edges so far.
func TestReachabilityOverTicks(t *testing.T) {
	const seed, nodes = 7, 30
	r := rand.New(rand.NewPCG(seed, 3))
	g := dfir.New()
	in, es := dfir.SourceInput[arc](g)
	out := dfir.SinkOutput(reachFixpoint(dfir.Persist(dfir.SourceIter(g, []int{0})), dfir.Persist(es)))
	var all []arc
	for tick := range 6 {
		batch := randomEdges(r, nodes, 8)
		in.PushAll(batch)
		all = append(all, batch...)
		g.RunTick()
		got := slices.Sorted(slices.Values(out.Drain(nil)))
		if want := bfsReach(nodes, all, []int{0}); !slices.Equal(got, want) {
			t.Errorf("seed %d, tick %d: reachable over %d edges = %v; want %v", seed, tick, len(all), got, want)
		}
	}
}

// A DeferTick cycle that advances one hop per tick: tick k emits the nodes
// at distance k, and RunAvailable stops once no edge leads on.
func TestHopPerTick(t *testing.T) {
	for seed := range uint64(10) {
		r := rand.New(rand.NewPCG(seed, 5))
		nodes := 3 + r.IntN(30)
		es := randomEdges(r, nodes, r.IntN(2*nodes))

		g := dfir.New()
		cyc, prev := dfir.NewCycle[int](g)
		frontier := dfir.Tee(dfir.Unique(dfir.Union(dfir.SourceIter(g, []int{0}), prev), dfir.Static), 2)
		keyed := dfir.Map(frontier[1], func(n int) dfir.KV[int, struct{}] { return dfir.KV[int, struct{}]{Key: n} })
		next := dfir.Join(keyed, dfir.Persist(dfir.SourceIter(g, es)))
		cyc.Close(dfir.DeferTick(dfir.Map(next, func(kv dfir.KV[int, dfir.Pair[struct{}, int]]) int { return kv.Val.Right })))
		out := dfir.SinkOutput(frontier[0])

		// The same, by hand: the layers of a breadth-first search.
		var want [][]int
		seen := map[int]bool{0: true}
		for layer := []int{0}; ; {
			want = append(want, layer)
			var reached []int
			for _, e := range es {
				if slices.Contains(layer, e.Key) {
					reached = append(reached, e.Val)
				}
			}
			if len(reached) == 0 {
				break
			}
			layer = nil
			for _, n := range reached {
				if !seen[n] {
					seen[n] = true
					layer = append(layer, n)
				}
			}
			slices.Sort(layer)
		}

		for tick := range want {
			if !g.Pending() {
				t.Fatalf("seed %d: Pending() = false before tick %d; want true", seed, tick)
			}
			g.RunTick()
			if got := slices.Sorted(slices.Values(out.Drain(nil))); !cmp.Equal(got, want[tick], cmpopts.EquateEmpty()) {
				t.Errorf("seed %d, tick %d: frontier = %v; want %v", seed, tick, got, want[tick])
			}
		}
		if g.Pending() {
			t.Errorf("seed %d: Pending() = true after %d ticks, with no edge leading on; want false", seed, len(want))
		}
	}
}

// detGraph builds a graph with a fixpoint, a negation, a defer_tick cycle and
// inputs, for the determinism test.
func detGraph(es []arc) (*dfir.Graph, *dfir.Input[int], []func() string) {
	g := dfir.New()
	paths := dfir.Tee(closureFixpoint(dfir.SourceIter(g, es)), 2)
	in, starts := dfir.SourceInput[int](g)
	srcs := dfir.Map(paths[1], func(e arc) int { return e.Key })
	noOut := dfir.Difference(starts, srcs, dfir.PerTick, dfir.Static)
	cnt := tickCounter(g)
	outs := []*dfir.Output[arc]{dfir.SinkOutput(paths[0])}
	no := dfir.SinkOutput(noOut)
	return g, in, []func() string{
		func() string { return fmt.Sprint(outs[0].Drain(nil)) },
		func() string { return fmt.Sprint(no.Drain(nil)) },
		func() string { return fmt.Sprint(cnt.Drain(nil)) },
	}
}

func TestDeterminism(t *testing.T) {
	es := randomEdges(rand.New(rand.NewPCG(11, 4)), 20, 30)
	g1, in1, outs1 := detGraph(es)
	g2, in2, outs2 := detGraph(es)
	for _, g := range []*dfir.Graph{g1, g2} {
		if err := g.Compile(); err != nil {
			t.Fatal(err)
		}
	}
	if m1, m2 := g1.Mermaid(), g2.Mermaid(); m1 != m2 {
		t.Errorf("Mermaid() differs between two builds:\n%s", cmp.Diff(m1, m2))
	}
	if d1, d2 := g1.DOT(), g2.DOT(); d1 != d2 {
		t.Errorf("DOT() differs between two builds:\n%s", cmp.Diff(d1, d2))
	}
	if diff := cmp.Diff(g1.Stats(), g2.Stats()); diff != "" {
		t.Errorf("Stats() layout differs between two builds:\n%s", diff)
	}
	for tick := range 4 {
		for _, in := range []*dfir.Input[int]{in1, in2} {
			in.PushAll([]int{tick, 2 * tick, 19 - tick})
		}
		g1.RunTick()
		g2.RunTick()
		for i := range outs1 {
			if o1, o2 := outs1[i](), outs2[i](); o1 != o2 {
				t.Errorf("tick %d, output %d differs between two builds: %s vs %s", tick, i, o1, o2)
			}
		}
	}
	if diff := cmp.Diff(g1.Stats(), g2.Stats()); diff != "" {
		t.Errorf("Stats() after 4 ticks differ between two builds:\n%s", diff)
	}
}
