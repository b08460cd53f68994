// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"

	"github.com/hydro-go/hydro/internal/engine"
)

// ClaimError is a claim found false during an execution: a Fold, Reduce,
// FoldKeyed or ReduceKeyed passed hydro.Commutative or hydro.Idempotent
// whose function, applied under the Sim to items it really saw in the other
// order (or twice), gave another result; a Fold or Reduce passed
// hydro.Monotone whose value fell; or a MapSingleton passed
// hydro.OrderPreserving whose result fell as its argument grew. The
// execution fails with it; its Failure carries it as Claim.
type ClaimError struct {
	// Op is the operator ("Fold", "ReduceKeyed"), Pos the user's file:line
	// of its call.
	Op, Pos string
	// Claim is the property found false: "Commutative", "Idempotent",
	// "Monotone" or "OrderPreserving".
	Claim string
	// Items are the items applied, as printed with %+v; Got are the two
	// results that differ: in the order seen and in the order Other
	// (Commutative), once and twice (Idempotent), before and after the
	// item (Monotone), or for the smaller and the larger argument
	// (OrderPreserving).
	Items []string
	Other []string
	Got   [2]string
	// From is the accumulator the items were applied to (Commutative,
	// Idempotent), "" for a fresh one.
	From string
	msg  string
}

func (e *ClaimError) Error() string { return e.msg }

func claimError(e *engine.ClaimError) *ClaimError {
	return &ClaimError{Op: e.Op, Pos: fmt.Sprintf("%s:%d", e.File, e.Line), Claim: e.ClaimName(),
		Items: e.Items, Other: e.Other, Got: e.Got, From: e.From, msg: e.Error()}
}
