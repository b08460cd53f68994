// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/hydro-go/hydro"
)

// The flow in one process: the desk's outcomes and what each shop learned,
// printed as Build prints them when deployed.
func Example() {
	f := hydro.NewFlow()
	Build(f)
	r := hydro.MustLocal(f, hydro.SizeOf[Shop](Shops))
	r.RunAvailable()
	// Output:
	// order 2 (bike) aborted
	// order 1 committed
	// order 2 aborted
	// order 3 committed
	// order 1 (book) committed
	// order 2 (bike) aborted
	// order 3 (lamp) committed
	// order 1 (book) committed
	// order 2 (bike) aborted
	// order 3 (lamp) committed
	// order 1 (book) committed
	// order 3 (lamp) committed
}
