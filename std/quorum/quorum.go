// SPDX-License-Identifier: Apache-2.0

package quorum

import "github.com/hydro-go/hydro"

// Response is one response to a request: a success, or the error a
// responder reported (as text, so that it can travel).
type Response struct {
	Err string
}

// OK reports whether the response is a success.
func (r Response) OK() bool { return r.Err == "" }

// tally is what is known of a request: successes and responses so far.
// One tally per key per tick is the old one (carried from the last tick),
// the others are this tick's responses; folding them is a sum, so the order
// they come in does not matter.
type tally struct {
	Before, Succ, Total int
}

// Collect emits each request's key once its min-th success has arrived, and
// passes every error on, keyed by request. A request is forgotten once max
// responses have arrived. It needs 0 < min ≤ max.
func Collect[K comparable, L hydro.Location](responses hydro.KeyedStream[K, Response, L], min, max int, nd hydro.NonDet) (done hydro.Stream[K, L], errs hydro.KeyedStream[K, string, L]) {
	if min <= 0 || max < min {
		panic("quorum: Collect needs 0 < min ≤ max")
	}
	tick := hydro.NewTick(responses.Location())
	batch := hydro.BatchKeyed(responses, tick, nd)
	carried, old := hydro.TickCycle[hydro.KV[K, tally]](tick, hydro.Unordered)

	// This tick's tallies: the carried one of each key, and one per
	// response.
	fresh := hydro.MapValues(batch, func(r Response) tally {
		if r.OK() {
			return tally{Succ: 1, Total: 1}
		}
		return tally{Total: 1}
	})
	prior := hydro.Map(old, func(kv hydro.KV[K, tally]) hydro.KV[K, tally] {
		kv.Val.Before = kv.Val.Succ
		return kv
	})
	all := hydro.IntoKeyed(hydro.Merge(fresh.Entries(), prior))
	now := hydro.FoldKeyed(all, func() tally { return tally{} }, func(acc *tally, t tally) {
		acc.Before += t.Before
		acc.Succ += t.Succ
		acc.Total += t.Total
	}, hydro.Commutative).Entries()

	// A key crosses the quorum in the tick its successes reach min.
	crossed := hydro.Map(now.Filter(func(kv hydro.KV[K, tally]) bool {
		return kv.Val.Before < min && kv.Val.Succ >= min
	}), func(kv hydro.KV[K, tally]) K { return kv.Key })
	carried.Complete(now.Filter(func(kv hydro.KV[K, tally]) bool { return kv.Val.Total < max }))

	failed := hydro.FilterMapValues(batch, func(r Response) (string, bool) { return r.Err, !r.OK() })
	return hydro.AllTicks(crossed), allTicksKeyed(failed)
}

// allTicksKeyed gathers a keyed stream of a tick back to its location.
func allTicksKeyed[K comparable, V any, L hydro.Location](s hydro.KeyedStream[K, V, *hydro.Tick[L]]) hydro.KeyedStream[K, V, L] {
	return hydro.IntoKeyed(hydro.AllTicks(s.Entries()))
}
