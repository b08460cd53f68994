// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// AssumeOrdered declares an unordered stream ordered. Deployed it changes
// nothing: the items go on in the order they arrived, which is one of the
// orders the NonDet allows. Under c.Order (a simulator) each tick's items
// go on in the order it chooses, so that a program that depends on the
// order it assumed is caught: which input of a merge comes first, which
// sender's message.
type AssumeOrdered[T any] struct{}

func (AssumeOrdered[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	in := port[T](ins, 0)
	if c.Order == nil {
		return in
	}
	order := c.Order
	return dfir.Reorder(in, func(perm []int) { order(n, perm) })
}
