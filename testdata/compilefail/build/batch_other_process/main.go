// SPDX-License-Identifier: Apache-2.0

// A stream can only be batched into a tick of its own location.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}
type Worker struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	worker := hydro.NewProcess[Worker](f)
	_, requests := hydro.NewInput[int](leader)
	tick := hydro.NewTick(worker)
	// want: Tick\[\*hydro\.Process\[(main\.)?Worker\]\].*does not match.*Tick\[\*hydro\.Process\[(main\.)?Leader\]\]
	hydro.Batch(requests, tick, hydro.NonDet("requests are independent"))
	f.MustCompile()
}
