// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"cmp"
	"fmt"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Monotone values. A singleton at a location's top level changes as items
// arrive, so what a reader sees depends on when it looks: comparing it with
// a bound needs a Snapshot into a tick, and a NonDet. A value that only
// grows is different: once it passes a bound it stays past it, so "the
// value has reached the bound" is true from some point on in every run,
// whatever the timing. Threshold uses that and needs no NonDet.
//
// The values Compile knows to only grow, at a process's or cluster's top
// level (never at a tick, where a value starts afresh every tick):
//   - Count of a stream;
//   - Fold passed hydro.Monotone (the user's claim, tested by the simulator);
//   - MapSingleton passed hydro.OrderPreserving, of a value that only grows
//     (the claim tested likewise);
//   - any of these computed in an atomic region, there or released from it
//     by EndAtomicSingleton.
//
// And the keyed singletons whose every key's value only grows, for
// ThresholdKeyed: ValueCounts, and FoldKeyed or ReduceKeyed passed
// hydro.Monotone (tested per key by the simulator).

// Threshold emits bound once, the first time x is at least bound. x must only
// grow (see above), which Compile checks, naming the operator that may make
// it shrink; so the output is the same in every run, and needs no NonDet:
// either bound, once, or nothing while x stays below it. At a location's top
// level only; the output is an unbounded stream there.
//
//	votes := hydro.Count(ballots)
//	elected := hydro.Threshold(votes, quorum)   // emits quorum once
func Threshold[T cmp.Ordered, L Location](x Singleton[T, L], bound T) Stream[T, L] {
	in := x.node()
	n := build[T](x.l, "threshold", streamProps(false, true, true), []*ir.Node{in}, compile.Threshold[T]{}, nil)
	n.Params = bound
	n.Label = fmt.Sprintf("≥ %v", bound)
	n.Need(ir.NeedMonotone, 0, "Threshold", "")
	return stream[T](n, x.l)
}

// ThresholdKeyed is Threshold for each key of a keyed singleton: it emits
// the pair of a key and bound once, the first time the key's value is at
// least bound. Every key's value must only grow (see above), which Compile
// checks; then the output is the same in every run and needs no NonDet.
//
//	votes := hydro.ValueCounts(ballotsByCandidate)
//	elected := hydro.ThresholdKeyed(votes, quorum) // each candidate once, when it has a quorum
func ThresholdKeyed[K comparable, T cmp.Ordered, L Location](x KeyedSingleton[K, T, L], bound T) KeyedStream[K, T, L] {
	in := x.node()
	n := build[KV[K, T]](x.l, "threshold_keyed", withKind(streamProps(false, true, true), ir.KeyedStream), []*ir.Node{in}, compile.ThresholdKeyed[K, T]{}, nil)
	n.Params = bound
	n.Label = fmt.Sprintf("≥ %v", bound)
	n.Need(ir.NeedMonotone, 0, "ThresholdKeyed", "use hydro.ValueCounts, or pass hydro.Monotone to the FoldKeyed or ReduceKeyed that makes the values, at the location's top level; or Snapshot the values into a tick and compare them there, with a NonDet")
	return keyedStream[K, T](n, x.l)
}
