// SPDX-License-Identifier: Apache-2.0

// Sort needs an ordered element type; other types go through SortFunc.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

type Point struct{ X, Y int }

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	points := hydro.SourceIter(leader, []Point{{1, 2}})
	// want: Point does not satisfy cmp\.Ordered
	hydro.Sort(points)
	f.MustCompile()
}
