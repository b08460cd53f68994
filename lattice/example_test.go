// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"fmt"

	"github.com/hydro-go/hydro/lattice"
)

func ExampleMax() {
	high := lattice.NewMax(3)
	high, changed := high.Merge(lattice.NewMax(7))
	fmt.Println(high, changed)
	high, changed = high.Merge(lattice.NewMax(5))
	fmt.Println(high, changed)
	// Output:
	// Max(7) true
	// Max(7) false
}

func ExampleSetUnion() {
	var seen lattice.SetUnion[string] // the empty set
	for _, batch := range [][]string{{"b", "a"}, {"a"}, {"c", "b"}} {
		changed := lattice.Merge(&seen, lattice.NewSetUnion(batch...))
		fmt.Println(seen, changed)
	}
	fmt.Println(seen.Len(), seen.Has("c"))
	// Output:
	// {a, b} true
	// {a, b} false
	// {a, b, c} true
	// 3 true
}

// Each replica counts the requests it served per endpoint; merging takes the per-key maximum,
// so replicas can exchange their whole state, repeatedly and in any order.
func ExampleMapUnion() {
	type counters = lattice.MapUnion[string, lattice.Max[int]]
	var a, b counters
	a.Insert("/login", lattice.NewMax(3))
	a.Insert("/home", lattice.NewMax(10))
	b.Insert("/login", lattice.NewMax(5))
	b.Insert("/about", lattice.NewMax(1))

	lattice.Merge(&a, b)
	lattice.Merge(&b, a)
	fmt.Println(a)
	fmt.Println(lattice.Equal(a, b))
	login, _ := a.Get("/login")
	fmt.Println(login.V)
	// Output:
	// {/about: Max(1), /home: Max(10), /login: Max(5)}
	// true
	// 5
}

// A last-writer-wins register: the Key is a version (a logical clock), and the write with the
// newest version wins wherever the writes arrive first.
func ExampleDomPair() {
	type register = lattice.DomPair[lattice.Max[uint64], lattice.Conflict[string]]
	write := func(version uint64, v string) register {
		return lattice.NewDomPair(lattice.NewMax(version), lattice.NewConflict(v))
	}
	writes := []register{write(1, "red"), write(3, "blue"), write(2, "green")}

	var r register
	for _, w := range writes {
		lattice.Merge(&r, w)
	}
	v, _ := r.Val.Get()
	fmt.Println(r.Key.V, v)

	// Two different writes with the same version are a conflict, not a silent choice.
	lattice.Merge(&r, write(3, "yellow"))
	_, ok := r.Val.Get()
	fmt.Println(r, ok)
	// Output:
	// 3 blue
	// DomPair(Max(3), conflict) false
}

func ExampleWithBot() {
	// Min[int] has no bottom: a fold of 4 and 7 that started from the zero value, Min(0),
	// would give 0. WithBot adds a bottom, so the fold can start from the zero value.
	var lowest lattice.WithBot[lattice.Min[int]]
	fmt.Println(lowest)
	for _, x := range []int{4, -2, 7} {
		lattice.Merge(&lowest, lattice.NewWithBot(lattice.NewMin(x)))
	}
	m, ok := lowest.Get()
	fmt.Println(m.V, ok)
	// Output:
	// bot
	// -2 true
}
