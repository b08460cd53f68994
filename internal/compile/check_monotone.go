// SPDX-License-Identifier: Apache-2.0

package compile

import "github.com/hydro-go/hydro/internal/ir"

// shrinks returns the node that may make the value of n shrink, with why,
// or nil if n only grows: a Count, a Fold or Reduce claimed Monotone, or a
// map claimed OrderPreserving of a value that only grows, each at a
// location's top level. Claims are the user's word; the simulator tests
// them (claims_growth.go).
func shrinks(n *ir.Node) (*ir.Node, string) {
	if n.Loc.Kind == ir.Tick {
		return n, "at a tick a value starts afresh every tick"
	}
	switch n.Op {
	case "count":
		return nil, ""
	case "fold", "reduce":
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
