// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"

	"github.com/hydro-go/hydro"
)

// A count only grows, so whether it has reached a bound does not depend on
// when one looks: Threshold emits the bound once, with no NonDet.
func ExampleThreshold() {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	in, ballots := hydro.NewInput[string](p)
	votes := hydro.Count(ballots)
	elected := hydro.NewOutput(hydro.Threshold(votes, 2))
	// A sum of non-negative amounts grows too: the user says so with
	// hydro.Monotone, which the simulator tests.
	amounts, paid := hydro.NewInput[int](p)
	total := hydro.Fold(paid, func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Monotone)
	inCents := hydro.MapSingleton(total, func(t int) int { return 100 * t }, hydro.OrderPreserving)
	funded := hydro.NewOutput(hydro.Threshold(inCents, 1000))

	r := hydro.MustLocal(f)
	in.Push(r, "ann")
	amounts.Push(r, 4)
	r.RunAvailable()
	fmt.Println(elected.Drain(r), funded.Drain(r))
	in.Push(r, "bob", "cy")
	amounts.Push(r, 7, 1)
	r.RunAvailable()
	fmt.Println(elected.Drain(r), funded.Drain(r))
	// Output:
	// [] []
	// [2] [1000]
}
