// SPDX-License-Identifier: Apache-2.0

package semantics

// Hydro's single-process quickstart programs (hydro.run, "Learn"): a
// counter, a keyed counter, and graph reachability.

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/hydro-go/hydro"
)

type (
	client   = int
	reply    = hydro.KV[client, int]                   // a client and the count it was told
	keyReq   = hydro.KV[client, string]                // a client and the key it names
	keyReply = hydro.KV[client, hydro.KV[string, int]] // a client, a key and its count
)

// Counter is the single counter: each increment (the id of the client that
// sent it) is acknowledged, and each read is answered with the count as of
// the tick the read is handled in. Both live in one process, so a read in
// the tick of an increment, or after its acknowledgement, sees it.
func Counter(incs, gets hydro.Stream[client, Proc]) (acks hydro.Stream[client, Proc], replies hydro.Stream[reply, Proc]) {
	count := hydro.Count(incs)
	tk := hydro.NewTick(gets.Location())
	reads := hydro.CrossSingleton(hydro.Batch(gets, tk, ND), hydro.Snapshot(count, tk, ND))
	replies = hydro.AllTicks(hydro.Map(reads, func(p hydro.Pair[client, int]) reply { return KV(p.Left, p.Right) }))
	return incs, replies
}

// KeyedCounter is the keyed counter: increments and reads name a key; the
// counts per key are a keyed singleton, and a read is answered by joining
// it with a snapshot of the counts. A key never incremented gets no reply.
// It also returns the snapshot of all counts, one item per tick.
func KeyedCounter(incs, gets hydro.Stream[keyReq, Proc]) (replies, counts hydro.Stream[string, Proc]) {
	byKey := hydro.IntoKeyed(hydro.Map(incs, func(r keyReq) hydro.KV[string, client] { return KV(r.Val, r.Key) }))
	perKey := hydro.FoldKeyed(byKey, zero, func(acc *int, _ client) { *acc++ }, hydro.Commutative)

	tk := hydro.NewTick(gets.Location())
	snap := hydro.SnapshotKeyed(perKey, tk, ND)
	reads := hydro.IntoKeyed(hydro.Map(hydro.Batch(gets, tk, ND), func(r keyReq) hydro.KV[string, client] { return KV(r.Val, r.Key) }))
	found := hydro.Join(reads, hydro.IntoKeyed(snap.Entries())).Entries()
	replies = Show(hydro.AllTicks(hydro.Map(found, func(e hydro.KV[string, hydro.Pair[client, int]]) keyReply {
		return KV(e.Val.Left, KV(e.Key, e.Val.Right))
	})))
	return replies, hydro.AllTicks(InOne(snap.Entries()))
}

func quickstartCases() []Case {
	return []Case{
		{
			// A read in the same tick as increments sees them. A runner
			// may take the two inputs in any order, so a read sees at
			// most every increment.
			Name: "quickstart counter", Build: func(e *Env) []Out {
				incs := Input(e, ints(1), nil, ints(2, 3), nil, nil)
				gets := Input(e, nil, ints(1), ints(2), nil, ints(1, 3))
				acks, replies := Counter(incs, gets)
				return []Out{
					Ordered(acks, ints(1), nil, ints(2, 3), nil, nil).Named("acks"),
					Ordered(replies, nil, []reply{KV(1, 1)}, []reply{KV(2, 3)}, nil, []reply{KV(1, 3), KV(3, 3)}).Named("replies").
						Holds(repliesTo(ints(1, 2, 1, 3), 3)),
				}
			},
		},
		{Name: "quickstart keyed counter", Build: func(e *Env) []Out {
			incs := Input(e, []keyReq{KV(1, "abc"), KV(2, "abc"), KV(1, "x")}, nil, []keyReq{KV(3, "x")})
			gets := Input(e, nil, []keyReq{KV(1, "abc"), KV(2, "nope")}, []keyReq{KV(3, "x"), KV(1, "x")})
			replies, counts := KeyedCounter(incs, gets)
			var allowed []string
			for _, g := range []keyReq{KV(1, "abc"), KV(3, "x"), KV(1, "x")} {
				for c := 1; c <= 2; c++ {
					allowed = append(allowed, fmt.Sprint(KV(g.Key, KV(g.Val, c))))
				}
			}
			return []Out{
				Unordered(replies, nil, strs("(1, (abc, 2))"), strs("(3, (x, 2))", "(1, (x, 2))")).Named("replies").
					Holds(Custom("at most one reply per read of a key ever incremented, with a count it reached", func(all []string) error {
						seen := map[string]bool{}
						for _, r := range all {
							if !slices.Contains(allowed, r) {
								return fmt.Errorf("emitted %v; %s is none of %v", all, r, allowed)
							}
							c, kv, _ := fields(r)
							k, _, _ := fields(kv)
							if seen[c+k] {
								return fmt.Errorf("emitted %v: client %s answered twice for %s", all, c, k)
							}
							seen[c+k] = true
						}
						return nil
					}, nil)),
				Ordered(counts,
					one(KV("abc", 2), KV("x", 1)), one(KV("abc", 2), KV("x", 1)), one(KV("abc", 2), KV("x", 2)),
				).Named("counts").Snapshots(one[int]()...),
			}
		}},
		reachabilityCase(),
	}
}

