// SPDX-License-Identifier: Apache-2.0

package hydro_test

// Hydro's single-process quickstart programs (hydro.run, "Learn"): a
// counter, a keyed counter, and graph reachability, each driven tick by tick.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

type (
	client = int
	reply  = hydro.KV[client, int] // a client and the count it was told
)

// counter is the single counter: each increment (the id of the client that
// sent it) is acknowledged, and each read is answered with the count as of
// the tick the read is handled in. Both live in one process, so a read in
// the tick of an increment, or after its acknowledgement, sees it.
func counter(incs, gets hydro.Stream[client, proc]) (acks hydro.Stream[client, proc], replies hydro.Stream[reply, proc]) {
	count := hydro.Count(incs)
	tk := hydro.NewTick(gets.Location())
	reads := hydro.CrossSingleton(hydro.Batch(gets, tk, nd), hydro.Snapshot(count, tk, nd))
	replies = hydro.AllTicks(hydro.Map(reads, func(p hydro.Pair[client, int]) reply { return kv(p.Left, p.Right) }))
	return incs, replies
}

func TestQuickstartCounter(t *testing.T) {
	steps := []struct {
		incs, gets  []client
		wantAcks    []client
		wantReplies []reply
	}{
		{incs: ints(1), wantAcks: ints(1)},
		{gets: ints(1), wantReplies: []reply{kv(1, 1)}},
		// A read in the same tick as increments sees them.
		{incs: ints(2, 3), gets: ints(2), wantAcks: ints(2, 3), wantReplies: []reply{kv(2, 3)}},
		{},
		{gets: ints(1, 3), wantReplies: []reply{kv(1, 3), kv(3, 3)}},
	}
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	incIn, incs := hydro.NewInput[client](p)
	getIn, gets := hydro.NewInput[client](p)
	acks, replies := counter(incs, gets)
	ackOut, replyOut := hydro.NewOutput(acks), hydro.NewOutput(replies)
	r := local(t, f)
	for i, st := range steps {
		incIn.Push(r, st.incs...)
		getIn.Push(r, st.gets...)
		r.RunTick()
		if g, w := ackOut.Drain(r), st.wantAcks; !slices.Equal(g, w) {
			t.Errorf("tick %d: counter acks(incs %v) = %v; want %v", i, st.incs, g, w)
		}
		if g, w := replyOut.Drain(r), st.wantReplies; fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("tick %d: counter replies(gets %v) = %v; want %v", i, st.gets, g, w)
		}
	}
}

type (
	keyReq   = hydro.KV[client, string]                // a client and the key it names
	keyReply = hydro.KV[client, hydro.KV[string, int]] // a client, a key and its count
)

// keyedCounter is the keyed counter: increments and reads name a key; the
// counts per key are a keyed singleton, and a read is answered by joining it
// with a snapshot of the counts. A key never incremented gets no reply. It
// also returns the snapshot of all counts, for the test to watch.
func keyedCounter(incs, gets hydro.Stream[keyReq, proc]) (replies hydro.Stream[keyReply, proc], counts hydro.Stream[hydro.KV[string, int], proc]) {
	byKey := hydro.IntoKeyed(hydro.Map(incs, func(r keyReq) hydro.KV[string, client] { return kv(r.Val, r.Key) }))
	perKey := hydro.FoldKeyed(byKey, zero, func(acc *int, _ client) { *acc++ }, hydro.Commutative)

	tk := hydro.NewTick(gets.Location())
	snap := hydro.SnapshotKeyed(perKey, tk, nd)
	reads := hydro.IntoKeyed(hydro.Map(hydro.Batch(gets, tk, nd), func(r keyReq) hydro.KV[string, client] { return kv(r.Val, r.Key) }))
	found := hydro.Join(reads, hydro.IntoKeyed(snap.Entries())).Entries()
	replies = hydro.AllTicks(hydro.Map(found, func(e hydro.KV[string, hydro.Pair[client, int]]) keyReply {
		return kv(e.Val.Left, kv(e.Key, e.Val.Right))
	}))
	return replies, hydro.AllTicks(snap.Entries())
}

func TestQuickstartKeyedCounter(t *testing.T) {
	steps := []struct {
		incs, gets  []keyReq
		wantReplies []keyReply
		wantCounts  []hydro.KV[string, int]
	}{
		{
			incs:       []keyReq{kv(1, "abc"), kv(2, "abc"), kv(1, "x")},
			wantCounts: []hydro.KV[string, int]{kv("abc", 2), kv("x", 1)},
		},
		{
			gets:        []keyReq{kv(1, "abc"), kv(2, "nope")},
			wantReplies: []keyReply{kv(1, kv("abc", 2))},
			wantCounts:  []hydro.KV[string, int]{kv("abc", 2), kv("x", 1)},
		},
		{
			incs:        []keyReq{kv(3, "x")},
			gets:        []keyReq{kv(3, "x"), kv(1, "x")},
			wantReplies: []keyReply{kv(3, kv("x", 2)), kv(1, kv("x", 2))},
			wantCounts:  []hydro.KV[string, int]{kv("abc", 2), kv("x", 2)},
		},
	}
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	incIn, incs := hydro.NewInput[keyReq](p)
	getIn, gets := hydro.NewInput[keyReq](p)
	replies, counts := keyedCounter(incs, gets)
	replyOut, countOut := hydro.NewOutput(replies), hydro.NewOutput(counts)
	r := local(t, f)
	for i, st := range steps {
		incIn.Push(r, st.incs...)
		getIn.Push(r, st.gets...)
		r.RunTick()
		op := fmt.Sprintf("tick %d: keyed counter", i)
		wantUnordered(t, op+" replies", st.gets, [][]keyReply{replyOut.Drain(r)}, [][]keyReply{st.wantReplies})
		wantUnordered(t, op+" counts", st.incs, [][]hydro.KV[string, int]{countOut.Drain(r)}, [][]hydro.KV[string, int]{st.wantCounts})
	}
}

// TestQuickstartReachability runs reachable (semantics_tick_test.go) on
// random graphs, one graph per tick, and compares each tick's result with a
// breadth-first search. Tick state resets, so one flow serves every graph.
func TestQuickstartReachability(t *testing.T) {
	const seed = 20261125
	rng := rand.New(rand.NewPCG(seed, 0))
	type graph struct {
		roots []int
		edges []hydro.KV[int, int]
	}
	graphs := make([]graph, 40)
	for i := range graphs {
		n := 1 + rng.IntN(30)
		var g graph
		for range 1 + rng.IntN(3) {
			g.roots = append(g.roots, rng.IntN(n))
		}
		for range rng.IntN(2 * n) {
			g.edges = append(g.edges, kv(rng.IntN(n), rng.IntN(n)))
		}
		graphs[i] = g
	}
	steps := make([]two[int, hydro.KV[int, int]], len(graphs))
	for i, g := range graphs {
		steps[i] = two[int, hydro.KV[int, int]]{a: g.roots, b: g.edges}
	}
	got := inTick2(t, reachable[proc], steps...)
	for i, g := range graphs {
		w := bfs(g.roots, g.edges)
		if gs, ws := fmt.Sprint(sortTicks(got[i:i+1])), fmt.Sprint(sortTicks([][]int{w})); gs != ws {
			t.Errorf("seed %d, graph %d: reachable(roots %v, edges %v) = %s; want %s", seed, i, g.roots, g.edges, gs, ws)
		}
	}
}

// bfs returns the vertices reachable from roots, each once.
func bfs(roots []int, edges []hydro.KV[int, int]) []int {
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
