// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

type netLeader struct{}

type netWorker struct{}

type netOther struct{}

func sorted[T int | string](vs []T) []T {
	slices.Sort(vs)
	return vs
}

func TestSendBetweenProcesses(t *testing.T) {
	f := hydro.NewFlow()
	a := hydro.NewProcess[netLeader](f)
	b := hydro.NewProcess[netOther](f)
	in, s := hydro.NewInput[string](a)
	got := hydro.NewOutput(hydro.Send(hydro.Map(s, func(v string) string { return v + "!" }), b))
	r := hydro.MustLocal(f)
	in.Push(r, "a", "b")
	r.RunAvailable()
	in.Push(r, "c")
	r.RunAvailable()
	if out := got.Drain(r); !slices.Equal(out, []string{"a!", "b!", "c!"}) {
		t.Errorf("Send = %v; want [a! b! c!] in order", out)
	}
	if err := f.Compile(); err != nil {
		t.Fatal(err)
	}
}

// A process spreads work over a cluster round robin; members answer to the
// process, which sees each answer keyed by the member that sent it.
func TestClusterRoundTrip(t *testing.T) {
	for _, size := range []int{1, 2, 5} {
		f := hydro.NewFlow()
		leader := hydro.NewProcess[netLeader](f)
		workers := hydro.NewCluster[netWorker](f)
		in, jobs := hydro.NewInput[int](leader)
		onWorkers := hydro.RoundRobin(jobs, workers, hydro.NonDet("any worker will do"))
		doubled := hydro.Map(onWorkers, func(v int) int { return 2 * v })
		back := hydro.Gather(doubled, leader)
		out := hydro.NewOutput(back.Entries())
		r := hydro.MustLocal(f, hydro.Size(workers, size))
		in.Push(r, 1, 2, 3, 4, 5, 6)
		r.RunAvailable()
		got := out.Drain(r)
		var vals []int
		per := map[hydro.MemberID[netWorker]]int{}
		for _, kv := range got {
			vals = append(vals, kv.Val)
			per[kv.Key]++
		}
		if want := []int{2, 4, 6, 8, 10, 12}; !slices.Equal(sorted(vals), want) {
			t.Errorf("size %d: answers = %v; want %v", size, vals, want)
		}
		if len(per) != size {
			t.Errorf("size %d: answers came from %d members (%v); want all", size, len(per), per)
		}
	}
}

// Broadcast reaches every member; Demux reaches the member its key names;
// every member knows its own id.
func TestBroadcastDemuxSelf(t *testing.T) {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[netLeader](f)
	workers := hydro.NewCluster[netWorker](f)
	in, s := hydro.NewInput[int](leader)
	all := hydro.Broadcast(s, workers, hydro.NonDet("membership is fixed in this test"))
	tagged := hydro.CrossSingleton(all, workers.SelfID())
	seen := hydro.NewOutput(hydro.Map(tagged, func(p hydro.Pair[int, hydro.MemberID[netWorker]]) int {
		return 100*int(p.Right) + p.Left
	}))
	to := hydro.IntoKeyed(hydro.Map(s, func(v int) hydro.KV[hydro.MemberID[netWorker], int] {
		return hydro.KV[hydro.MemberID[netWorker], int]{Key: hydro.MemberID[netWorker](v % 3), Val: v}
	}))
	direct := hydro.NewOutput(hydro.Demux(to, workers))
	r := hydro.MustLocal(f, hydro.Size(workers, 3))
	in.Push(r, 1, 2)
	r.RunAvailable()
	if got, want := sorted(seen.Drain(r)), []int{1, 2, 101, 102, 201, 202}; !slices.Equal(got, want) {
		t.Errorf("Broadcast seen = %v; want %v", got, want)
	}
	direct.Drain(r) // 1 and 2 went to members 1 and 2
	in.Push(r, 3, 4, 5)
	r.RunAvailable()
	seen.Drain(r)
	for m, want := range [][]int{{3}, {4}, {5}} {
		if got := direct.DrainMember(r, m); !slices.Equal(got, want) {
			t.Errorf("Demux to member %d = %v; want %v", m, got, want)
		}
	}
}

func TestMembers(t *testing.T) {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[netLeader](f)
	workers := hydro.NewCluster[netWorker](f)
	out := hydro.NewOutput(hydro.Members(workers, leader).Entries())
	r := hydro.MustLocal(f, hydro.Size(workers, 3))
	r.RunAvailable()
	got := out.Drain(r)
	if len(got) != 3 {
		t.Fatalf("Members = %v; want 3 joined events", got)
	}
	for i, kv := range got {
		if int(kv.Key) != i || kv.Val != hydro.Joined {
			t.Errorf("Members[%d] = %v; want (%d, joined)", i, kv, i)
		}
	}
}

// TestSizeMistakes: sizing a process, a cluster the flow does not have, or
// a cluster below one member is an error naming what was wrong.
func TestSizeMistakes(t *testing.T) {
	type nobody struct{}
	for _, tc := range []struct {
		opt  hydro.LocalOption
		want string
	}{
		{hydro.SizeOf[netLeader](3), "hydro: SizeOf[netLeader](3): netLeader is a process, which has one member; only clusters are sized"},
		{hydro.SizeOf[nobody](3), "hydro: SizeOf[nobody](3): the flow has no cluster nobody"},
		{hydro.SizeOf[netWorker](0), "hydro: SizeOf[netWorker](0): a cluster has at least one member"},
	} {
		f := hydro.NewFlow()
		l := hydro.NewProcess[netLeader](f)
		workers := hydro.NewCluster[netWorker](f)
		hydro.ForEach(hydro.Broadcast(hydro.SourceIter(l, []int{1}), workers, hydro.NonDet("test")), func(int) {})
		_, err := hydro.NewLocal(f, tc.opt)
		if err == nil || err.Error() != tc.want {
			t.Errorf("NewLocal = %v; want %q", err, tc.want)
		}
	}
}