// repliesTo holds for the counter's replies: one per read, in order, each
// count at most total.
func repliesTo(gets []int, total int) Check {
	return Custom(fmt.Sprintf("a reply to each of %v in order, counts at most %d", gets, total), func(all []string) error {
		if len(all) != len(gets) {
			return fmt.Errorf("emitted %v; want a reply to each of %v", all, gets)
		}
		for i, r := range all {
			c, n, _ := fields(r)
			x, err := atoi(n)
			if err != nil {
				return err
			}
			if c != fmt.Sprint(gets[i]) || x < 0 || x > total {
				return fmt.Errorf("emitted %v: reply %d is %s", all, i, r)
			}
		}
		return nil
	}, func(all []string) bool { return len(all) >= len(gets) })
}

// graph is one tick's reachability problem.
type graph struct {
	roots []int
	edges []edge
}

// reachabilityCase runs Reachable on random graphs, one graph per tick,
// against a breadth-first search. Tick state resets, so one flow serves
// every graph. Each graph is one item: a runner that puts several graphs in
// one tick gets the reachability of their union, and the check accepts any
// such grouping of consecutive graphs.
func reachabilityCase() Case {
	const seed = 20261125
	rng := rand.New(rand.NewPCG(seed, 0))
	graphs := make([]graph, 40)
	for i := range graphs {
		n := 1 + rng.IntN(30)
		var g graph
		for range 1 + rng.IntN(3) {
			g.roots = append(g.roots, rng.IntN(n))
		}
		for range rng.IntN(2 * n) {
			g.edges = append(g.edges, KV(rng.IntN(n), rng.IntN(n)))
		}
		graphs[i] = g
	}
	ticks := make([][]graph, len(graphs))
	want := make([][]int, len(graphs))
	for i, g := range graphs {
		ticks[i] = []graph{g}
		want[i] = bfs(g.roots, g.edges)
	}
	return Case{Name: fmt.Sprintf("reachable on random graphs (seed %d)", seed), Build: func(e *Env) []Out {
		s := InTick(Input(e, ticks...), func(gs hydro.Stream[graph, Tick]) hydro.Stream[int, Tick] {
			roots := hydro.FlatMap(gs, func(g graph) []int { return g.roots })
			edges := hydro.FlatMap(gs, func(g graph) []edge { return g.edges })
			return Reachable(roots, edges)
		})
		return []Out{Unordered(s, want...).Holds(reachedInGroups(graphs))}
	}}
}

// reachedInGroups holds when the output is, group after group, the
// vertices reachable in the union of consecutive graphs, each group in any
// order.
func reachedInGroups(graphs []graph) Check {
	ok := func(all []string) error {
		// at[i] lists the lengths of the prefixes of all that the graphs
		// before i account for.
		at := map[int][]int{0: {0}}
		for i := range graphs {
			for _, pos := range at[i] {
				var u graph
				for j := i; j < len(graphs); j++ {
					u.roots = append(u.roots, graphs[j].roots...)
					u.edges = append(u.edges, graphs[j].edges...)
					r := Strings(bfs(u.roots, u.edges)...)
					if end := pos + len(r); end <= len(all) && multisetEq(all[pos:end], r) && !slices.Contains(at[j+1], end) {
						at[j+1] = append(at[j+1], end)
					}
				}
			}
		}
		if !slices.Contains(at[len(graphs)], len(all)) {
			return fmt.Errorf("emitted %d vertices %v; no grouping of the graphs gives them", len(all), all)
		}
		return nil
	}
	// NB: graphs that share a tick reach fewer vertices together than
	// apart, so no count tells when the output is complete: it is when a
	// grouping accounts for all of it.
	return Custom("the reachable vertices of consecutive graphs taken together, group by group", ok,
		func(all []string) bool { return ok(all) == nil })
}

// bfs returns the vertices reachable from roots, each once.
func bfs(roots []int, edges []edge) []int {
	next := map[int][]int{}
	for _, e := range edges {
		next[e.Key] = append(next[e.Key], e.Val)
	}
	seen := map[int]bool{}
	var order, queue []int
	for _, r := range roots {
		if !seen[r] {
			seen[r] = true
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		order = append(order, v)
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return order
}
