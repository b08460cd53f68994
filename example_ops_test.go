// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
)

// A generator keeps a state across the items, emits what it chooses, and
// may end the stream: here, a running total that reports every new
// hundred and stops at the first refund.
func ExampleGenerator() {
	type Shop struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Shop](f)
	sales := hydro.SourceIter(p, []int{40, 70, 20, 90, -5, 300})
	reports := hydro.Generator(sales, func() int { return 0 }, func(total *int, x int) hydro.Generate[string] {
		if x < 0 {
			return hydro.Return(fmt.Sprintf("refund after %d", *total))
		}
		before := *total
		*total += x
		if *total/100 > before/100 {
			return hydro.Yield(fmt.Sprintf("passed %d", *total/100*100))
		}
		return hydro.Continue[string]()
	})
	out := hydro.NewOutput(reports)
	r := hydro.MustLocal(f)
	r.RunAvailable()
	fmt.Println(out.Drain(r))
	// Output: [passed 100 passed 200 refund after 220]
}

// FoldEarlyStop gives each key a value once its fold decides it is done,
// and that value never changes: here, each bidder's first bid over 50.
func ExampleFoldEarlyStop() {
	type Auction struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Auction](f)
	bids := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{
		{Key: "ann", Val: 30}, {Key: "bob", Val: 60}, {Key: "ann", Val: 55}, {Key: "bob", Val: 90}, {Key: "cy", Val: 10},
	}))
	winning := hydro.FoldEarlyStop(bids, func() int { return 0 }, func(bid *int, v int) bool {
		*bid = v
		return v > 50
	})
	out := hydro.NewOutput(winning.Entries())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	got := out.Drain(r)
	slices.SortFunc(got, func(a, b hydro.KV[string, int]) int { return cmp.Compare(a.Key, b.Key) })
	fmt.Println(got)
	// Output: [(ann, 55) (bob, 60)]
}

// Lookup reads a keyed singleton for every value of a keyed stream, keeping
// each key's order: here, orders priced from a fixed price list.
func ExampleLookup() {
	type Shop struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Shop](f)
	prices := hydro.FirstKeyed(hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "tea", Val: 3}, {Key: "cake", Val: 5}})))
	orders := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "tea", Val: 2}, {Key: "pie", Val: 1}, {Key: "tea", Val: 1}}))
	priced := hydro.MapWithKey(hydro.Lookup(orders, prices), func(item string, p hydro.Pair[int, int]) string {
		return fmt.Sprintf("%d %s: %d", p.Left, item, p.Left*p.Right)
	})
	out := hydro.NewOutput(priced.Values())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	fmt.Println(out.Drain(r))
	// Output: [2 tea: 6 1 tea: 3]
}

// ReduceWatermark bounds the state of a reduction over an unbounded stream:
// the rounds up to the watermark are forgotten.
func ExampleReduceWatermark() {
	type Counter struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Counter](f)
	votes, vs := hydro.NewInput[hydro.KV[int, int]](p)
	closed, cs := hydro.NewInput[int](p)
	perRound := hydro.ReduceWatermark(hydro.IntoKeyed(vs), hydro.Last(cs), func(acc *int, v int) { *acc += v })
	tick := hydro.NewTick(p)
	out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotKeyed(perRound, tick, "printed once per tick").Entries()))
	r := hydro.MustLocal(f)
	votes.Push(r, hydro.KV[int, int]{Key: 1, Val: 1}, hydro.KV[int, int]{Key: 1, Val: 1})
	r.RunTick()
	fmt.Println(out.Drain(r))
	votes.Push(r, hydro.KV[int, int]{Key: 2, Val: 1})
	closed.Push(r, 1)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output:
	// [(1, 2)]
	// [(2, 1)]
}

// OptionalFirstTick starts a tick's state: here a counter of ticks, one in
// the first tick.
func ExampleOptionalFirstTick() {
	type Server struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Server](f)
	tick := hydro.NewTick(p)
	first := hydro.OptionalFirstTick(tick, 1)
	cycle, prev := hydro.TickCycle[int](tick)
	count := hydro.UnwrapOrElse(first, hydro.MapSingleton(hydro.Fold(prev, func() int { return 0 }, func(acc *int, v int) { *acc = v }),
		func(n int) int { return n + 1 }))
	cycle.Complete(count.IntoStream())
	out := hydro.NewOutput(hydro.AllTicks(count.IntoStream()))
	r := hydro.MustLocal(f)
	r.RunTicks(3)
	fmt.Println(out.Drain(r))
	// Output: [1 2 3]
}

// MergeOrdered interleaves two ordered streams into an ordered one: each
// keeps its own order, so an order-sensitive operator may follow.
func ExampleMergeOrdered() {
	type Log struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Log](f)
	app := hydro.SourceIter(p, []string{"app: start", "app: ready"})
	db := hydro.SourceIter(p, []string{"db: open"})
	lines := hydro.Enumerate(hydro.MergeOrdered(app, db, "any interleaving of the two logs will do"))
	out := hydro.NewOutput(lines)
	r := hydro.MustLocal(f)
	r.RunAvailable()
	var app2 []string
	for _, l := range out.Drain(r) {
		if l.Val != "db: open" {
			app2 = append(app2, l.Val)
		}
	}
	fmt.Println(app2)
	// Output: [app: start app: ready]
}
