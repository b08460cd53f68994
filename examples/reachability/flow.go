// SPDX-License-Identifier: Apache-2.0

package main

import "github.com/hydro-go/hydro"

// Solver names the process the flow runs at.
type Solver struct{}

// Reach is the same computation in the hydro language: each tick batches the
// edges and start vertices that arrived, and a tick-level forward reference
// feeds the vertices found back into the join until no new one appears.
func Reach[L hydro.Location](edges hydro.Stream[Edge, L], starts hydro.Stream[int, L]) hydro.Stream[int, L] {
	tick := hydro.NewTick(edges.Location())
	edgeBatch := hydro.IntoKeyed(hydro.Batch(edges, tick, hydro.NonDet("the fixpoint is over whatever edges have arrived")))
	next, found := hydro.ForwardRef[int](tick, hydro.Unordered)
	reached := hydro.Unique(hydro.Merge(hydro.Batch(starts, tick, hydro.NonDet("start vertices are independent")), found))
	keyed := hydro.IntoKeyed(hydro.Map(reached, func(v int) hydro.KV[int, struct{}] { return hydro.KV[int, struct{}]{Key: v} }))
	succ := hydro.Join(keyed, edgeBatch).Values()
	next.Complete(hydro.Map(succ, func(p hydro.Pair[struct{}, int]) int { return p.Right }))
	return hydro.AllTicks(reached)
}

// ReachFlow builds a flow computing what is reachable from start.
func ReachFlow(edges []Edge, start int) (*hydro.Flow, *hydro.Output[int]) {
	f := hydro.NewFlow()
	solver := hydro.NewProcess[Solver](f)
	out := hydro.NewOutput(Reach(hydro.SourceIter(solver, edges), hydro.SourceIter(solver, []int{start})))
	return f, out
}
