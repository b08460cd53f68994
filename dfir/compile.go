// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"fmt"
	"slices"
	"strings"
)

// Compile checks the graph and plans its execution: it assigns every operator
// a stratum, places handoffs where subgraphs must meet (stratum boundaries,
// cycles, defer_tick) and fuses the rest into subgraphs. It reports every
// problem at once, each naming the operators and where they were built:
// an input or output left unconnected, a port consumed twice without Tee, a
// cycle through negation or aggregation without a tick boundary.
//
// Compile is idempotent; after it succeeds no operator can be added. The same
// graph built twice compiles to the same strata, subgraphs and drawings.
func (g *Graph) Compile() error {
	if g.plan != nil || g.planErr != nil {
		return g.planErr
	}
	errs := slices.Clone(g.buildErrs)
	errs = append(errs, g.checkPorts()...)
	errs = append(errs, g.assignStrata()...)
	if len(errs) > 0 {
		g.planErr = &GraphError{Problems: errs}
		return g.planErr
	}
	g.plan = g.makePlan()
	return nil
}

// GraphError lists every problem Compile found. It matches ErrInvalid with
// errors.Is.
type GraphError struct {
	Problems []error
}

func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dfir: invalid graph (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteByte('s')
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(strings.TrimPrefix(p.Error(), "dfir: "))
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *GraphError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the individual problems.
func (e *GraphError) Unwrap() []error { return e.Problems }

func (g *Graph) checkPorts() []error {
	var errs []error
	for _, n := range g.nodes {
		for i, e := range n.ins {
			if e != nil {
				continue
			}
			if n.op == "cycle" {
				errs = append(errs, fmt.Errorf("dfir: %v: never closed; call Close with the port that feeds the cycle", n))
			} else {
				errs = append(errs, fmt.Errorf("dfir: %v: input %d is not connected", n, i))
			}
		}
		for i, o := range n.outs {
			switch len(o.consumers) {
			case 0:
				errs = append(errs, fmt.Errorf("dfir: %v: output %d is not connected; end it with a sink (ForEach, SinkOutput, Null)", n, i))
			case 1:
			default:
				names := make([]string, len(o.consumers))
				for j, c := range o.consumers {
					names[j] = c.dst.String()
				}
				errs = append(errs, fmt.Errorf("dfir: %v: output %d is consumed by %s; use Tee to feed several operators", n, i, strings.Join(names, " and ")))
			}
		}
	}
	return errs
}

// sameTick reports whether e carries data within a tick (not defer_tick).
// A missing edge (an input never connected, reported by checkPorts) carries
// nothing.
func (e *edge) sameTick() bool { return e != nil && e.delay == edgeFused }

// assignStrata computes the strongly connected components of the same-tick
// edges, rejects components that contain a blocking input, and gives each
// operator the lowest stratum after every producer it must wait for.
func (g *Graph) assignStrata() []error {
	sccs := g.sccs()
	comp := make([]int, len(g.nodes))
	for i, c := range sccs {
		for _, n := range c {
			comp[n.id] = i
		}
	}
	var errs []error
	strat := make([]int, len(sccs))
	// Tarjan's algorithm finds components sinks first: walk them backwards.
	for i := len(sccs) - 1; i >= 0; i-- {
		for _, n := range sccs[i] {
			for port, e := range n.ins {
				if !e.sameTick() {
					continue
				}
				if comp[e.src.id] == i {
					switch {
					case n.blocking[port] && n.monotone[port]:
						n.inCycle = true // it only grows: the fixpoint is well defined
					case n.blocking[port]:
						errs = append(errs, negationCycle(n, sccs[i]))
					}
					continue
				}
				s := strat[comp[e.src.id]]
				if n.blocking[port] {
					s++
				}
				strat[i] = max(strat[i], s)
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// Number the strata densely.
	used := slices.Clone(strat)
	slices.Sort(used)
	used = slices.Compact(used)
	for _, n := range g.nodes {
		n.stratum, _ = slices.BinarySearch(used, strat[comp[n.id]])
	}
	return nil
}

func negationCycle(n *node, scc []*node) error {
	others := make([]string, 0, len(scc))
	for _, m := range scc {
		if m != n {
			others = append(others, m.String())
		}
	}
	return fmt.Errorf("dfir: %v needs all of its input before it runs, but its input depends on its own output within the tick, through %s; break the cycle with DeferTick", n, strings.Join(others, ", "))
}

// sccs returns the strongly connected components of the same-tick edges in
// Tarjan's order (every component before the components that feed it).
func (g *Graph) sccs() [][]*node {
	index := make([]int, len(g.nodes))
	low := make([]int, len(g.nodes))
	onStack := make([]bool, len(g.nodes))
	for i := range index {
		index[i] = -1
	}
	var stack []*node
	var out [][]*node
	next := 0
	var visit func(n *node)
	visit = func(n *node) {
		index[n.id], low[n.id] = next, next
		next++
		stack = append(stack, n)
		onStack[n.id] = true
		for _, o := range n.outs {
			for _, e := range o.consumers {
				if !e.sameTick() {
					continue
				}
				m := e.dst
				if index[m.id] < 0 {
					visit(m)
					low[n.id] = min(low[n.id], low[m.id])
				} else if onStack[m.id] {
					low[n.id] = min(low[n.id], index[m.id])
				}
			}
		}
		if low[n.id] == index[n.id] {
			var c []*node
			for {
				m := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[m.id] = false
				c = append(c, m)
				if m == n {
					break
				}
			}
			slices.SortFunc(c, func(a, b *node) int { return a.id - b.id })
			out = append(out, c)
		}
	}
	for _, n := range g.nodes {
		if index[n.id] < 0 {
			visit(n)
		}
	}
	return out
}

// classify decides how each edge is carried, marking the back edges of a
// depth-first walk as cycle handoffs so that what remains fused is acyclic.
func (g *Graph) classify() {
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, len(g.nodes))
	var visit func(n *node)
	visit = func(n *node) {
		state[n.id] = active
		for _, o := range n.outs {
			for _, e := range o.consumers {
				switch {
				case !e.sameTick():
					e.kind = e.delay
					continue
				case e.src.stratum < e.dst.stratum:
					e.kind = edgeStratum
					continue
				case state[e.dst.id] == active:
					e.kind = edgeCycle
					continue
				}
				e.kind = edgeFused
				if state[e.dst.id] == unseen {
					visit(e.dst)
				}
			}
		}
		state[n.id] = done
	}
	for _, n := range g.nodes {
		if state[n.id] == unseen {
			visit(n)
		}
	}
}
