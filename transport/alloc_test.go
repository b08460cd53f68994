// SPDX-License-Identifier: Apache-2.0

package transport

import "runtime"

// bytesAllocated reports the bytes the heap handed out while f ran. Tests
// using it must not run in parallel with others.
func bytesAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
