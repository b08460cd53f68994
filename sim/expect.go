// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"reflect"
	"slices"

	"github.com/hydro-go/hydro"
)

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

// Next returns the next item o yields, stepping r (checking invariants)
// until there is one; it fails the execution if r settles first. Items
// drained from o but not yet returned wait for the next call of Next or
// Collect on o.
func Next[T any](s *Sim, r *hydro.Local, o *hydro.Output[T]) T {
	defer func() { s.looping = false }()
	for {
		if q := s.pending[o]; len(q) > 0 {
			s.pending[o] = q[1:]
			return q[0].(T)
		}
		if items := o.Drain(r); len(items) > 0 {
			s.hold(o, items)
			continue
		}
		if !s.step(r) {
			s.Fatalf("an output yielded nothing more: the flow settled")
		}
		s.looping = true
	}
}

// Collect runs r until it settles (checking invariants) and returns
// everything o yielded that Next has not returned.
func Collect[T any](s *Sim, r *hydro.Local, o *hydro.Output[T]) []T {
	s.RunAvailable(r)
	var out []T
	for _, v := range s.pending[o] {
		out = append(out, v.(T))
	}
	delete(s.pending, o)
	return append(out, o.Drain(r)...)
}

func (s *Sim) hold(o any, items any) {
	if s.pending == nil {
		s.pending = map[any][]any{}
	}
	v := reflect.ValueOf(items)
	for i := range v.Len() {
		s.pending[o] = append(s.pending[o], v.Index(i).Interface())
	}
}
