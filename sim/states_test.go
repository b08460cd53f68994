// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

// TestStateHashingShrinksSearch: on the partitioned counter (S2), state
// hashing stops the executions that reach a state explored before. The
// counts are those of the package doc; the outcomes, down to the order in
// which the front receives the counts, are those of the search without it,
// and a bug that shows in one order of the reports only is still found.
func TestStateHashingShrinksSearch(t *testing.T) {
	type want struct {
		shards            int
		ran, ranWithout   int // executions started, with and without hashing
		finished, without int // executions that ran to their end
	}
	cases := []want{
		{shards: 2, ran: 50, ranWithout: 230, finished: 4, without: 144},
		{shards: 3, ran: 396, ranWithout: 8868, finished: 18, without: 5184},
	}
	if !testing.Short() {
		cases = append(cases, want{shards: 5, ran: 29209, finished: 600})
	}
	for _, w := range cases {
		t.Run(fmt.Sprintf("shards=%d", w.shards), func(t *testing.T) {
			n := w.shards
			explore := func(states bool) (sim.Explored, map[string]bool) {
				outcomes := map[string]bool{}
				start := time.Now()
				ex, fail, complete := sim.Explore(1_000_000, states, partitionedCounterOrder(n, shardKeys(n), func(s *sim.Sim, c map[string]int, got []hydro.KV[string, int]) {
					outcomes[fmt.Sprint(got)] = true
					s.Assert(len(c) == n, "counts %v", c)
				}))
				if fail != nil || !complete {
					t.Fatalf("states=%v: failure %v, complete %v", states, fail, complete)
				}
				t.Logf("%d shards, state hashing %v: %+v in %v", n, states, ex, time.Since(start).Round(time.Millisecond))
				return ex, outcomes
			}
			got, some := explore(true)
			if got.Ran != w.ran || got.Finished != w.finished {
				t.Errorf("with state hashing: %d executions started, %d finished; want %d, %d", got.Ran, got.Finished, w.ran, w.finished)
			}
			if w.without == 0 {
				return // too many without
			}
			full, all := explore(false)
			if full.Ran != w.ranWithout || full.Finished != w.without {
				t.Errorf("without state hashing: %d executions started, %d finished; want %d, %d", full.Ran, full.Finished, w.ranWithout, w.without)
			}
			if fmt.Sprint(all) != fmt.Sprint(some) {
				t.Errorf("outcomes with state hashing %v; without %v", some, all)
			}
			if n >= 3 && got.Ran*10 > full.Ran {
				t.Errorf("%d executions with state hashing, %d without; want at least 10× fewer", got.Ran, full.Ran)
			}
		})
	}
	t.Run("planted bug", func(t *testing.T) {
		// The bug: a check that shard 0 never reports last. Only some
		// orders of the reports show it.
		keys := shardKeys(3)
		bug := partitionedCounterOrder(3, keys, func(s *sim.Sim, c map[string]int, got []hydro.KV[string, int]) {
			s.Assert(len(got) < 3 || got[2].Key != keys[0], "shard 0 reported last: %v", got)
		})
		_, fail, _ := sim.Explore(1_000_000, true, bug)
		if fail == nil {
			t.Fatal("state hashing hid the execution in which shard 0 reports last")
		}
		if sim.Replay(fail.Choices, bug) == nil {
			t.Error("the failing execution does not replay")
		}
	})
}

type hashFront struct{}
type hashMember struct{}

// foreachOrder: two members each send their id to a front, which hands
// what it receives to a ForEach. Receiving 0 then 1 in one tick, or 1 then
// 0, leaves the flow in one state; only the ForEach saw the difference.
// Each execution adds the order the ForEach saw to orders.
func foreachOrder(orders map[string]bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		fr := hydro.NewProcess[hashFront](f)
		members := hydro.NewCluster[hashMember](f)
		in, ids := hydro.NewInput[int](members)
		tick := hydro.NewTick(fr)
		got := hydro.AllTicks(hydro.Batch(hydro.Gather(ids, fr).Values(), tick, hydro.NonDet("ids arrive in any order")))
		var seen []int
		hydro.ForEach(hydro.AssumeOrdered(got, hydro.NonDet("printed as they come")), func(id int) { seen = append(seen, id) })
		r := s.Local(f, hydro.SizeOf[hashMember](2), sim.WholeArrivals())
		in.PushTo(r, 0, 0)
		in.PushTo(r, 1, 1)
		s.RunAvailable(r)
		orders[fmt.Sprint(seen)] = true
	}
}

// TestStateHashingSkipsOpaqueFlows: a flow whose effects leave it (a
// ForEach) cannot be known by its state, so it is explored without state
// hashing: every order the ForEach may see is seen.
func TestStateHashingSkipsOpaqueFlows(t *testing.T) {
	some, all := map[string]bool{}, map[string]bool{}
	with, fail, _ := sim.Explore(100_000, true, foreachOrder(some))
	if fail != nil {
		t.Fatal(fail.Report)
	}
	without, _, _ := sim.Explore(100_000, false, foreachOrder(all))
	if with != without || fmt.Sprint(some) != fmt.Sprint(all) {
		t.Errorf("explored %+v with state hashing, seeing %v; %+v without, seeing %v; want the same", with, some, without, all)
	}
	if !all["[1 0]"] {
		t.Errorf("orders seen %v; want [1 0] among them", all)
	}
}
