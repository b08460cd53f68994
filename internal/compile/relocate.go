// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/internal/ir"
)

// Relocate moves chain, operators of one process, to the process `to`: a
// rewrite of the IR between Check and Lower. Every edge the move cuts gets
// a channel made from the element type of the collection it carries (its
// producer's Elem): one from each producer outside the chain to `to`, and
// one back from each operator of the chain that an operator outside it
// consumes. A networking operator that consumes the chain needs no channel
// back: it now sends from `to`.
//
// Relocate refuses, changing nothing, where the cut is not allowed: an
// operator inside a tick (its batches are the tick's), a source or a sink
// (bound to their location's shell), a forward reference or an operator
// whose port is shared with others (state shared across the cut), a
// networking operator or one that crosses from a tick, a cut edge carrying
// a singleton, optional or keyed singleton (their value is per tick, and a
// channel carries items), and a move after which the flow would fail Check
// (an operator needing a bounded input that now arrives over a channel).
func Relocate(f *ir.Flow, chain []*ir.Node, to *ir.Location) error {
	from, err := canRelocate(chain, to)
	if err != nil {
		return err
	}
	in := make(map[*ir.Node]bool, len(chain))
	for _, n := range chain {
		in[n] = true
	}
	consumers := f.Consumers()
	if err := checkCuts(chain, in, consumers); err != nil {
		return err
	}

	// Remember what the rewrite changes, to undo it if Check refuses the
	// result.
	saved := map[*ir.Node][]*ir.Node{}
	save := func(n *ir.Node) {
		if _, ok := saved[n]; !ok {
			saved[n] = append([]*ir.Node(nil), n.Inputs...)
		}
	}
	nodes := len(f.Nodes)
	before := len(Check(f))

	toChain := map[*ir.Node]*ir.Node{} // producer outside -> its channel to `to`
	for _, n := range chain {
		for i, p := range n.Inputs {
			if in[p] {
				continue
			}
			ch := toChain[p]
			if ch == nil {
				ch = addChannel(f, p, to)
				toChain[p] = ch
			}
			save(n)
			n.Inputs[i] = ch
		}
	}
	for _, n := range chain {
		var back *ir.Node
		for _, c := range consumers[n] {
			if in[c] || c.Net != nil {
				continue
			}
			if back == nil {
				back = addChannel(f, n, from)
			}
			save(c)
			c.ReplaceInput(n, back)
		}
	}
	for _, n := range chain {
		n.Loc = to
	}
	if errs := Check(f); len(errs) > before {
		for n, ins := range saved {
			n.Inputs = ins
		}
		for _, n := range chain {
			n.Loc = from
		}
		f.Nodes = f.Nodes[:nodes]
		return fmt.Errorf("hydro: Relocate to %v: the moved flow would not check: %w", to, errors.Join(errs[before:]...))
	}
	return nil
}

// canRelocate checks what Relocate moves, and returns where it is now.
func canRelocate(chain []*ir.Node, to *ir.Location) (*ir.Location, error) {
	if to.Kind != ir.Process || to.Parent != nil {
		return nil, fmt.Errorf("hydro: Relocate to %v: only a process can take operators", to)
	}
	if len(chain) == 0 {
		return nil, errors.New("hydro: Relocate: no operators to move")
	}
	from := chain[0].Loc
	for _, n := range chain {
		why := ""
		switch {
		case n.Loc != from:
			why = fmt.Sprintf("is at %v, not at %v with the rest of the chain", n.Loc, from)
		case n.Loc.Kind == ir.Tick:
			why = "is inside a tick: its batches are the tick's, and a channel would split them"
		case n.Loc.Kind != ir.Process:
			why = fmt.Sprintf("is at %v: only a process's operators move", n.Loc)
		case n.Loc == to:
			why = fmt.Sprintf("is at %v already", to)
		case n.Net != nil || n.Crosses:
			why = "moves data between locations itself"
		case n.Cycle != nil:
			why = "is a forward reference: the cycle's state would be shared across the cut"
		case len(n.Inputs) == 0:
			why = "is a source, bound to its location's shell"
		case n.Props.Kind == ir.Sink:
			why = "is a sink, bound to its location's shell"
		}
		if _, ok := n.Params.(Port); ok && why == "" {
			why = "shares its port's state with the port's other operators"
		}
		if why != "" {
			return nil, fmt.Errorf("hydro: Relocate: %s (%s) %s", n.Op, n.Pos(), why)
		}
	}
	return from, nil
}

// checkCuts refuses a cut edge that carries a collection a channel cannot,
// or whose producer has no channel.
func checkCuts(chain []*ir.Node, in map[*ir.Node]bool, consumers map[*ir.Node][]*ir.Node) error {
	cut := func(p, c *ir.Node) error {
		if k := p.Props.Kind; k != ir.Stream && k != ir.KeyedStream {
			return fmt.Errorf("hydro: Relocate: the edge from %s (%s) to %s (%s) carries a %v, whose value is per tick: a channel carries items", p.Op, p.Pos(), c.Op, c.Pos(), k)
		}
		if _, ok := p.Elem.(Elem); !ok {
			return fmt.Errorf("hydro: Relocate: %s (%s) has no element type to make a channel of", p.Op, p.Pos())
		}
		return nil
	}
	for _, n := range chain {
		for _, p := range n.Inputs {
			if !in[p] {
				if err := cut(p, n); err != nil {
					return err
				}
			}
		}
		for _, c := range consumers[n] {
			if !in[c] && c.Net == nil {
				if err := cut(n, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// addChannel appends a channel carrying p's items, as they are, from p's
// location to the process to: what Send would make.
func addChannel(f *ir.Flow, p *ir.Node, to *ir.Location) *ir.Node {
	n := f.Add(&ir.Node{Op: "send", Loc: to, Inputs: []*ir.Node{p}, File: p.File, Line: p.Line,
		Props: ir.Props{Kind: p.Props.Kind, Ordered: p.Props.Ordered, ExactlyOnce: p.Props.ExactlyOnce},
		Label: "relocated", Elem: p.Elem, Impl: p.Elem, Crosses: true})
	n.Net = &ir.Net{Channel: uint32(n.ID), Route: ir.ToOne}
	return n
}
