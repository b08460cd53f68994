// SPDX-License-Identifier: Apache-2.0

package dfir

import "fmt"

// Stats are the graph's counters since it was built. They are kept per batch,
// not per element, so they are always on.
type Stats struct {
	Ticks     uint64
	Subgraphs []SubgraphStats
	Handoffs  []HandoffStats
	Operators []OperatorStats // by id
}

// OperatorStats counts the items one operator took in.
type OperatorStats struct {
	ID         int    // the operator's id, as in Observer's calls and drawings
	Op         string // its kind: "map", "fold", "source_input", ...
	Name       string // the name Named gave it, if any
	Collection string // the collection it was built for (SetCollection), if any
	File       string // where it was built
	Line       int
	Subgraph   int
	Stratum    int
	// Items counts the items received on all its inputs; for an operator
	// without inputs (a source), the items it emitted.
	Items uint64
}

// String names the operator as drawings do: its name or kind, id and
// source position.
func (o OperatorStats) String() string {
	label := o.Op
	if o.Name != "" {
		label = o.Name + ":" + o.Op
	}
	return fmt.Sprintf("%s#%d (%s:%d)", label, o.ID, o.File, o.Line)
}

// SubgraphStats counts the work that entered one subgraph.
type SubgraphStats struct {
	ID        int
	Stratum   int
	Operators []string // the operators fused into the subgraph
	Runs      uint64   // activations: an entry or handoff that pushed data in
	Items     uint64   // items pushed in by those activations
}

// HandoffStats counts the items passed through one handoff.
type HandoffStats struct {
	From, To string // the producing and consuming operators
	Kind     string // "stratum", "cycle", "defer_tick" or "defer_tick_lazy"
	Items    uint64 // items drained into the consumer
	Drains   uint64 // drains that moved at least one item
	Buffered int    // items waiting now
}

// Stats returns a snapshot of the counters. It compiles the graph if needed.
func (g *Graph) Stats() Stats {
	p := g.mustPlan()
	s := Stats{Ticks: g.tick}
	for _, sg := range p.subgraphs {
		ops := make([]string, len(sg.nodes))
		for i, n := range sg.nodes {
			ops[i] = n.String()
		}
		s.Subgraphs = append(s.Subgraphs, SubgraphStats{ID: sg.id, Stratum: sg.stratum, Operators: ops, Runs: sg.runs, Items: sg.items})
	}
	for _, h := range p.handoffs {
		s.Handoffs = append(s.Handoffs, h.stats())
	}
	s.Operators = make([]OperatorStats, len(g.nodes))
	for i, n := range g.nodes {
		s.Operators[i] = OperatorStats{ID: n.id, Op: n.op, Name: n.name, Collection: n.coll, File: n.file, Line: n.line,
			Subgraph: n.sub.id, Stratum: n.stratum, Items: n.items}
	}
	return s
}
