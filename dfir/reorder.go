// SPDX-License-Identifier: Apache-2.0

package dfir

// Reorder emits, each tick, the items that arrived in the tick in an order
// the shell chooses: order(perm) is given perm = 0, 1, ..., n-1 for the n
// items of the tick (n ≥ 2; oldest first) and rearranges it, and item
// perm[i] is emitted i-th. It is how a shell, such as a simulator, decides
// in which order items of an unordered stream are seen where a program
// assumes an order (Hydro's assume_ordered), or which input of a merge
// comes first.
//
// The input is blocking: order sees everything that arrived in the tick.
func Reorder[T any](in Port[T], order func(perm []int)) Port[T] {
	n := in.node().g.newNode("reorder", 1, 1, nil, 0)
	connect(in, n, 0)
	n.blocking[0] = true
	n.wire = func() {
		down := sink[T](n, 0)
		var held, out []T
		var perm []int
		n.keep(&held)
		setIn(n, 0, func(b []T) { held = append(held, b...) })
		n.onEntry(func() int {
			k := len(held)
			if k == 0 {
				return 0
			}
			out = append(out[:0], held...)
			if k > 1 {
				perm = perm[:0]
				for i := range k {
					perm = append(perm, i)
				}
				order(perm)
				for i, j := range perm {
					out[i] = held[j]
				}
			}
			clear(held)
			held = held[:0]
			chunks(out, down)
			clear(out)
			return k
		})
	}
	return output[T](n, 0)
}
