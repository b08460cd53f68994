// SPDX-License-Identifier: Apache-2.0

// Command keyedcounter counts increments per key and answers reads of a key
// with its count.
//
//	go run ./examples/keyedcounter
package main

import (
	"fmt"

	"github.com/hydro-go/hydro"
)

// Server names the process the counter runs at.
type Server struct{}

// KeyedCounter counts increments per key and answers each read of a key with
// that key's count as of the read's tick (0 for a key never incremented).
func KeyedCounter[L hydro.Location](increments, reads hydro.Stream[string, L]) hydro.Stream[hydro.KV[string, int], L] {
	tick := hydro.NewTick(increments.Location())
	ones := hydro.IntoKeyed(hydro.Map(increments, func(k string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: k, Val: 1} }))
	counts := hydro.FoldKeyed(ones, func() int { return 0 }, func(acc *int, n int) { *acc += n })
	now := hydro.SnapshotKeyed(counts, tick, hydro.NonDet("a read may not see increments of its own tick"))
	batch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent of each other"))
	asKeys := hydro.IntoKeyed(hydro.Map(batch, func(k string) hydro.KV[string, struct{}] { return hydro.KV[string, struct{}]{Key: k} }))
	found := hydro.Join(asKeys, hydro.IntoKeyed(now.Entries()))
	hits := hydro.Map(found.Entries(), func(kv hydro.KV[string, hydro.Pair[struct{}, int]]) hydro.KV[string, int] {
		return hydro.KV[string, int]{Key: kv.Key, Val: kv.Val.Right}
	})
	misses := hydro.Map(hydro.FilterNotIn(batch, now.Keys()), func(k string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: k} })
	return hydro.AllTicks(hydro.Merge(hits, misses))
}

func main() {
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	incIn, increments := hydro.NewInput[string](server)
	readIn, reads := hydro.NewInput[string](server)
	out := hydro.NewOutput(KeyedCounter(increments, reads))

	r := hydro.MustLocal(f)
	incIn.Push(r, "apple", "pear", "apple")
	r.RunAvailable()
	readIn.Push(r, "apple")
	r.RunAvailable()
	readIn.Push(r, "pear")
	r.RunAvailable()
	readIn.Push(r, "plum")
	r.RunAvailable()
	for _, kv := range out.Drain(r) {
		fmt.Printf("%s: %d\n", kv.Key, kv.Val)
	}
}
