// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type porFront struct{}
type porShard struct{}

// partitionedCounter is the S2 scenario: the front routes each key it is
// given to the shard that owns it; every shard batches what arrives into
// its ticks (NonDet), counts its keys and reports each new count back. Nothing a
// shard does touches another shard: their steps commute.
func partitionedCounter(shards int, keys []string, check func(s *sim.Sim, counts map[string]int)) func(*sim.Sim) {
	return partitionedCounterOrder(shards, keys, func(s *sim.Sim, counts map[string]int, _ []hydro.KV[string, int]) { check(s, counts) })
}

// partitionedCounterOrder is partitionedCounter whose check also sees the
// counts in the order the front received them.
func partitionedCounterOrder(shards int, keys []string, check func(s *sim.Sim, counts map[string]int, got []hydro.KV[string, int])) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		fr := hydro.NewProcess[porFront](f)
		members := hydro.NewCluster[porShard](f)
		in, ks := hydro.NewInput[string](fr)
		routed := hydro.IntoKeyed(hydro.Map(ks, func(k string) hydro.KV[hydro.MemberID[porShard], string] {
			return hydro.KV[hydro.MemberID[porShard], string]{Key: hydro.MemberID[porShard](int(k[0]) % shards), Val: k}
		}))
		atShard := hydro.Demux(routed, members)
		tick := hydro.NewTick(members)
		batched := hydro.AllTicks(hydro.Batch(atShard, tick, hydro.NonDet("keys are independent")))
		counts := hydro.Scan(batched, func() map[string]int { return map[string]int{} }, func(m *map[string]int, k string) hydro.KV[string, int] {
			(*m)[k]++
			return hydro.KV[string, int]{Key: k, Val: (*m)[k]}
		})
		out := hydro.NewOutput(hydro.Gather(counts, fr).Values())
		// The keys arrive in one tick, so that the figures in the
		// package's doc compare with those measured before arrivals
		// could split.
		r := s.Local(f, hydro.SizeOf[porShard](shards), sim.WholeArrivals())
		in.Push(r, keys...)
		s.RunAvailable(r)
		got := out.Drain(r)
		final := map[string]int{}
		for _, kv := range got {
			final[kv.Key] = max(final[kv.Key], kv.Val)
		}
		check(s, final, got)
	}
}

// shardKeys is one key per shard, each owned by a different shard.
func shardKeys(shards int) []string {
	keys := make([]string, shards)
	for i := range keys {
		keys[i] = string(rune('a'+i)) + "key"
	}
	return keys
}

// TestReductionKeepsEveryOutcome: with and without partial-order reduction
// the same final counts are reached, by far fewer executions with it.
func TestReductionKeepsEveryOutcome(t *testing.T) {
	if testing.Short() {
		t.Skip("explores 29,000 executions without the reduction")
	}
	for _, shards := range []int{2} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			keys := shardKeys(shards)
			outcomes := func(cfg sim.Config) (int, map[string]bool) {
				seen := map[string]bool{}
				n := sim.Exhaustive(t, cfg, partitionedCounter(shards, keys, func(s *sim.Sim, c map[string]int) { seen[fmt.Sprint(c)] = true }))
				return n, seen
			}
			full, all := outcomes(sim.Config{NoReduction: true})
			reduced, some := outcomes(sim.Config{})
			if fmt.Sprint(all) != fmt.Sprint(some) {
				t.Errorf("outcomes with reduction %v; without %v", some, all)
			}
			if reduced*10 > full {
				t.Errorf("%d executions with reduction, %d without; want at least 10× fewer", reduced, full)
			}
			t.Logf("%d shards: %d executions without reduction, %d with", shards, full, reduced)
		})
	}
}

// TestReductionStillFindsBugs: a check that fails in one interleaving only
// (shard 0's count arrives before shard 1's ... never both) is still
// caught: the reduction skips orders, not outcomes.
func TestReductionStillFindsBugs(t *testing.T) {
	keys := shardKeys(3)
	_, fail, _ := sim.Enumerate(1_000_000, partitionedCounter(3, keys, func(s *sim.Sim, c map[string]int) {
		s.Assert(len(c) < 3, "every shard reported: %v", c)
	}))
	if fail == nil {
		t.Fatal("no execution in which every shard reported")
	}
	if sim.Replay(fail.Choices, partitionedCounter(3, keys, func(s *sim.Sim, c map[string]int) {
		s.Assert(len(c) < 3, "every shard reported")
	})) == nil {
		t.Error("the failing execution does not replay")
	}
}

// BenchmarkExhaustive is S2: the partitioned counter, exhaustively, at 2, 3
// and 5 shards, with partial-order reduction and state hashing, and at 2
// shards with neither.
func BenchmarkExhaustive(b *testing.B) {
	for _, shards := range []int{2, 3, 5} {
		for _, red := range []bool{true, false} {
			if !red && shards > 2 {
				continue // over 200,000 executions
			}
			b.Run(fmt.Sprintf("op=partitioned_counter,shards=%d/reduction=%v", shards, red), func(b *testing.B) {
				b.ReportAllocs()
				scenario := partitionedCounter(shards, shardKeys(shards), func(s *sim.Sim, c map[string]int) {
					s.Assert(len(c) == shards, "counts %v", c)
				})
				enumerate := sim.Enumerate
				if !red {
					enumerate = sim.EnumerateFull
				}
				var n int
				for b.Loop() {
					var fail *sim.Failure
					var complete bool
					if n, fail, complete = enumerate(200_000, scenario); fail != nil || !complete {
						b.Fatalf("failure %v, complete %v", fail, complete)
					}
				}
				b.ReportMetric(float64(n), "executions")
			})
		}
	}
}
