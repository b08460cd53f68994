// SPDX-License-Identifier: Apache-2.0

// Command reachability computes which vertices of a graph are reachable from
// a starting vertex with a DFIR fixpoint cycle, prints them, computes them
// again with a flow in the hydro language, and prints the DFIR graph as
// Mermaid (paste it into https://mermaid.live to see it).
//
//	go run ./examples/reachability
package main

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/dfir"
)

// Edge is a directed edge From → To.
type Edge = dfir.KV[int, int]

// Build builds the reachability dataflow: the vertices reached so far are
// joined with the edges to find their successors, which flow back into the
// reached set through a cycle until nothing new appears. It returns the graph
// and the output that receives each reachable vertex once.
func Build(edges []Edge, start int) (*dfir.Graph, *dfir.Output[int]) {
	g := dfir.New()
	edgeIn := dfir.SourceIter(g, edges).Named("edges")
	back, next := dfir.NewCycle[int](g)
	reached := dfir.Unique(dfir.Union(dfir.SourceIter(g, []int{start}).Named("start"), next))
	split := dfir.Tee(reached, 2)
	out := dfir.SinkOutput(split[0])
	keyed := dfir.Map(split[1], func(v int) dfir.KV[int, struct{}] { return dfir.KV[int, struct{}]{Key: v} })
	succ := dfir.Join(keyed, edgeIn)
	back.Close(dfir.Map(succ, func(m dfir.KV[int, dfir.Pair[struct{}, int]]) int { return m.Val.Right }))
	return g, out
}

func main() {
	edges := []Edge{{Key: 0, Val: 1}, {Key: 1, Val: 2}, {Key: 2, Val: 0}, {Key: 2, Val: 3}, {Key: 4, Val: 5}, {Key: 3, Val: 6}}
	g, out := Build(edges, 0)
	if err := g.Compile(); err != nil {
		panic(err)
	}
	g.RunAvailable()
	reached := out.Drain(nil)
	slices.Sort(reached)
	fmt.Println("reachable from 0:", reached)

	f, hout := ReachFlow(edges, 0)
	r := hydro.MustLocal(f)
	r.RunAvailable()
	viaFlow := hout.Drain(r)
	slices.Sort(viaFlow)
	fmt.Println("the same, in the hydro language:", viaFlow)
	fmt.Println()
	fmt.Print(g.Mermaid())
}
