// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"

	"github.com/hydro-go/hydro/internal/ir"
)

// Check returns every misuse of the language in f, each a *Problem at the
// user's file:line: what the builders recorded as facts on the nodes and
// locations (requirements, claims, completions, arguments) checked against
// the guarantees of the collections involved, forward references never
// completed, and aggregations on a same-tick cycle. A flow Check accepts
// lowers.
func Check(f *ir.Flow) []error {
	var ps problems
	checkLocations(f, &ps)
	ports := make(map[any]*ir.Node)       // the first Respond of each bidi port
	channels := make(map[uint32]*ir.Node) // the first channel of each id
	_ = f.Walk(func(n *ir.Node) error {
		checkMixed(n, &ps)
		if n.Net != nil {
			checkChannel(n, channels, &ps)
		}
		for _, need := range n.Needs {
			checkNeed(n, need, &ps)
		}
		if n.Cycle != nil {
			checkCompletions(n, &ps)
		}
		if n.Op == "external_respond" {
			checkRespond(n, ports, &ps)
		}
		return nil
	})
	if !checkCompleted(f, &ps) {
		return ps
	}
	checkCycles(f, &ps)
	return ps
}

// checkLocations reports ticks made inside ticks and two externals of one
// name.
func checkLocations(f *ir.Flow, ps *problems) {
	for i, l := range f.Locations {
		switch l.Kind {
		case ir.Tick:
			if l.Parent != nil && (l.Parent.Kind == ir.Tick || l.Parent.Kind == ir.Atomic) {
				ps.add(l.File, l.Line, "make the tick from the process or cluster the outer tick belongs to",
					"hydro: NewTick inside a tick: ticks do not nest")
			}
		case ir.External:
			for _, m := range f.Locations[:i] {
				if m.Kind == ir.External && m.Name == l.Name {
					ps.add(l.File, l.Line, "make the External once and attach all its ports to it, or give the other a tag type of its own",
						"hydro: a second External named %s: its ports' names would clash", l.Name)
					break
				}
			}
		}
	}
}

// checkMixed reports an operator that takes an input from another location
// without being one of the operators that cross (n.Crosses).
func checkMixed(n *ir.Node, ps *problems) {
	for _, in := range n.Inputs {
		if in != nil && in.Loc.Flow != n.Loc.Flow {
			ps.add(n.File, n.Line, "build both ends in one flow: a flow runs only its own locations, so what crosses to another is lost",
				"hydro: %s takes a collection of another flow (%s at %s, a flow made at %s) into this flow (made at %s)",
				n.Op, in.Op, in.Pos(), flowPos(in.Loc.Flow), flowPos(n.Loc.Flow))
			return
		}
	}
	if n.Crosses || n.Cycle != nil {
		return
	}
	for _, in := range n.Inputs {
		if in != nil && in.Loc != n.Loc {
			ps.add(n.File, n.Line, "move data between locations with a networking operator, or between a tick and its location with Batch, Snapshot, AllTicks or Latest (BeginAtomic and EndAtomic for an atomic region)",
				"hydro: %s combines a collection at %v (from %s) with one at %v", n.Op, where(in.Loc), in.Pos(), where(n.Loc))
		}
	}
}

// where names a location in a problem: a tick with the line that made it,
// since two ticks of one location print alike.
func where(l *ir.Location) string {
	if (l.Kind == ir.Tick || l.Kind == ir.Atomic) && l.File != "" {
		return fmt.Sprintf("%v made at %s:%d", l, l.File, l.Line)
	}
	return l.String()
}

