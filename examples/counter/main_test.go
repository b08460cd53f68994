// SPDX-License-Identifier: Apache-2.0

package main

import (
	"testing"

	"github.com/hydro-go/hydro"
)

func Example() {
	main()
	// Output:
	// acked: [(1, 0) (2, 0)]
	// acked: [(4, 0)]
	// read (id, count): [(3, 3)]
}

// A read in a later tick than an acknowledged increment sees it.
func TestReadsSeeEarlierIncrements(t *testing.T) {
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	incIn, increments := hydro.NewInput[int](server)
	readIn, reads := hydro.NewInput[int](server)
	acks, answers := Counter(increments, reads)
	ackOut, answerOut := hydro.NewOutput(acks), hydro.NewOutput(answers)
	r := hydro.MustLocal(f)
	acked := 0
	for i := range 50 {
		incIn.Push(r, i)
		r.RunAvailable()
		acked += len(ackOut.Drain(r))
		readIn.Push(r, 1000+i)
		r.RunAvailable()
		got := answerOut.Drain(r)
		if len(got) != 1 || got[0].Key != 1000+i || got[0].Val != acked {
			t.Fatalf("read %d = %v; want [(%d, %d)]", i, got, 1000+i, acked)
		}
	}
}
