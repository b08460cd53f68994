// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// B5 ticks: reachability from one node of a generated graph, as a fixpoint
// within one tick (a cycle through Join and Unique); 1,024 items carried
// through 10 DeferTicks, one stage per tick; and ticks with nothing to do.

const deferStages = 10

func BenchmarkB5Ticks(b *testing.B) { runCases(b, tickCases(10_000, 40_000)) }

func tickCases(nodes, edges int) []bcase {
	return []bcase{
		reachCase(nodes, edges),
		deferCase(1024, true),
		deferCase(1024, false),
		emptyTickCase("chain", func(g *dfir.Graph) { buildDeferChain(g, nil) }),
		emptyTickCase("reach", func(g *dfir.Graph) { buildReach(g) }),
	}
}

type unit = struct{}

// randomEdges returns m edges between n nodes, uniformly drawn.
func randomEdges(n, m int) []kvInt {
	r := newRand(1000)
	es := make([]kvInt, m)
	for i := range es {
		es[i] = kvInt{Key: r.IntN(n), Val: r.IntN(n)}
	}
	return es
}

// buildReach builds reached = unique(start ∪ {dst | (src, dst) ∈ edges,
// src ∈ reached}): the cycle closes through a Join with the edges, and
// Unique stops it once no new node is found.
func buildReach(g *dfir.Graph) (start *dfir.Input[int], edges *dfir.Input[kvInt], out *dfir.Output[int]) {
	start, s := dfir.SourceInput[int](g)
	edges, e := dfir.SourceInput[kvInt](g)
	cyc, back := dfir.NewCycle[int](g)
	reached := dfir.Tee(dfir.Unique(dfir.Union(s, back)), 2)
	out = dfir.SinkOutput(reached[0])
	keyed := dfir.Map(reached[1], func(v int) dfir.KV[int, unit] { return dfir.KV[int, unit]{Key: v} })
	next := dfir.Map(dfir.Join(keyed, e), func(kv dfir.KV[int, dfir.Pair[unit, int]]) int { return kv.Val.Right })
	cyc.Close(next)
	return start, edges, out
}

func reachCase(nodes, edges int) bcase {
	es := lazy(func() []kvInt { return randomEdges(nodes, edges) })
	want := lazy(func() digest {
		var bfs reachBFS
		return digestOf(bfs.run(es(), 0))
	})
	return bcase{
		name:  fmt.Sprintf("op=reach,nodes=%d,edges=%d", nodes, edges),
		ticks: 1,
		impls: []impl{
			{"dfir", func() iteration {
				e, w := es(), want()
				g := dfir.New()
				start, edges, out := buildReach(g)
				mustCompile(g)
				res := make([]int, 0, nodes)
				return iteration{run: func() error {
					start.Push(0)
					edges.PushAll(e)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkDigest(digestOf(res), w)
				}}
			}},
			{"baseline", func() iteration {
				e, w := es(), want()
				var bfs reachBFS
				return iteration{run: func() error { return checkDigest(digestOf(bfs.run(e, 0)), w) }}
			}},
		},
	}
}

// reachBFS is the baseline: an adjacency map built from the edge list, as
// the dfir join builds its table every tick, and a breadth-first search
// with a visited map.
type reachBFS struct {
	adj   map[int][]int
	seen  map[int]unit
	queue []int
}

//go:noinline
func (r *reachBFS) run(edges []kvInt, start int) []int {
	if r.adj == nil {
		r.adj, r.seen = make(map[int][]int), make(map[int]unit)
	}
	clear(r.adj)
	clear(r.seen)
	for _, e := range edges {
		r.adj[e.Key] = append(r.adj[e.Key], e.Val)
	}
	r.seen[start] = unit{}
	r.queue = append(r.queue[:0], start)
	for i := 0; i < len(r.queue); i++ {
		for _, v := range r.adj[r.queue[i]] {
			if _, ok := r.seen[v]; !ok {
				r.seen[v] = unit{}
				r.queue = append(r.queue, v)
			}
		}
	}
	return r.queue
}

