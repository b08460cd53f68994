// SPDX-License-Identifier: Apache-2.0

package hydro

import "github.com/hydro-go/hydro/internal/ir"

// A collection's guarantees can always be weakened for free, to match a
// forward reference's declaration or another input. Strengthening them is a
// claim the flow cannot check, so it takes a NonDet reason like any other
// non-deterministic choice.

func recast[T any, L Location](s Stream[T, L], op string, p ir.Props) *ir.Node {
	return build(s.l, op, p, []*ir.Node{s.node()}, false, identity[T])
}

// WeakenOrder forgets the stream's order.
func (s Stream[T, L]) WeakenOrder() Stream[T, L] {
	p := s.node().Props
	p.Ordered = false
	return stream[T](recast(s, "weaken_order", p), s.l)
}

// WeakenRetries forgets that the stream is exactly-once.
func (s Stream[T, L]) WeakenRetries() Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = false
	return stream[T](recast(s, "weaken_retries", p), s.l)
}

// AssumeOrdered declares an unordered stream ordered: the reason must say
// why its order cannot vary between runs, or why the program does not care.
func (s Stream[T, L]) AssumeOrdered(nd NonDet) Stream[T, L] {
	p := s.node().Props
	p.Ordered = true
	n := recast(s, "assume_ordered", p)
	checkNonDet(s.l.flow(), n, nd)
	return stream[T](n, s.l)
}

// AssumeExactlyOnce declares an at-least-once stream exactly-once: the
// reason must say why no item can repeat, or why repeats do no harm.
func (s Stream[T, L]) AssumeExactlyOnce(nd NonDet) Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = true
	n := recast(s, "assume_exactly_once", p)
	checkNonDet(s.l.flow(), n, nd)
	return stream[T](n, s.l)
}
