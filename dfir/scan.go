// SPDX-License-Identifier: Apache-2.0

package dfir

// Scan threads an accumulator through the items in order, emitting what f
// returns for each. The accumulator starts as init() and restarts every tick
// (PerTick, the default) or carries over (Static).
func Scan[T, A, U any](in Port[T], init func() A, f func(acc *A, item T) U, lifetime ...Lifetime) Port[U] {
	n := in.node().g.newNode("scan", 1, 1, lifetime, 1)
	connect(in, n, 0)
	n.wire = func() {
		down := sink[U](n, 0)
		acc := init()
		n.keep(&acc)
		var buf []U
		setIn(n, 0, func(b []T) {
			if cap(buf) < len(b) {
				buf = make([]U, len(b))
			}
			out := buf[:len(b)]
			for i, v := range b {
				out[i] = f(&acc, v)
			}
			down(out)
		})
		if n.lifetime(0) == PerTick {
			n.onTickEnd(func() { acc = init() })
		}
	}
	return output[U](n, 0)
}
