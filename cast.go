// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// A collection's guarantees can always be weakened for free, to match a
// forward reference's declaration or another input. Strengthening them is a
// claim the flow cannot check, so it takes a NonDet reason like any other
// non-deterministic choice.
//
// NB: these are functions, not methods of Stream, as are Inspect and
// Partition: Go compiles every method of a generic type for each element
// type a program uses, whether called or not, and that compile time is what
// a user waits for between an edit and a test. Methods stay for what nearly
// every flow calls.

func recast[T any, L Location](s Stream[T, L], op string, p ir.Props) *ir.Node {
	return build[T](s.l, op, p, []*ir.Node{s.node()}, compile.Identity[T]{}, nil)
}

// WeakenOrder forgets the stream's order.
func WeakenOrder[T any, L Location](s Stream[T, L]) Stream[T, L] {
	p := s.node().Props
	p.Ordered = false
	return stream[T](recast(s, "weaken_order", p), s.l)
}

// WeakenRetries forgets that the stream is exactly-once.
func WeakenRetries[T any, L Location](s Stream[T, L]) Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = false
	return stream[T](recast(s, "weaken_retries", p), s.l)
}

// AssumeOrdered declares an unordered stream ordered: the reason must say
// why its order cannot vary between runs, or why the program does not care.
func AssumeOrdered[T any, L Location](s Stream[T, L], nd NonDet) Stream[T, L] {
	p := s.node().Props
	p.Ordered = true
	n := build[T](s.l, "assume_ordered", p, []*ir.Node{s.node()}, compile.AssumeOrdered[T]{}, nil)
	needNonDet(n, nd)
	return stream[T](n, s.l)
}

// AssumeExactlyOnce declares an at-least-once stream exactly-once: the
// reason must say why no item can repeat, or why repeats do no harm.
func AssumeExactlyOnce[T any, L Location](s Stream[T, L], nd NonDet) Stream[T, L] {
	p := s.node().Props
	p.ExactlyOnce = true
	n := recast(s, "assume_exactly_once", p)
	needNonDet(n, nd)
	return stream[T](n, s.l)
}
