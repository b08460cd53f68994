// SPDX-License-Identifier: Apache-2.0

package compile

import "github.com/hydro-go/hydro/internal/ir"

// shrinks returns the node that may make the value of n shrink, with why,
// or nil if n only grows: a Count, a Fold or Reduce claimed Monotone, or a
// map claimed OrderPreserving of a value that only grows, each at a
// location's top level or in an atomic region, and such a value released
// from its region; for a keyed singleton, every key's value: a ValueCounts,
// a FoldKeyed or ReduceKeyed claimed Monotone. Claims are the user's word; the simulator tests
// them (claims_growth.go).
func shrinks(n *ir.Node) (*ir.Node, string) {
	if n.Loc.Kind == ir.Tick {
		return n, "at a tick a value starts afresh every tick"
	}
	switch n.Op {
	case "count", "value_counts":
		return nil, ""
	case "end_atomic":
		return shrinks(n.Inputs[0])
	case "fold", "reduce", "fold_keyed", "reduce_keyed":
		if n.Claims&ir.Monotone != 0 {
			return nil, ""
		}
		return n, "its function is not claimed hydro.Monotone"
	case "map":
		if n.Claims&ir.OrderPreserving != 0 {
			return shrinks(n.Inputs[0])
		}
		return n, "its function is not claimed hydro.OrderPreserving"
	}
	return n, "it is not known to only grow"
}
