// SPDX-License-Identifier: Apache-2.0

package request

import "github.com/hydro-go/hydro"

// Join pairs every response with the metadata kept for its request, and
// forgets the metadata once matched. Metadata waits across ticks for its
// response; a response finds the requests pending in its tick, the ones
// that arrived with it included, and is dropped when there are none. All
// the requests pending under a key are matched by its first response.
func Join[K comparable, M, R any, L hydro.Location](requests hydro.KeyedStream[K, M, L], responses hydro.KeyedStream[K, R, L], nd hydro.NonDet) hydro.KeyedStream[K, hydro.Pair[M, R], L] {
	tick := hydro.NewTick(requests.Location())
	carried, waiting := hydro.TickCycle[hydro.KV[K, M]](tick, hydro.Unordered)
	pending := hydro.IntoKeyed(hydro.Merge(hydro.BatchKeyed(requests, tick, nd).Entries(), waiting))
	answers := hydro.BatchKeyed(responses, tick, nd)
	carried.Complete(hydro.AntiJoin(pending, answers.Keys()).Entries())
	matched := hydro.Join(pending, answers)
	return hydro.IntoKeyed(hydro.AllTicks(matched.Entries()))
}
