// SPDX-License-Identifier: Apache-2.0

package dfir

// Chain emits all of first's items for the tick, then second's. The first
// input is blocking: it comes from an earlier stratum and is complete before
// any item of the second passes.
func Chain[T any](first, second Port[T]) Port[T] {
	n := first.node().g.newNode("chain", 2, 1, nil, 0)
	connect(first, n, 0)
	connect(second, n, 1)
	n.blocking[0], n.passes[0] = true, true
	n.wire = func() {
		down := sink[T](n, 0)
		setIn(n, 0, down)
		setIn(n, 1, down)
	}
	return output[T](n, 0)
}