// flowPos is where the user made f.
func flowPos(f *ir.Flow) string {
	if f == nil || f.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// hints are the usual hints of each requirement; a Need may replace them.
var hints = map[ir.Requirement]string{
	ir.NeedOrdered:       "sort a bounded stream first, or use an operator that does not depend on order",
	ir.NeedOrderedPerKey: "use an order-insensitive aggregation, such as ReduceKeyed with hydro.Commutative",
	ir.NeedExactlyOnce:   "deduplicate first with Unique",
	ir.NeedBounded:       "Batch the stream into a tick first (hydro.Batch), where each batch is bounded",
	ir.NeedWire:          "export the field, give the type a MarshalCBOR/UnmarshalCBOR (or MarshalBinary/UnmarshalBinary) pair, tag a field `cbor:\"-\"` to leave it out, or send a concrete type",
	ir.NeedOutsideTick:   "use it at the process or cluster the tick belongs to, and Batch its output into the tick",
	ir.NeedNonDet:        `say why the program is correct whatever the choice: hydro.NonDet("...")`,
	ir.NeedTickOf:        "make the tick with hydro.NewTick from the collection's own location",
	ir.NeedPeriod:        "give a positive duration",
	ir.NeedCodec:         "use hydro.Lines, hydro.Bytes or hydro.CBOR[T]()",
	ir.NeedAtomicTick:    "snapshot the value into the tick its atomic region was begun with (hydro.BeginAtomic)",
	ir.NeedMonotone:      "use hydro.Count, pass hydro.Monotone to the Fold that makes the value and hydro.OrderPreserving to each MapSingleton after it, all at the location's top level; or Snapshot the value into a tick and compare it there, with a NonDet",
}

// codec is what the codec check needs of a port's Fn.
type codec interface {
	Zero() bool
	TypeName() string
}

// checkNeed reports a requirement of n that is not met.
func checkNeed(n *ir.Node, need ir.Need, ps *problems) {
	hint := need.Hint
	if hint == "" {
		hint = hints[need.What]
	}
	var in *ir.Node
	if need.In < len(n.Inputs) {
		in = n.Inputs[need.In]
	}
	add := func(format string, args ...any) { ps.add(n.File, n.Line, hint, format, args...) }
	switch need.What {
	case ir.NeedOrdered:
		if !in.Props.Ordered {
			add("hydro: %s needs a totally ordered stream, but %s (%s) is unordered", need.Op, in.Op, in.Pos())
		}
	case ir.NeedOrderedPerKey:
		if !in.Props.Ordered {
			add("hydro: %s needs a stream ordered per key, but %s (%s) is unordered", need.Op, in.Op, in.Pos())
		}
	case ir.NeedExactlyOnce:
		if !in.Props.ExactlyOnce {
			add("hydro: %s needs an exactly-once stream, but %s (%s) may deliver an item more than once", need.Op, in.Op, in.Pos())
		}
	case ir.NeedBounded:
		if !in.Props.Bounded {
			add("hydro: %s needs a bounded collection, but %s (%s) is unbounded", need.Op, in.Op, in.Pos())
		}
	case ir.NeedAlgebra:
		if !in.Props.Ordered && n.Claims&ir.Commutative == 0 {
			ps.add(n.File, n.Line, "pass hydro.Commutative if the function ignores order, or sort a bounded stream first",
				"hydro: %s of an unordered stream (%s at %s) needs a commutative function", need.Op, in.Op, in.Pos())
		}
		if !in.Props.ExactlyOnce && n.Claims&ir.Idempotent == 0 {
			ps.add(n.File, n.Line, "pass hydro.Idempotent if applying an item twice changes nothing, or deduplicate with Unique",
				"hydro: %s of an at-least-once stream (%s at %s) needs an idempotent function", need.Op, in.Op, in.Pos())
		}
	case ir.NeedNonDet:
		if n.NonDet == "" {
			add("hydro: %s is non-deterministic and needs a NonDet reason", n.Op)
		}
	case ir.NeedTickOf:
		if n.Loc.Parent != in.Loc {
			add("hydro: %s into %s of a collection at %s (%s)", n.Op, where(n.Loc), where(in.Loc), in.Pos())
		}
	case ir.NeedPeriod:
		if n.Period <= 0 {
			add("hydro: %s needs a positive period, got %v", n.Op, n.Period)
		}
	case ir.NeedWire:
		if n.Wire == nil {
			break
		}
		if path, why := unwired(n.Wire); why != "" {
			add("hydro: %s carries %v, which cannot travel: %s: %s", need.Op, n.Wire, path, why)
		}
	case ir.NeedOutsideTick:
		if n.Loc.Kind == ir.Tick {
			add("hydro: %s at %s: it emits on the shell's clock, which a tick's bounded batches cannot hold", need.Op, where(n.Loc))
		}
	case ir.NeedMonotone:
		if m, why := shrinks(in); m != nil {
			add("hydro: %s needs a value that only grows, but %s (%s) may shrink: %s", need.Op, m.Op, m.Pos(), why)
		}
	case ir.NeedAtomicTick:
		if in.Loc.Kind != ir.Atomic || in.Loc.Tick != n.Loc {
			add("hydro: %s into %s of a value of %s (%s)", need.Op, where(n.Loc), where(in.Loc), in.Pos())
		}
	case ir.NeedCodec:
		if c, ok := n.Fn.(codec); !ok || c.Zero() {
			name := "Codec"
			if ok {
				name = c.TypeName()
			}
			add("hydro: %s given the zero %s", n.Op, name)
		}
	}
}

// checkCompletions reports a forward reference completed more than once,
// or with a collection at another location or with weaker guarantees than
// it declares.
func checkCompletions(n *ir.Node, ps *problems) {
	for i, c := range n.Cycle.Completions {
		in := c.In
		switch {
		case i > 0:
			ps.add(c.File, c.Line, "complete each forward reference once", "hydro: %s (%s) completed twice", n.Op, n.Pos())
		case in.Loc != n.Loc:
			ps.add(c.File, c.Line, "complete it with a collection at its own location",
				"hydro: %s (%s) at %v completed with a collection at %v", n.Op, n.Pos(), n.Loc, in.Loc)
		case n.Props.Ordered && !in.Props.Ordered:
			ps.add(c.File, c.Line, "declare the reference with hydro.Unordered",
				"hydro: %s (%s) is declared ordered but completed with an unordered stream (%s at %s)", n.Op, n.Pos(), in.Op, in.Pos())
		case n.Props.ExactlyOnce && !in.Props.ExactlyOnce:
			ps.add(c.File, c.Line, "declare the reference with hydro.AtLeastOnce",
				"hydro: %s (%s) is declared exactly-once but completed with an at-least-once stream (%s at %s)", n.Op, n.Pos(), in.Op, in.Pos())
		}
	}
}

// checkRespond reports a second Respond to one bidi port.
func checkRespond(n *ir.Node, first map[any]*ir.Node, ps *problems) {
	p, ok := n.Params.(Port)
	if !ok {
		return
	}
	if m := first[p.Handle]; m != nil {
		ps.add(n.File, n.Line, "Merge the answer streams and call Respond once",
			"hydro: port %s already answered by Respond at %s", p.Name, m.Pos())
		return
	}
	first[p.Handle] = n
}

// checkCompleted reports forward references never completed, and whether
// all were.
func checkCompleted(f *ir.Flow, ps *problems) bool {
	ok := true
	for _, n := range f.Nodes {
		if n.Cycle != nil && n.Inputs[0] == nil {
			ps.add(n.File, n.Line, "call Complete with the collection that defines it", "hydro: %s is never completed", n.Op)
			ok = false
		}
	}
	return ok
}

// checkChannel reports a channel whose id another channel of the flow has:
// two channels given one name between the same locations (or, rarely, two
// names whose ids collide).
func checkChannel(n *ir.Node, seen map[uint32]*ir.Node, ps *problems) {
	first, ok := seen[n.Net.Channel]
	if !ok {
		seen[n.Net.Channel] = n
		return
	}
	ps.add(n.File, n.Line, "give each channel between two locations a name of its own",
		"hydro: %s named %q from %v to %v has the channel id of %s at %s, named %q",
		n.Op, n.Name, n.Inputs[0].Loc.Root(), n.Loc.Root(), first.Op, first.Pos(), first.Name)
}
