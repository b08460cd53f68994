// SPDX-License-Identifier: Apache-2.0

// A Fold's function takes the stream's element type.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	words := hydro.SourceIter(leader, []string{"a", "b"})
	// want: type func\(acc \*int, n int\) .*does not match inferred type func\(acc \*int, item string\)
	hydro.Fold(words, func() int { return 0 }, func(acc *int, n int) { *acc += n })
	f.MustCompile()
}
