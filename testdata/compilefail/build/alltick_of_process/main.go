// SPDX-License-Identifier: Apache-2.0

// AllTicks leads out of a tick: a stream already at its process has no
// ticks to leave.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	_, requests := hydro.NewInput[int](leader)
	// want: type hydro\.Stream\[int, \*hydro\.Process\[(main\.)?Leader\]\] of requests does not match .*hydro\.Stream\[T, \*hydro\.Tick\[L\]\]
	hydro.AllTicks(requests)
	f.MustCompile()
}
