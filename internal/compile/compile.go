// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Program is a lowered flow: one dfir graph per root location.
type Program struct {
	Graphs []*Graph
	// Handles maps the user's input, output and timer handles to the dfir
	// objects they drive in this program.
	Handles map[any]any
	// Ports holds the lowered port of every node, for binding inputs and
	// outputs. Sinks have none.
	Ports map[*ir.Node]any
}

// Graph is the dfir graph of one root location (a process, or the program
// every member of a cluster runs).
type Graph struct {
	Loc     *ir.Location
	Graph   *dfir.Graph
	Timers  []ir.Timer
	Feeders []func() bool
}

// GraphOf returns the graph of the root location of l, or nil.
func (p *Program) GraphOf(l *ir.Location) *dfir.Graph {
	root := l.Root()
	for _, g := range p.Graphs {
		if g.Loc == root {
			return g.Graph
		}
	}
	return nil
}

// Lower builds and compiles one dfir graph per root location. The flow must
// have passed the language's checks: every forward reference completed, no
// aggregation on a same-tick cycle, no recorded misuse.
func Lower(f *ir.Flow) (*Program, error) {
	p := &Program{Ports: make(map[*ir.Node]any), Handles: make(map[any]any)}
	ctxs := make(map[*ir.Location]*ir.Ctx)
	for _, l := range f.Locations {
		if l.Parent == nil {
			ctxs[l] = &ir.Ctx{Graph: dfir.New(), Handles: p.Handles}
		}
	}

	// Count consumers, so that shared ports are split with Tee.
	consumers := make(map[*ir.Node]int)
	for _, n := range f.Nodes {
		for _, in := range n.Inputs {
			consumers[in]++
		}
	}
	handed := make(map[*ir.Node][]any) // ports still to hand out, per producer
	take := func(n *ir.Node) any {
		ps := handed[n]
		handed[n] = ps[1:]
		return ps[0]
	}

	cycles := make(map[*ir.Node]any)
	for _, n := range f.Nodes {
		c := ctxs[n.Loc.Root()]
		var port any
		if n.NewCycle != nil {
			cycles[n], port = n.NewCycle(c)
		} else {
			ins := make([]any, len(n.Inputs))
			for i, in := range n.Inputs {
				if in.Loc.Root() != n.Loc.Root() {
					return nil, fmt.Errorf("%s: hydro: internal error: %s takes an input from %v without a network operator", n.Pos(), n.Op, in.Loc.Root())
				}
				ins[i] = take(in)
			}
			port = n.Lower(c, ins)
		}
		if n.Props.Kind == ir.Sink {
			continue
		}
		p.Ports[n] = port
		switch c := consumers[n]; c {
		case 0:
			n.Null(port)
		case 1:
			handed[n] = []any{port}
		default:
			handed[n] = n.Tee(port, c)
		}
	}
	for _, n := range f.Nodes {
		if n.NewCycle != nil {
			n.Close(cycles[n], take(n.Inputs[0]))
		}
	}
	for _, l := range f.Locations {
		if c := ctxs[l]; c != nil {
			p.Graphs = append(p.Graphs, &Graph{Loc: l, Graph: c.Graph, Timers: c.Timers, Feeders: c.Feeders})
		}
	}
	var errs []error
	for _, g := range p.Graphs {
		if err := g.Graph.Compile(); err != nil {
			errs = append(errs, fmt.Errorf("hydro: internal error lowering %v: %w", g.Loc, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}
