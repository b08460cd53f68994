// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
)

// The store in one process, on a virtual clock: a proposer is elected
// after a few silent periods, then the client's operations go through the
// log one at a time.
func Example() {
	f := hydro.NewFlow()
	var lines []string
	BuildWith(f, func(l string) { lines = append(lines, l) })
	r := hydro.MustLocal(f, hydro.SizeOf[paxos.Proposer](2), hydro.SizeOf[paxos.Acceptor](3), hydro.SizeOf[Replica](2))
	for i := 0; i < 100 && !slices.Contains(lines, "done"); i++ {
		r.Advance(Config.Period)
	}
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// put a=1: ok
	// put b=2: ok
	// get a: "1"
	// put a=3: ok
	// get a: "3"
	// get b: "2"
	// get c: ""
	// done
}
