// SPDX-License-Identifier: Apache-2.0

package main

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

func Example() {
	main()
	// Output:
	// reachable from 0: [0 1 2 3 6]
	// the same, in the hydro language: [0 1 2 3 6]
	//
	// flowchart TD
	//     subgraph stratum0 ["stratum 0"]
	//         subgraph subgraph0 ["subgraph 0"]
	//             n0["edges: source_iter"]
	//             n1["cycle"]
	//             n2["start: source_iter"]
	//             n3["union"]
	//             n4["unique"]
	//             n5["tee"]
	//             n6["sink_output"]
	//             n7["map"]
	//             n8["join"]
	//             n9["map"]
	//         end
	//     end
	//     n0 -->|"in 1"| n8
	//     n1 -->|"in 1"| n3
	//     n2 -->|"in 0"| n3
	//     n3 --> n4
	//     n4 --> n5
	//     n5 -->|"out 0"| n6
	//     n5 -->|"out 1"| n7
	//     n7 -.->|"in 0, cycle"| n8
	//     n8 --> n9
	//     n9 --> n1
}

// bfs is the model: breadth-first search over an adjacency map.
func bfs(edges []Edge, start int) []int {
	adj := map[int][]int{}
	for _, e := range edges {
		adj[e.Key] = append(adj[e.Key], e.Val)
	}
	seen := map[int]bool{start: true}
	queue := []int{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range adj[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	var out []int
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func TestReachabilityMatchesBFS(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		nv := 1 + r.IntN(200)
		edges := make([]Edge, r.IntN(4*nv))
		for i := range edges {
			edges[i] = Edge{Key: r.IntN(nv), Val: r.IntN(nv)}
		}
		g, out := Build(edges, 0)
		if err := g.Compile(); err != nil {
			t.Fatal(err)
		}
		if ticks := g.RunAvailable(); ticks != 1 {
			t.Errorf("seed %d: RunAvailable() = %d ticks; want 1", seed, ticks)
		}
		got := out.Drain(nil)
		slices.Sort(got)
		if want := bfs(edges, 0); !slices.Equal(got, want) {
			t.Errorf("seed %d: reachable = %v; want %v", seed, got, want)
		}
	}
}

func TestReachFlowMatchesBFS(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 2))
		nv := 1 + r.IntN(100)
		edges := make([]Edge, r.IntN(4*nv))
		for i := range edges {
			edges[i] = Edge{Key: r.IntN(nv), Val: r.IntN(nv)}
		}
		f, out := ReachFlow(edges, 0)
		run := hydro.MustLocal(f)
		run.RunAvailable()
		got := out.Drain(run)
		slices.Sort(got)
		if want := bfs(edges, 0); !slices.Equal(got, want) {
			t.Errorf("seed %d: reachable = %v; want %v", seed, got, want)
		}
	}
}
