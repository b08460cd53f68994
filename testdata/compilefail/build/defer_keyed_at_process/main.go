// SPDX-License-Identifier: Apache-2.0

// DeferTickKeyed delays a tick's keyed stream: a keyed stream at its
// process has no next tick to carry its values into.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	_, requests := hydro.NewInput[hydro.KV[string, int]](leader)
	// want: type hydro\.KeyedStream\[string, int, \*hydro\.Process\[(main\.)?Leader\]\] of hydro\.IntoKeyed\(requests\) does not match .*hydro\.KeyedStream\[K, V, \*hydro\.Tick\[L\]\]
	hydro.DeferTickKeyed(hydro.IntoKeyed(requests))
	f.MustCompile()
}
