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

// Each candidate's count of votes only grows: ThresholdKeyed elects each
// candidate once, when its count reaches the bound.
func ExampleThresholdKeyed() {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	in, ballots := hydro.NewInput[hydro.KV[string, string]](p) // candidate, voter
	votes := hydro.ValueCounts(hydro.IntoKeyed(ballots))
	elected := hydro.NewOutput(hydro.ThresholdKeyed(votes, 2).Entries())

	r := hydro.MustLocal(f)
	in.Push(r, hydro.KV[string, string]{Key: "ann", Val: "v1"}, hydro.KV[string, string]{Key: "bob", Val: "v2"})
	r.RunAvailable()
	fmt.Println(elected.Drain(r))
	in.Push(r, hydro.KV[string, string]{Key: "ann", Val: "v3"}, hydro.KV[string, string]{Key: "ann", Val: "v4"})
	r.RunAvailable()
	fmt.Println(elected.Drain(r))
	// Output:
	// []
	// [(ann, 2)]
}

// A count in an atomic region, released with EndAtomicSingleton, only
// grows as the count does; each value leaves with the acknowledgements of
// the increments it counts.
func ExampleEndAtomicSingleton() {
	type Server struct{}
	f := hydro.NewFlow()
	srv := hydro.NewProcess[Server](f)
	in, incs := hydro.NewInput[int](srv)
	region := hydro.BeginAtomic(incs, hydro.NewTick(srv))
	count := hydro.EndAtomicSingleton(hydro.Count(region))
	acks := hydro.NewOutput(hydro.EndAtomic(region))
	reached := hydro.NewOutput(hydro.Threshold(count, 2))

	r := hydro.MustLocal(f)
	in.Push(r, 10)
	r.RunAvailable()
	fmt.Println(acks.Drain(r), reached.Drain(r))
	in.Push(r, 20)
	r.RunAvailable()
	fmt.Println(acks.Drain(r), reached.Drain(r))
	// Output:
	// [10] []
	// [20] [2]
}
