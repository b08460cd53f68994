// SPDX-License-Identifier: Apache-2.0

package compartment_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/compartment"
)

type front struct{}
type shard struct{}
type proxy struct{}

// TestPartitionBy: items of one key reach one member, in order.
func TestPartitionBy(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[front](f)
	shards := hydro.NewCluster[shard](f)
	at := compartment.PartitionBy(hydro.SourceIter(p, []int{1, 2, 3, 4, 5, 6, 7}), shards, 3, func(v int) uint64 { return uint64(v) })
	withID := hydro.Map(hydro.CrossSingleton(at, shards.SelfID()), func(p hydro.Pair[int, hydro.MemberID[shard]]) string {
		return fmt.Sprintf("%v:%d", p.Right, p.Left)
	})
	out := hydro.NewOutput(hydro.Gather(withID, p).Values())
	r := hydro.MustLocal(f, hydro.Size(shards, 3))
	r.RunAvailable()
	got := out.Drain(r)
	slices.Sort(got)
	want := []string{"shard/0:3", "shard/0:6", "shard/1:1", "shard/1:4", "shard/1:7", "shard/2:2", "shard/2:5"}
	if !slices.Equal(got, want) {
		t.Errorf("placed %v; want %v", got, want)
	}
}

// TestOneToOne: each shard's items reach the proxy of the same id.
func TestOneToOne(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[front](f)
	shards := hydro.NewCluster[shard](f)
	proxies := hydro.NewCluster[proxy](f)
	mine := hydro.Map(hydro.CrossSingleton(hydro.SourceIter(shards, []int{10, 20}), shards.SelfID()), func(p hydro.Pair[int, hydro.MemberID[shard]]) string {
		return fmt.Sprintf("from %v: %d", p.Right, p.Left)
	})
	at := compartment.OneToOne(mine, shards, proxies)
	seen := hydro.Map(hydro.CrossSingleton(at, proxies.SelfID()), func(p hydro.Pair[string, hydro.MemberID[proxy]]) string {
		return fmt.Sprintf("%v got %s", p.Right, p.Left)
	})
	out := hydro.NewOutput(hydro.Gather(seen, p).Values())
	r := hydro.MustLocal(f, hydro.Size(shards, 2), hydro.Size(proxies, 2))
	r.RunAvailable()
	got := out.Drain(r)
	slices.Sort(got)
	want := []string{"proxy/0 got from shard/0: 10", "proxy/0 got from shard/0: 20", "proxy/1 got from shard/1: 10", "proxy/1 got from shard/1: 20"}
	if !slices.Equal(got, want) {
		t.Errorf("received %v; want %v", got, want)
	}
}
