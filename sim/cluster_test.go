// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type front struct{}

type shard struct{}

// buildPartitionedCounter routes each increment by its key to one member of
// a cluster (prefix key → demux → member), where the counts live; members
// report every new count back to the front.
func buildPartitionedCounter(shards int) (*hydro.Flow, *hydro.Input[string], *hydro.Output[hydro.KV[hydro.MemberID[shard], hydro.KV[string, int]]]) {
	f := hydro.NewFlow()
	fr := hydro.NewProcess[front](f)
	members := hydro.NewCluster[shard](f)
	in, keys := hydro.NewInput[string](fr)
	routed := hydro.IntoKeyed(hydro.Map(keys, func(k string) hydro.KV[hydro.MemberID[shard], string] {
		return hydro.KV[hydro.MemberID[shard], string]{Key: hydro.MemberID[shard](int(k[0]) % shards), Val: k}
	}))
	atShard := hydro.Demux(routed, members)
	counts := hydro.Scan(atShard, func() map[string]int { return map[string]int{} }, func(m *map[string]int, k string) hydro.KV[string, int] {
		(*m)[k]++
		return hydro.KV[string, int]{Key: k, Val: (*m)[k]}
	})
	back := hydro.Gather(counts, fr)
	return f, in, hydro.NewOutput(back.Entries())
}

func TestPartitionedCounterClusterSizes(t *testing.T) {
	keys := []string{"apple", "banana", "avocado", "cherry", "blueberry", "apple", "cherry", "apple"}
	for _, size := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("shards=%d", size), func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 50}, func(s *sim.Sim) {
				f, in, out := buildPartitionedCounter(size)
				r := s.Local(f, hydro.SizeOf[shard](size))
				final := map[string]int{}
				s.Invariant("counts only grow", func() error {
					for _, kv := range out.Drain(r) {
						c := kv.Val
						if c.Val != final[c.Key]+1 {
							return fmt.Errorf("count of %s went from %d to %d", c.Key, final[c.Key], c.Val)
						}
						if want := hydro.MemberID[shard](int(c.Key[0]) % size); kv.Key != want {
							return fmt.Errorf("%s counted at %v; want %v", c.Key, kv.Key, want)
						}
						final[c.Key] = c.Val
					}
					return nil
				})
				for _, k := range keys {
					in.Push(r, k)
					s.RunAvailable(r)
				}
				s.Assert(final["apple"] == 3 && final["cherry"] == 2 && final["banana"] == 1, "final counts %v", final)
			})
		})
	}
}
