// SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"strings"

	"github.com/hydro-go/hydro/internal/ir"
)

// MaxOrder is how many places of an order the chooser fills one by one:
// the items left after the first MaxOrder keep their arrival order, so
// that ordering n items offers at most n·(n-1)·…·(n-MaxOrder+1) ways.
const MaxOrder = 4

// choosePerm rearranges perm (in arrival order) as the chooser says: it
// picks the item that comes first among all, then the next among those
// left, for the first MaxOrder places (the last place is never a choice).
// what describes the choice point.
func (s *stepper) choosePerm(perm []int, what func(left int) string) {
	left := append([]int(nil), perm...)
	for i := range perm {
		j := 0
		if i < MaxOrder && len(left) > 1 {
			j = s.c.Choose(len(left), what(len(left)))
		}
		perm[i] = left[j]
		left = append(left[:j], left[j+1:]...)
	}
}

// order is the AssumeOrdered decision under a chooser: the order in which
// the tick's items go on.
func (s *stepper) order(n *ir.Node, perm []int) {
	s.choosePerm(perm, func(left int) string {
		return fmt.Sprintf("order at %s of %d items: which of %d left comes next (NonDet: %s)", n.Pos(), len(perm), left, n.NonDet)
	})
	s.trace = append(s.trace, fmt.Sprintf("order at %s: %s", n.Pos(), positions(perm)))
}

// positions lists perm as 1-based positions: "2, 1, 3".
func positions(perm []int) string {
	parts := make([]string, len(perm))
	for i, p := range perm {
		parts[i] = fmt.Sprint(p + 1)
	}
	return strings.Join(parts, ", ")
}
