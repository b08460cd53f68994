// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/lattice"
)

func ExampleUnzip() {
	g := dfir.New()
	type p = dfir.Pair[string, int]
	names, ages := dfir.Unzip(dfir.SourceIter(g, []p{{"ann", 31}, {"bob", 27}}))
	n, a := dfir.SinkOutput(names), dfir.SinkOutput(ages)
	g.RunTick()
	fmt.Println(n.Drain(nil), a.Drain(nil))
	// Output:
	// [ann bob] [31 27]
}

func ExampleZipLongest() {
	g := dfir.New()
	nums := dfir.SourceIter(g, []int{1, 2, 3})
	words := dfir.SourceIter(g, []string{"one", "two"})
	out := dfir.SinkOutput(dfir.ZipLongest(nums, words))
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [(1, one) (2, two) (3, _)]
}

func ExampleMultisetDelta() {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	out := dfir.SinkOutput(dfir.MultisetDelta(p))
	for _, tick := range [][]int{{3, 4, 3}, {3, 5, 3, 3}} {
		in.PushAll(tick)
		g.RunTick()
		fmt.Println(out.Drain(nil))
	}
	// Output:
	// [3 4 3]
	// [5 3]
}

// Join is a multiset join; JoinSet, DFIR's join, gives each distinct match
// once.
func ExampleJoinSet() {
	g := dfir.New()
	type kv = dfir.KV[string, int]
	ls := dfir.Tee(dfir.SourceIter(g, []kv{{"a", 1}, {"a", 1}}), 2)
	rs := dfir.Tee(dfir.SourceIter(g, []kv{{"a", 2}}), 2)
	multi := dfir.SinkOutput(dfir.Join(ls[0], rs[0]))
	set := dfir.SinkOutput(dfir.JoinSet(ls[1], rs[1]))
	g.RunTick()
	fmt.Println(multi.Drain(nil), set.Drain(nil))
	// Output:
	// [(a, (1, 2)) (a, (1, 2))] [(a, (1, 2))]
}

func ExampleCrossJoinSet() {
	g := dfir.New()
	out := dfir.SinkOutput(dfir.CrossJoinSet(dfir.SourceIter(g, []int{1, 1, 2}), dfir.SourceIter(g, []string{"x", "x"})))
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [(1, x) (2, x)]
}

func ExamplePersistMut() {
	g := dfir.New()
	in, cmds := dfir.SourceInput[dfir.Persistence[string]](g)
	out := dfir.SinkOutput(dfir.PersistMut(cmds))
	in.Push(dfir.Persistence[string]{Val: "apple"})
	in.Push(dfir.Persistence[string]{Val: "pear"})
	g.RunTick()
	fmt.Println(out.Drain(nil))
	in.Push(dfir.Persistence[string]{Val: "apple", Delete: true})
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [apple pear]
	// [pear]
}

func ExamplePersistMutKeyed() {
	g := dfir.New()
	type cmd = dfir.PersistenceKeyed[string, int]
	in, cmds := dfir.SourceInput[cmd](g)
	out := dfir.SinkOutput(dfir.PersistMutKeyed(cmds))
	in.PushAll([]cmd{{Key: "x", Val: 1}, {Key: "y", Val: 2}, {Key: "x", Val: 3}})
	g.RunTick()
	fmt.Println(out.Drain(nil))
	in.Push(cmd{Key: "x", Delete: true})
	g.RunTick()
	fmt.Println(out.Drain(nil))
	// Output:
	// [(x, 1) (y, 2) (x, 3)]
	// [(y, 2)]
}

// Words folded into a set lattice, each word merged as a one-element set.
func ExampleLatticeFoldFrom() {
	g := dfir.New()
	in, words := dfir.SourceInput[string](g)
	type set = lattice.SetUnion[string]
	empty := func() set { return lattice.NewSetUnion[string]() }
	seen := dfir.LatticeFoldFrom(words, empty, (*set).Insert, dfir.Static)
	out := dfir.SinkOutput(dfir.Map(seen, set.Len))
	for _, tick := range [][]string{{"a", "b", "a"}, {"b"}, {"c"}} {
		in.PushAll(tick)
		g.RunTick()
		fmt.Println(out.Drain(nil))
	}
	// Output:
	// [2]
	// [2]
	// [3]
}