// buildDeferChain builds Hydro's next_tick benchmark: the items, persisted
// and so emitted every tick, through map → (defer_tick → map) × 10 →
// for_each. Without data (nil) the source is an Input left empty.
func buildDeferChain(g *dfir.Graph, data []int, fs ...func(int) int) (sinkFn *counter) {
	var p dfir.Port[int]
	if data == nil {
		_, p = dfir.SourceInput[int](g)
	} else {
		p = dfir.Persist(dfir.SourceIter(g, data))
	}
	mapped := func(p dfir.Port[int], i int) dfir.Port[int] {
		if len(fs) == 0 {
			return p
		}
		return dfir.Map(p, fs[i])
	}
	p = mapped(p, 0)
	for i := range deferStages {
		p = mapped(dfir.DeferTick(p), i+1)
	}
	c := &counter{}
	dfir.ForEach(p, c.fn())
	return c
}

func deferCase(n int, maps bool) bcase {
	var fs []func(int) int
	name := fmt.Sprintf("op=defer_tick,stages=%d,n=%d", deferStages, n)
	if maps {
		fs = incs(deferStages + 1)
	} else {
		name = fmt.Sprintf("op=defer_tick_nomap,stages=%d,n=%d", deferStages, n)
	}
	data := lazy(func() []int { return randInts(n, 1<<30, 1100) })
	wantSum := lazy(func() int { return sumInts(data()) + n*len(fs) })
	return bcase{
		name:  name,
		elems: n,
		ticks: 1,
		impls: []impl{
			{"dfir", func() iteration {
				d, want := data(), wantSum()
				g := dfir.New()
				c := buildDeferChain(g, d, fs...)
				mustCompile(g)
				// Fill the stages: from now on every tick emits the items
				// the source emitted ten ticks before.
				for range deferStages {
					g.RunTick()
				}
				return iteration{run: func() error {
					*c = counter{}
					g.RunTick()
					return c.check(n, want)
				}}
			}},
			{"baseline", func() iteration {
				d, want := data(), wantSum()
				var c counter
				s := newSwapChain(d, fs, c.fn())
				for range deferStages {
					s.tick()
				}
				return iteration{run: func() error {
					c = counter{}
					s.tick()
					return c.check(n, want)
				}}
			}},
		},
	}
}

// swapChain is the baseline of the deferred chain: a slice per stage; a tick
// maps each stage in place and swaps it one stage on.
type swapChain struct {
	data   []int
	stages [][]int // stages[i]: what waits at the i-th defer_tick
	fs     []func(int) int
	sink   func(int)
}

func newSwapChain(data []int, fs []func(int) int, sink func(int)) *swapChain {
	s := &swapChain{data: data, stages: make([][]int, deferStages), fs: fs, sink: sink}
	for i := range s.stages {
		s.stages[i] = make([]int, 0, len(data))
	}
	return s
}

func (s *swapChain) apply(i int, b []int) {
	if len(s.fs) == 0 {
		return
	}
	f := s.fs[i]
	for j, x := range b {
		b[j] = f(x)
	}
}

//go:noinline
func (s *swapChain) tick() {
	last := s.stages[deferStages-1]
	s.apply(deferStages, last)
	for _, x := range last {
		s.sink(x)
	}
	for i := deferStages - 1; i > 0; i-- {
		b := s.stages[i-1]
		s.apply(i, b)
		s.stages[i], s.stages[i-1] = b, s.stages[i][:0]
	}
	s.stages[0] = append(s.stages[0][:0], s.data...)
	s.apply(0, s.stages[0])
}

// emptyTickCase measures a tick with nothing to do: no input, nothing
// deferred. There is no baseline; the figure is the runtime's fixed cost.
func emptyTickCase(graph string, build func(*dfir.Graph)) bcase {
	return bcase{
		name:  "op=empty_tick,graph=" + graph,
		ticks: 1,
		impls: []impl{{"dfir", func() iteration {
			g := dfir.New()
			build(g)
			mustCompile(g)
			g.RunTick() // the first tick, where sources emit
			return iteration{run: func() error {
				g.RunTick()
				if g.Pending() {
					return fmt.Errorf("an empty tick left work pending")
				}
				return nil
			}}
		}}},
	}
}
