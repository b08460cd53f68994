// SPDX-License-Identifier: Apache-2.0

// A NonDet reason is a hydro.NonDet, not any string: the reason is written
// at the call, where the reader sees it.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	tick := hydro.NewTick(leader)
	_, requests := hydro.NewInput[int](leader)
	reason := "requests are independent"
	// want: cannot use reason \(variable of type string\) as hydro\.NonDet value
	hydro.Batch(requests, tick, reason)
	f.MustCompile()
}
