// SPDX-License-Identifier: Apache-2.0

// Join takes keyed streams: plain streams of pairs must go through IntoKeyed.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	a := hydro.SourceIter(leader, []hydro.KV[string, int]{{Key: "a", Val: 1}})
	b := hydro.SourceIter(leader, []hydro.KV[string, int]{{Key: "a", Val: 2}})
	// want: Stream\[.*\] of a does not match hydro\.KeyedStream\[K, V1, L\]
	hydro.Join(a, b)
	f.MustCompile()
}
