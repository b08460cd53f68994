// SPDX-License-Identifier: Apache-2.0

// Joining keyed streams at two processes of different types does not compile:
// the only way across is a networking operator.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}
type Worker struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	worker := hydro.NewProcess[Worker](f)
	a := hydro.IntoKeyed(hydro.SourceIter(leader, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
	b := hydro.IntoKeyed(hydro.SourceIter(worker, []hydro.KV[string, bool]{{Key: "a", Val: true}}))
	// want: Process\[(main\.)?Worker\].*does not match.*Process\[(main\.)?Leader\]
	hydro.Join(a, b)
	f.MustCompile()
}
