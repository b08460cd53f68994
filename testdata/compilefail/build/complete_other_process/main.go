// SPDX-License-Identifier: Apache-2.0

// A forward reference is completed at its own location: a stream at another
// process type does not fit.
package main

import "github.com/hydro-go/hydro"

type Leader struct{}
type Worker struct{}

func main() {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	worker := hydro.NewProcess[Worker](f)
	fw, _ := hydro.ForwardRef[int](leader)
	// want: cannot use hydro\.SourceIter\(worker, .*\) \(value of struct type hydro\.Stream\[int, \*hydro\.Process\[(main\.)?Worker\]\]\) as hydro\.Stream\[int, \*hydro\.Process\[(main\.)?Leader\]\] value
	fw.Complete(hydro.SourceIter(worker, []int{1}))
	f.MustCompile()
}
