// SPDX-License-Identifier: Apache-2.0

// A stream at a tick is a different type from one at the tick's process:
// merging them does not compile without AllTicks.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	tick := hydro.NewTick(leader)
	_, requests := hydro.NewInput[int](leader)
	doubled := hydro.Map(hydro.Batch(requests, tick, hydro.NonDet("requests are independent")), func(x int) int { return 2 * x })
	// want: Process\[(main\.)?Leader\].*does not match.*Tick\[\*hydro\.Process\[(main\.)?Leader\]\]
	hydro.Merge(doubled, requests)
	f.MustCompile()
}
