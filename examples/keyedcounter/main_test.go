// SPDX-License-Identifier: Apache-2.0

package main

import (
	"math/rand/v2"
	"testing"

	"github.com/hydro-go/hydro"
)

func Example() {
	main()
	// Output:
	// apple: 2
	// pear: 1
	// plum: 0
}

// Random increments and reads, each in its own tick, against a map.
func TestKeyedCounterMatchesMap(t *testing.T) {
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	incIn, increments := hydro.NewInput[string](server)
	readIn, reads := hydro.NewInput[string](server)
	out := hydro.NewOutput(KeyedCounter(increments, reads))
	r := hydro.MustLocal(f)
	model := map[string]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "c", "d"}
	for i := range 200 {
		k := keys[rng.IntN(len(keys))]
		if rng.IntN(2) == 0 {
			incIn.Push(r, k)
			model[k]++
			r.RunAvailable()
			continue
		}
		readIn.Push(r, k)
		r.RunAvailable()
		got := out.Drain(r)
		if len(got) != 1 || got[0].Key != k || got[0].Val != model[k] {
			t.Fatalf("step %d: read %q = %v; want [(%s, %d)]", i, k, got, k, model[k])
		}
	}
}
