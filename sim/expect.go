// SPDX-License-Identifier: Apache-2.0

package sim

import "slices"

// Checks on what a flow's outputs yielded, each ending the execution as
// failed with a readable message. what names the output in the message.

// ExpectInOrder checks that got is exactly want, in order.
func ExpectInOrder[T comparable](s *Sim, what string, got, want []T) {
	if !slices.Equal(got, want) {
		s.Fatalf("%s yielded %v; want %v in this order", what, got, want)
	}
}

// ExpectUnordered checks that got holds exactly the items of want, each as
// many times, in any order.
func ExpectUnordered[T comparable](s *Sim, what string, got, want []T) {
	count := map[T]int{}
	for _, v := range want {
		count[v]++
	}
	for _, v := range got {
		count[v]--
	}
	for v, n := range count {
		if n != 0 {
			s.Fatalf("%s yielded %v; want %v in any order (%v appears %d times too few)", what, got, want, v, n)
		}
	}
}

// ExpectOnly checks that every item of got is among allowed.
func ExpectOnly[T comparable](s *Sim, what string, got []T, allowed ...T) {
	for _, v := range got {
		if !slices.Contains(allowed, v) {
			s.Fatalf("%s yielded %v, which is not among %v", what, v, allowed)
		}
	}
}

// ExpectNoMore checks that got is empty: the output yielded nothing more.
func ExpectNoMore[T any](s *Sim, what string, got []T) {
	if len(got) > 0 {
		s.Fatalf("%s yielded %v; want nothing more", what, got)
	}
}
