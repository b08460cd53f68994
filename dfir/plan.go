// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"fmt"
	"slices"
)

// plan is a compiled graph: what RunTick executes.
type plan struct {
	strata    []*stratumPlan
	subgraphs []*subgraph
	handoffs  []handoff // on edges, in edge order
	delayed   []handoff // released at the start of every tick: defer_tick and inputs
	wakers    []handoff // delayed handoffs whose data asks for another tick
	lazy      []handoff // defer_tick_lazy handoffs: their data waits for a tick
	tickEnd   []func()
	pending   []func() bool // operators holding work for a later tick
}

type stratumPlan struct {
	loads   []entry // blocking inputs into state, drained before anything else runs
	replays []entry // state of earlier ticks emitted again (Static operators)
	passes  []entry // blocking inputs that flow straight on (NextStratum, Chain)
	entries []entry // sources, handoffs from earlier strata and ticks, emitters
	cycles  []entry // handoffs closing cycles, drained until quiet
}

// entry is one place where work enters a subgraph. run pushes what it has and
// returns how many items that was.
type entry struct {
	sub *subgraph
	run func() int
	// node is the operator whose own work this is (a source, an emitter,
	// a replay), for the Observer; nil for a handoff's drain, whose
	// consumer's input tells it. source marks an operator without inputs,
	// whose items are those it emits.
	node   *node
	source bool
}

// subgraph is a set of operators fused into direct calls.
type subgraph struct {
	id      int
	stratum int
	nodes   []*node
	// flushers push what operators gathered into partial batches, in
	// topological order, after every entry that brought data.
	flushers []func()
	runs     uint64
	items    uint64
}

// wiring collects what operators register while they are wired.
type nodeRuntime struct {
	flushers []func()
	pending  []func() bool
	replays  []func() int
	entries  []func() int
	tickEnd  []func()
}

func (g *Graph) makePlan() *plan {
	g.classify()
	p := &plan{}

	// Handoffs on every edge that is not fused.
	for _, n := range g.nodes {
		for _, e := range n.ins {
			if e.kind == edgeFused {
				continue
			}
			e.h = e.src.outs[e.srcPort].newHandoff(e)
			p.handoffs = append(p.handoffs, e.h)
			if e.kind == edgeTick || e.kind == edgeTickLazy {
				setDelayed(e.h)
				p.delayed = append(p.delayed, e.h)
				if e.kind == edgeTick {
					p.wakers = append(p.wakers, e.h)
				} else {
					p.lazy = append(p.lazy, e.h)
				}
			}
		}
	}

	g.makeSubgraphs(p)

	// Wire consumers before producers along fused edges.
	rt := make([]nodeRuntime, len(g.nodes))
	g.wiring = rt
	order := g.fusedOrder()
	for _, n := range slices.Backward(order) {
		n.wire()
	}
	g.wiring = nil
	// Producers flush before their consumers, which may then hold more.
	for _, n := range order {
		for _, f := range rt[n.id].flushers {
			n.sub.flushers = append(n.sub.flushers, n.observed(f))
		}
	}
	for _, n := range order {
		if n.order != nil {
			g.planOrder(n, order, rt)
		}
	}
	for _, h := range p.handoffs {
		e := h.edge()
		h.setSink(e.dst.inSinks[e.dstPort])
		if d := e.dst; d.forwards && len(d.outs) == 1 && d.outs[0].consumers[0].h != nil {
			h.forwardTo(d.outs[0].consumers[0].h)
		}
	}

	p.strata = make([]*stratumPlan, 0)
	for _, n := range g.nodes {
		for len(p.strata) <= n.stratum {
			p.strata = append(p.strata, &stratumPlan{})
		}
	}
	for _, n := range g.nodes {
		s := p.strata[n.stratum]
		for port, e := range n.ins {
			if e.h == nil {
				continue
			}
			en := entry{sub: n.sub, run: e.h.drain}
			switch {
			case e.kind == edgeCycle:
				s.cycles = append(s.cycles, en)
			case e.kind == edgeStratum && n.blocking[port] && n.passes[port]:
				s.passes = append(s.passes, en)
			case e.kind == edgeStratum && n.blocking[port]:
				s.loads = append(s.loads, en)
			default:
				s.entries = append(s.entries, en)
			}
		}
		for _, run := range rt[n.id].replays {
			s.replays = append(s.replays, entry{sub: n.sub, run: run, node: n})
		}
		for _, run := range rt[n.id].entries {
			s.entries = append(s.entries, entry{sub: n.sub, run: run, node: n, source: len(n.ins) == 0})
		}
		p.tickEnd = append(p.tickEnd, rt[n.id].tickEnd...)
		p.pending = append(p.pending, rt[n.id].pending...)
	}
	for _, in := range g.inputs {
		p.delayed = append(p.delayed, in)
		p.wakers = append(p.wakers, in)
	}
	return p
}

func setDelayed(h handoff) {
	h.(interface{ setDelayed() }).setDelayed()
}

func (h *handoffOf[T]) setDelayed() { h.delayed = true }

