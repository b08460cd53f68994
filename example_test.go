// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"strings"

	"github.com/hydro-go/hydro"
)

// Every example builds a flow on one process, runs it in-process with
// hydro.Local, and prints what an output collected. The pattern is always
// the same: push inputs, run a tick, drain outputs.

// Map changes every item of a stream. Items pushed before a tick arrive in
// that tick.
func ExampleMap() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, words := hydro.NewInput[string](server)
	lengths := hydro.Map(words, func(w string) int { return len(w) })
	out := hydro.NewOutput(lengths)

	r := hydro.MustLocal(f)
	in.Push(r, "live", "collections")
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [4 11]
}

// Filter keeps the items a predicate accepts. A stream carries, in each
// tick, the items that arrived in that tick.
func ExampleStream_Filter() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, nums := hydro.NewInput[int](server)
	even := nums.Filter(func(x int) bool { return x%2 == 0 })
	out := hydro.NewOutput(even)

	r := hydro.MustLocal(f)
	for _, batch := range [][]int{{1, 2, 3, 4}, {5}, {6}} {
		in.Push(r, batch...)
		r.RunTick()
		fmt.Println(out.Drain(r))
	}
	// Output:
	// [2 4]
	// []
	// [6]
}

// Fold at a process's top level keeps a running result over everything the
// stream has carried. Its value changes over time, so the program reads it
// through a tick: Snapshot gives each tick the value as of that tick.
func ExampleFold() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, nums := hydro.NewInput[int](server)
	total := hydro.Fold(nums, func() int { return 0 }, func(acc *int, x int) { *acc += x })

	tick := hydro.NewTick(server)
	now := hydro.Snapshot(total, tick, hydro.NonDet("printing the total as it is"))
	out := hydro.NewOutput(hydro.AllTicks(now.IntoStream()))

	r := hydro.MustLocal(f)
	for _, batch := range [][]int{{1, 2}, {}, {3}} {
		in.Push(r, batch...)
		r.RunTick()
		fmt.Println(out.Drain(r))
	}
	// Output:
	// [3]
	// [3]
	// [6]
}

// Batch gives a tick the items that arrived for it. Inside the tick the
// batch is bounded, so it can be counted; the count starts over every tick.
// AllTicks brings the results back out of the tick.
func ExampleBatch() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, requests := hydro.NewInput[string](server)
	tick := hydro.NewTick(server)
	batch := hydro.Batch(requests, tick, hydro.NonDet("requests are independent"))
	perTick := hydro.Count(batch)
	out := hydro.NewOutput(hydro.AllTicks(perTick.IntoStream()))

	r := hydro.MustLocal(f)
	for _, reqs := range [][]string{{"a", "b", "c"}, {}, {"d"}} {
		in.Push(r, reqs...)
		r.RunTick()
		fmt.Println(out.Drain(r))
	}
	// Output:
	// [3]
	// [0]
	// [1]
}

// Join matches two keyed streams on their keys. At a process's top level it
// remembers both sides, so a match is found whichever side arrives first,
// and each match is emitted once.
func ExampleJoin() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	namesIn, names := hydro.NewInput[hydro.KV[int, string]](server)
	agesIn, ages := hydro.NewInput[hydro.KV[int, int]](server)
	people := hydro.Join(hydro.IntoKeyed(names), hydro.IntoKeyed(ages))
	out := hydro.NewOutput(people.Entries())

	r := hydro.MustLocal(f)
	namesIn.Push(r, hydro.KV[int, string]{Key: 1, Val: "ada"}, hydro.KV[int, string]{Key: 2, Val: "bob"})
	agesIn.Push(r, hydro.KV[int, int]{Key: 1, Val: 36})
	r.RunTick()
	fmt.Println(out.Drain(r))

	agesIn.Push(r, hydro.KV[int, int]{Key: 2, Val: 41})
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output:
	// [(1, (ada, 36))]
	// [(2, (bob, 41))]
}

// FoldKeyed folds the values of each key separately: here, a word count of
// each tick's batch. Sorting by word makes the printed order fixed.
func ExampleFoldKeyed() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, words := hydro.NewInput[string](server)
	tick := hydro.NewTick(server)
	batch := hydro.Batch(words, tick, hydro.NonDet("each batch is counted on its own"))
	ones := hydro.Map(batch, func(w string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: w, Val: 1} })
	counts := hydro.FoldKeyed(hydro.IntoKeyed(ones), func() int { return 0 }, func(acc *int, n int) { *acc += n })
	sorted := hydro.SortFunc(counts.Entries(), func(a, b hydro.KV[string, int]) int { return strings.Compare(a.Key, b.Key) })
	out := hydro.NewOutput(hydro.AllTicks(sorted))

	r := hydro.MustLocal(f)
	in.Push(r, strings.Fields("to be or not to be")...)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [(be, 2) (not, 1) (or, 1) (to, 2)]
}

