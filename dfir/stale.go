// SPDX-License-Identifier: Apache-2.0

package dfir

// maxStale is how many ticks a Stale operator may lag behind its input.
const maxStale = 2

// Stale passes on, every tick, one recent version of its input: a version is
// what the input carried in one tick (a singleton's value, a keyed
// singleton's entries). choose(n) picks among the n candidate versions, 0
// for the newest; the candidates run from the version passed on last tick,
// or maxStale ticks back, to this tick's, so what passes never goes back in
// time and is never more than maxStale ticks old. It is how a shell, such as
// a simulator, decides how stale a snapshot is.
//
// The input is blocking: the tick's version is complete before choosing.
func Stale[T any](in Port[T], choose func(n int) int) Port[T] {
	n := in.node().g.newNode("stale", 1, 1, nil, 0)
	connect(in, n, 0)
	n.blocking[0] = true
	n.wire = func() {
		down := sink[T](n, 0)
		var cur []T
		var versions [][]T // oldest first; versions[0] was passed on last
		n.keep(&cur, &versions)
		setIn(n, 0, func(b []T) { cur = append(cur, b...) })
		n.onEntry(func() int {
			versions = append(versions, cur)
			cur = nil
			if len(versions) > maxStale+1 {
				versions = versions[len(versions)-maxStale-1:]
			}
			k := len(versions) - 1 - min(max(choose(len(versions)), 0), len(versions)-1)
			versions = versions[k:]
			out := versions[0]
			chunks(append([]T(nil), out...), down)
			return len(out)
		})
	}
	return output[T](n, 0)
}
