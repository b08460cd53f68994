// SPDX-License-Identifier: Apache-2.0

package dfir

// Release holds what arrives and emits, each tick, the oldest k items held,
// where k = decide(held) is chosen by the shell: 0 keeps everything for a
// later tick, held (or more) releases everything. Items kept back make the
// graph Pending. It is how a shell, such as a simulator, decides where a
// batch ends without the graph deciding anything itself.
//
// The input is blocking: decide sees everything that arrived in the tick.
func Release[T any](in Port[T], decide func(held int) int) Port[T] {
	n := in.node().g.newNode("release", 1, 1, nil, 0)
	connect(in, n, 0)
	n.blocking[0] = true
	n.wire = func() {
		down := sink[T](n, 0)
		var held []T
		n.keep(&held)
		setIn(n, 0, func(b []T) { held = append(held, b...) })
		n.onEntry(func() int {
			if len(held) == 0 {
				return 0
			}
			k := min(max(decide(len(held)), 0), len(held))
			chunks(held[:k], down)
			rest := copy(held, held[k:])
			clear(held[rest:])
			held = held[:rest]
			return k
		})
		n.onPending(func() bool { return len(held) > 0 })
	}
	return output[T](n, 0)
}

// ReleaseSome holds what arrives and emits, each tick, the items held that
// pick marks: pick(take) sets take[i] for each item i, oldest first, that
// enters this tick. The items emitted keep their order among themselves, and
// so do those kept for a later tick. Items kept back make the graph Pending.
// It is how a shell decides which items of an unordered batch enter a tick.
//
// The input is blocking: pick sees everything that arrived in the tick.
func ReleaseSome[T any](in Port[T], pick func(take []bool)) Port[T] {
	n := in.node().g.newNode("release", 1, 1, nil, 0)
	connect(in, n, 0)
	n.blocking[0] = true
	n.wire = func() {
		down := sink[T](n, 0)
		var held, out []T
		var take []bool
		n.keep(&held)
		setIn(n, 0, func(b []T) { held = append(held, b...) })
		n.onEntry(func() int {
			if len(held) == 0 {
				return 0
			}
			if cap(take) < len(held) {
				take = make([]bool, len(held))
			}
			take = take[:len(held)]
			clear(take)
			pick(take)
			out = out[:0]
			rest := 0
			for i, v := range held {
				if take[i] {
					out = append(out, v)
				} else {
					held[rest] = v
					rest++
				}
			}
			chunks(out, down)
			clear(out)
			clear(held[rest:])
			held = held[:rest]
			return len(out)
		})
		n.onPending(func() bool { return len(held) > 0 })
	}
	return output[T](n, 0)
}