// makeSubgraphs groups the operators joined by fused edges and numbers the
// groups by stratum, then by their first operator.
func (g *Graph) makeSubgraphs(p *plan) {
	parent := make([]int, len(g.nodes))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, n := range g.nodes {
		for _, e := range n.ins {
			if e.kind == edgeFused {
				a, b := find(e.src.id), find(n.id)
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	byRoot := make(map[int]*subgraph)
	for _, n := range g.nodes {
		r := find(n.id)
		sg := byRoot[r]
		if sg == nil {
			sg = &subgraph{stratum: n.stratum}
			byRoot[r] = sg
			p.subgraphs = append(p.subgraphs, sg)
		}
		sg.nodes = append(sg.nodes, n)
		n.sub = sg
	}
	slices.SortStableFunc(p.subgraphs, func(a, b *subgraph) int {
		if a.stratum != b.stratum {
			return a.stratum - b.stratum
		}
		return a.nodes[0].id - b.nodes[0].id
	})
	for i, sg := range p.subgraphs {
		sg.id = i
	}
}

// fusedOrder returns the operators in a topological order of the fused edges.
func (g *Graph) fusedOrder() []*node {
	indeg := make([]int, len(g.nodes))
	for _, n := range g.nodes {
		for _, e := range n.ins {
			if e.kind == edgeFused {
				indeg[n.id]++
			}
		}
	}
	order := make([]*node, 0, len(g.nodes))
	for _, n := range g.nodes {
		if indeg[n.id] == 0 {
			order = append(order, n)
		}
	}
	for i := 0; i < len(order); i++ {
		for _, o := range order[i].outs {
			for _, e := range o.consumers {
				if e.kind != edgeFused {
					continue
				}
				if indeg[e.dst.id]--; indeg[e.dst.id] == 0 {
					order = append(order, e.dst)
				}
			}
		}
	}
	if len(order) != len(g.nodes) {
		panic(fmt.Sprintf("dfir: internal error: fused edges form a cycle (%d of %d operators ordered)", len(order), len(g.nodes)))
	}
	return order
}

// onEntry registers work that enters n's subgraph at every tick, from the
// operator itself: a source, an emitter of aggregated state, a replay.
// Only valid while wiring.
func (n *node) onEntry(run func() int) {
	n.g.wiring[n.id].entries = append(n.g.wiring[n.id].entries, run)
}

// onReplay registers work that emits state kept from earlier ticks. Replays
// run after blocking inputs are loaded and before any other entry, so that
// what a Static operator kept comes out before what the tick brings. Only
// valid while wiring.
func (n *node) onReplay(run func() int) {
	n.g.wiring[n.id].replays = append(n.g.wiring[n.id].replays, run)
}

// onTickEnd registers a function run after every tick: where per-tick state
// is cleared. Only valid while wiring.
func (n *node) onTickEnd(f func()) {
	n.g.wiring[n.id].tickEnd = append(n.g.wiring[n.id].tickEnd, f)
}

// onPending registers a check that the operator holds work for a later
// tick, which Pending reports. Only valid while wiring.
func (n *node) onPending(f func() bool) {
	n.g.wiring[n.id].pending = append(n.g.wiring[n.id].pending, f)
}

// onFlush registers a function that pushes a partial batch the operator
// gathered; the scheduler calls it after each entry into the operator's
// subgraph. Only valid while wiring.
func (n *node) onFlush(f func()) {
	n.g.wiring[n.id].flushers = append(n.g.wiring[n.id].flushers, f)
}

// orderPlan tells a routing operator (PartitionN, Demux) whether its
// outputs meet again within its subgraph, so that it must keep its input's
// order across them, and what to flush to do so.
type orderPlan struct {
	meet bool
	// flushers are those of the operators fused downstream of the router,
	// in topological order: flushing them pushes everything a branch holds
	// on to where the branches meet.
	flushers []func()
}

// planOrder fills n.order: whether two of n's outputs reach one operator
// through fused edges and, if so, the flushers downstream of n. Branches
// that meet only past handoffs (a later stratum, a cycle) are not ordered:
// each branch's handoff is drained in turn, in DFIR as here.
func (g *Graph) planOrder(n *node, order []*node, rt []nodeRuntime) {
	from := make([]int, len(g.nodes)) // 1 + the output that reached a node
	var stack []*node
	for i, o := range n.outs {
		seen := make([]bool, len(g.nodes))
		for _, e := range o.consumers {
			if e.kind == edgeFused {
				stack = append(stack, e.dst)
			}
		}
		for len(stack) > 0 {
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[m.id] {
				continue
			}
			seen[m.id] = true
			if m == n {
				continue // a cycle back into the router is not a meeting
			}
			if from[m.id] != 0 && from[m.id] != i+1 {
				n.order.meet = true
			}
			from[m.id] = i + 1
			for _, mo := range m.outs {
				for _, e := range mo.consumers {
					if e.kind == edgeFused && !seen[e.dst.id] {
						stack = append(stack, e.dst)
					}
				}
			}
		}
	}
	if !n.order.meet {
		return
	}
	down := make([]bool, len(g.nodes))
	down[n.id] = true
	for _, m := range order {
		if !down[m.id] {
			continue
		}
		if m != n {
			n.order.flushers = append(n.order.flushers, rt[m.id].flushers...)
		}
		for _, mo := range m.outs {
			for _, e := range mo.consumers {
				if e.kind == edgeFused {
					down[e.dst.id] = true
				}
			}
		}
	}
}
