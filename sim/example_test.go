// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type exampleServer struct{}

// A counter whose reads are answered from a snapshot of the count. With
// fresh snapshots a read after an acknowledged increment always sees it;
// when snapshots may lag, as their NonDet says they can, the search finds a
// read that misses it.
func Example() {
	scenario := func(stale bool) func(*sim.Sim) {
		return func(s *sim.Sim) {
			f := hydro.NewFlow()
			srv := hydro.NewProcess[exampleServer](f)
			incIn, incs := hydro.NewInput[int](srv)
			readIn, reads := hydro.NewInput[int](srv)
			tick := hydro.NewTick(srv)
			count := hydro.Snapshot(hydro.Count(incs), tick, hydro.NonDet("a read may see a lagging count"))
			answers := hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(hydro.Batch(reads, tick, hydro.NonDet("reads are independent")), count)))
			acks := hydro.NewOutput(incs)

			var opts []hydro.LocalOption
			if stale {
				opts = append(opts, sim.StaleSnapshots())
			}
			r := s.Local(f, opts...)
			s.RunAvailable(r)
			incIn.Push(r, 1)
			sim.Next(s, r, acks) // the increment is acknowledged
			readIn.Push(r, 7)
			got := sim.Next(s, r, answers)
			s.Assert(got.Right == 1, "read after an acknowledged increment saw %d", got.Right)
		}
	}
	n, fail, complete := sim.Enumerate(1000, scenario(false))
	fmt.Println("fresh snapshots:", n, "executions, complete:", complete, "failure:", fail != nil)
	_, fail, _ = sim.Enumerate(1000, scenario(true))
	fmt.Println("lagging snapshots:", fail.Message)
	// Output:
	// fresh snapshots: 3 executions, complete: true failure: false
	// lagging snapshots: read after an acknowledged increment saw 0
}

// A test lets the execution choose what a client does next; the same seed
// makes the same choices.
func ExampleSim_Pick() {
	s := sim.Seeded(7)
	var did []string
	for range 4 {
		var menu sim.Menu
		menu.Add("send", func() { did = append(did, "send") })
		menu.Add("receive", func() { did = append(did, "receive") })
		s.Pick(&menu, "client action")
	}
	fmt.Println(did)
	// Output: [send send receive receive]
}
