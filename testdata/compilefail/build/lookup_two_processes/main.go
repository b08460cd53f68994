// SPDX-License-Identifier: Apache-2.0

// Lookup reads a keyed singleton at the keyed stream's own location: one
// at another process is reached only through a networking operator.
package main

import "github.com/hydro-go/hydro"

type (
	Leader  struct{}
	Replica struct{}
)

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	replica := hydro.NewProcess[Replica](f)
	requests := hydro.IntoKeyed(hydro.SourceIter(leader, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
	table := hydro.FoldKeyed(hydro.IntoKeyed(hydro.SourceIter(replica, []hydro.KV[string, int]{{Key: "a", Val: 2}})),
		func() int { return 0 }, func(acc *int, v int) { *acc += v })
	// want: type hydro\.KeyedSingleton\[string, int, \*hydro\.Process\[(main\.)?Replica\]\] of table does not match .*hydro\.KeyedSingleton\[K, W, L\]
	hydro.Lookup(requests, table)
	f.MustCompile()
}