// ForwardRef uses a stream before it is defined, which is how a flow loops.
// Inside a tick the loop runs until nothing new comes around: here, the
// vertices reachable from vertex 1.
func ExampleForwardRef() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	tick := hydro.NewTick(server)

	edge := func(from, to int) hydro.KV[int, int] { return hydro.KV[int, int]{Key: from, Val: to} }
	edges := hydro.SourceIter(tick, []hydro.KV[int, int]{edge(1, 2), edge(2, 3), edge(3, 1), edge(4, 5)})
	roots := hydro.SourceIter(tick, []int{1})

	// reached is defined below, in terms of itself.
	define, reached := hydro.ForwardRef[int](tick, hydro.Unordered)
	from := hydro.Map(reached, func(v int) hydro.KV[int, struct{}] { return hydro.KV[int, struct{}]{Key: v} })
	steps := hydro.Join(hydro.IntoKeyed(from), hydro.IntoKeyed(edges)).Values()
	next := hydro.Map(steps, func(p hydro.Pair[struct{}, int]) int { return p.Right })
	all := hydro.Unique(hydro.Merge(roots, next))
	define.Complete(all)

	out := hydro.NewOutput(hydro.AllTicks(hydro.Sort(all)))
	r := hydro.MustLocal(f)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [1 2 3]
}

// TickCycle carries state from one tick to the next: what completes it in
// a tick, it holds in the following tick. Here it keeps a running count of
// requests, in the tick, where it can be used with each batch.
func ExampleTickCycle() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, requests := hydro.NewInput[string](server)
	tick := hydro.NewTick(server)
	batch := hydro.Batch(requests, tick, hydro.NonDet("requests are independent"))

	define, before := hydro.TickCycle[int](tick)
	ones := hydro.Map(batch, func(string) int { return 1 })
	total := hydro.Fold(hydro.Merge(before, ones), func() int { return 0 }, func(acc *int, n int) { *acc += n }, hydro.Commutative)
	define.Complete(total.IntoStream())
	out := hydro.NewOutput(hydro.AllTicks(total.IntoStream()))

	r := hydro.MustLocal(f)
	for _, reqs := range [][]string{{"a", "b"}, {}, {"c"}} {
		in.Push(r, reqs...)
		r.RunTick()
		fmt.Println(out.Drain(r))
	}
	// Output:
	// [2]
	// [2]
	// [3]
}

// Sort orders a bounded stream, such as a tick's batch.
func ExampleSort() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, nums := hydro.NewInput[int](server)
	tick := hydro.NewTick(server)
	sorted := hydro.Sort(hydro.Batch(nums, tick, hydro.NonDet("each batch is sorted on its own")))
	out := hydro.NewOutput(hydro.AllTicks(sorted))

	r := hydro.MustLocal(f)
	in.Push(r, 3, 1, 2)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [1 2 3]
}

// Chain emits all of its first stream, then its second: here a tick's batch
// followed by the number of items in it.
func ExampleChain() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, nums := hydro.NewInput[int](server)
	tick := hydro.NewTick(server)
	batch := hydro.Batch(nums, tick, hydro.NonDet("each batch is reported on its own"))
	report := hydro.Chain(batch, hydro.Count(batch).IntoStream())
	out := hydro.NewOutput(hydro.AllTicks(report))

	r := hydro.MustLocal(f)
	in.Push(r, 123, 456)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [123 456 2]
}

// CrossSingleton pairs every item of a stream with one value: here every
// request of a tick with the number of requests in that tick.
func ExampleCrossSingleton() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	in, requests := hydro.NewInput[string](server)
	tick := hydro.NewTick(server)
	batch := hydro.Batch(requests, tick, hydro.NonDet("requests are independent"))
	withLoad := hydro.CrossSingleton(batch, hydro.Count(batch))
	out := hydro.NewOutput(hydro.AllTicks(withLoad))

	r := hydro.MustLocal(f)
	in.Push(r, "a", "b")
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [(a, 2) (b, 2)]
}

// Snapshot reads a changing value from a tick. This is Hydro's counter:
// increments are counted at the top level, and each read, handled in a
// tick, is answered with the count as of that tick.
func ExampleSnapshot() {
	type Server struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)

	incIn, increments := hydro.NewInput[string](server)
	getIn, gets := hydro.NewInput[string](server)
	count := hydro.Count(increments)

	tick := hydro.NewTick(server)
	reads := hydro.Batch(gets, tick, hydro.NonDet("reads are independent"))
	now := hydro.Snapshot(count, tick, hydro.NonDet("a read sees the count when it is handled"))
	out := hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(reads, now)))

	r := hydro.MustLocal(f)
	incIn.Push(r, "alice", "bob")
	r.RunTick()
	getIn.Push(r, "alice")
	r.RunTick()
	incIn.Push(r, "carol")
	getIn.Push(r, "bob")
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [(alice, 2) (bob, 3)]
}
