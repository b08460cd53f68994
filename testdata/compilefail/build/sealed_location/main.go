// SPDX-License-Identifier: Apache-2.0

// Location is sealed: only package hydro implements it, so a user type
// cannot pose as a location and bypass the location checks.
package main

import "github.com/hydro-go/hydro"

type Mine struct{}

func main() {
	// want: \(type Mine\) does not satisfy hydro\.Location \(missing method (flow|loc)\)
	hydro.SourceIter(Mine{}, []int{1})
}
