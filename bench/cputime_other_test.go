// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package bench

import "time"

// cpuTime returns 0: this system's CPU time is not read, so the
// benchmarks report no "cores" metric on it.
func cpuTime() time.Duration { return 0 }
