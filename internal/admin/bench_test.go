// SPDX-License-Identifier: Apache-2.0

package admin

import "testing"

// BenchmarkTick measures a tick of a small graph with one frame in and out,
// as the shell drives it, without the admin hooks (admin=off) and with them
// (admin=on): what -admin costs a tick.
func BenchmarkTick(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "admin=off"
		if on {
			name = "admin=on"
		}
		b.Run(name, func(b *testing.B) {
			n := newFakeNode(b)
			if on {
				Watch(n.g, nameOf)
			}
			b.ReportAllocs()
			for b.Loop() {
				n.tick("hello")
			}
		})
	}
}
