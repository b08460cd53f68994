// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"strings"

	"github.com/hydro-go/hydro/dfir"
)

// The total length of the words pushed in each tick.
func Example() {
	g := dfir.New()
	in, words := dfir.SourceInput[string](g)
	lens := dfir.Map(words, func(w string) int { return len(w) })
	total := dfir.Fold(lens, func() int { return 0 }, func(acc *int, n int) { *acc += n })
	out := dfir.SinkOutput(total)
	if err := g.Compile(); err != nil {
		fmt.Println(err)
		return
	}

	in.Push("hello")
	in.Push("dataflow")
	g.RunTick()
	fmt.Println(out.Drain(nil))

	in.Push("tick")
	g.RunTick()
	fmt.Println(out.Drain(nil))

	// A tick without input still runs the fold.
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [13]
	// [4]
	// [0]
}

func ExampleMap() {
	g := dfir.New()
	nums := dfir.SourceIter(g, []int{1, 2, 3})
	// Maps over one type rewrite each batch in place.
	squares := dfir.Map(dfir.Map(nums, func(x int) int { return x * x }), func(x int) int { return x + 1 })
	labels := dfir.Map(squares, func(x int) string { return fmt.Sprintf("<%d>", x) })
	out := dfir.SinkOutput(labels)
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [<2> <5> <10>]
}

func ExampleJoin() {
	g := dfir.New()
	type kv = dfir.KV[string, int]
	ages := dfir.SourceIter(g, []kv{{Key: "ann", Val: 31}, {Key: "bob", Val: 27}})
	type ks = dfir.KV[string, string]
	cities := dfir.SourceIter(g, []ks{{Key: "bob", Val: "Oslo"}, {Key: "ann", Val: "Lima"}, {Key: "cat", Val: "Kyiv"}})
	out := dfir.SinkOutput(dfir.Join(ages, cities))
	g.RunTick()
	for _, m := range out.Drain(nil) {
		fmt.Println(m.Key, m.Val.Left, m.Val.Right)
	}
	// Output:
	// bob 27 Oslo
	// ann 31 Lima
}

// A PerTick fold starts afresh every tick; a Static one keeps accumulating.
func ExampleFold() {
	g := dfir.New()
	in, nums := dfir.SourceInput[int](g)
	ps := dfir.Tee(nums, 2)
	sum := func(acc *int, x int) { *acc += x }
	zero := func() int { return 0 }
	tick := dfir.SinkOutput(dfir.Fold(ps[0], zero, sum))
	static := dfir.SinkOutput(dfir.Fold(ps[1], zero, sum, dfir.Static))
	for _, batch := range [][]int{{1, 2}, {3}, {}} {
		in.PushAll(batch)
		g.RunTick()
		fmt.Println(tick.Drain(nil), static.Drain(nil))
	}
	// Output:
	// [3] [3]
	// [3] [6]
	// [0] [6]
}

// Graph reachability: a fixpoint within one tick. The cycle feeds the nodes
// reached back into a join with the edges until no new node appears.
func ExampleNewCycle() {
	g := dfir.New()
	type edge = dfir.KV[string, string]
	edges := dfir.SourceIter(g, []edge{
		{Key: "a", Val: "b"}, {Key: "b", Val: "c"}, {Key: "c", Val: "a"}, {Key: "d", Val: "e"},
	})
	start := dfir.SourceIter(g, []string{"a"})

	cyc, back := dfir.NewCycle[string](g)
	reached := dfir.Tee(dfir.Unique(dfir.Union(start, back)), 2)
	keyed := dfir.Map(reached[1], func(n string) dfir.KV[string, struct{}] { return dfir.KV[string, struct{}]{Key: n} })
	next := dfir.Map(dfir.Join(keyed, edges), func(m dfir.KV[string, dfir.Pair[struct{}, string]]) string { return m.Val.Right })
	cyc.Close(next)
	out := dfir.SinkOutput(reached[0])

	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [a b c]
}

// A counter carried from tick to tick: DeferTick hands each tick's value to
// the next one.
func ExampleDeferTick() {
	g := dfir.New()
	cyc, prev := dfir.NewCycle[int](g)
	count := dfir.Map(dfir.Union(dfir.SourceIter(g, []int{0}), prev), func(n int) int { return n + 1 })
	ps := dfir.Tee(count, 2)
	cyc.Close(dfir.DeferTick(ps[1]))
	out := dfir.SinkOutput(ps[0])

	// The counter always asks for another tick (Pending stays true), so
	// drive it with RunTick, not RunAvailable.
	for range 3 {
		g.RunTick()
		fmt.Println(g.Tick(), out.Drain(nil), g.Pending())
	}
	// Output:
	// 1 [1] true
	// 2 [2] true
	// 3 [3] true
}

func ExampleGraph_Mermaid() {
	g := dfir.New()
	_, words := dfir.SourceInput[string](g)
	short := dfir.Filter(words, func(w string) bool { return len(w) < 5 })
	dfir.SinkOutput(dfir.Sort(short).Named("sorted"))
	fmt.Print(g.Mermaid())
	// Output:
	// flowchart TD
	//     subgraph stratum0 ["stratum 0"]
	//         subgraph subgraph0 ["subgraph 0"]
	//             n0["source_input"]
	//             n1["filter"]
	//         end
	//     end
	//     subgraph stratum1 ["stratum 1"]
	//         subgraph subgraph1 ["subgraph 1"]
	//             n2["sorted: sort"]
	//             n3["sink_output"]
	//         end
	//     end
	//     n0 --> n1
	//     n1 -.->|"stratum"| n2
	//     n2 --> n3
}

// Difference is negation: its negative input is blocking, so it sees all of
// it before the first positive item.
func ExampleDifference() {
	g := dfir.New()
	all := dfir.SourceIter(g, strings.Fields("ant bee cat dog eel"))
	seen := dfir.SourceIter(g, strings.Fields("dog ant"))
	out := dfir.SinkOutput(dfir.Difference(all, seen))
	g.RunTick()
	fmt.Println(out.Drain(nil))

	// The negative input may derive from the positive one: the odd numbers
	// are all known before the difference runs.
	g = dfir.New()
	nums := dfir.Tee(dfir.SourceIter(g, []int{1, 2, 3, 4, 5, 6}), 2)
	odd := dfir.Filter(nums[1], func(x int) bool { return x%2 == 1 })
	evens := dfir.SinkOutput(dfir.Difference(nums[0], odd))
	g.RunTick()
	fmt.Println(evens.Drain(nil))
	// Output:
	// [bee cat eel]
	// [2 4 6]
}
