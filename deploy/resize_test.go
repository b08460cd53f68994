// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type scaleLeader struct{}

type scaleWorker struct{}

// A cluster scaled while the fleet runs (NodeConfig.Resize): the member
// added is reported joined once the leader reaches it and gets Broadcast's
// values from then on; a member removed is reported left.
func TestResizeCluster(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	leader := hydro.NewProcess[scaleLeader](f)
	workers := hydro.NewCluster[scaleWorker](f)
	events := make(chan hydro.KV[hydro.MemberID[scaleWorker], hydro.Membership], 16)
	hydro.ForEach(hydro.AssumeOrdered(hydro.Members(workers, leader).Entries(), "one event at a time in this test"),
		func(kv hydro.KV[hydro.MemberID[scaleWorker], hydro.Membership]) { events <- kv })
	values := make(chan int)
	got := make(chan hydro.Pair[int, hydro.MemberID[scaleWorker]], 16)
	onWorkers := hydro.Broadcast(hydro.SourceChan(leader, values), workers, hydro.NonDet("the members of the moment"))
	hydro.ForEach(hydro.CrossSingleton(onWorkers, workers.SelfID()), func(p hydro.Pair[int, hydro.MemberID[scaleWorker]]) { got <- p })
	f.MustCompile()

	addrs, err := freeAddrs(4)
	if err != nil {
		t.Fatal(err)
	}
	// The fleet as written has two workers; the third is added later, and
	// only the address function knows it.
	peers := map[string]string{"scaleLeader": addrs[0], "scaleWorker/0": addrs[1], "scaleWorker/1": addrs[2]}
	all := map[string]string{"scaleWorker/2": addrs[3]}
	sizes := map[string]int{"scaleWorker": 2}
	resize := make(chan map[string]int)
	errs := make(chan error, 4)
	start := func(ctx context.Context, role string, resize <-chan map[string]int) {
		own := map[string]string{}
		for k, v := range peers {
			own[k] = v
		}
		if a, ok := all[role]; ok {
			own[role] = a
		}
		sz := sizes
		if role == "scaleWorker/2" {
			sz = map[string]int{"scaleWorker": 3} // it started after the scale
		}
		cfg := deploy.NodeConfig{Role: role, Peers: own, Sizes: sz, Resize: resize, FailAfter: time.Second, TLS: deploy.TLS{Off: true},
			PeerAddr: func(r string) (string, bool) { a, ok := all[r]; return a, ok }}
		go func() { errs <- deploy.RunNode(ctx, f, cfg) }()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start(ctx, "scaleLeader", resize)
	start(ctx, "scaleWorker/0", nil)
	start(ctx, "scaleWorker/1", nil)
	expect := func(what string, member int, m hydro.Membership) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ev := <-events:
				if int(ev.Key) == member && ev.Val == m {
					return
				}
			case <-deadline:
				t.Fatalf("no %s event for member %d within 10 s", what, member)
			}
		}
	}
	receivers := func(v int, want int) map[int]bool {
		t.Helper()
		values <- v
		seen := map[int]bool{}
		deadline := time.After(10 * time.Second)
		for len(seen) < want {
			select {
			case p := <-got:
				if p.Left == v {
					seen[int(p.Right)] = true
				}
			case <-deadline:
				t.Fatalf("value %d reached members %v within 10 s; want %d members", v, seen, want)
			}
		}
		return seen
	}
	expect("joined", 1, hydro.Joined)
	if seen := receivers(1, 2); !seen[0] || !seen[1] {
		t.Fatalf("value 1 reached %v; want members 0 and 1", seen)
	}

	w2, stopW2 := context.WithCancel(ctx)
	start(w2, "scaleWorker/2", nil)
	resize <- map[string]int{"scaleWorker": 3}
	expect("joined", 2, hydro.Joined)
	if seen := receivers(2, 3); !seen[2] {
		t.Fatalf("value 2 reached %v; want the added member 2 too", seen)
	}

	resize <- map[string]int{"scaleWorker": 2}
	expect("left", 2, hydro.Left)
	stopW2()
	if err := <-errs; err != nil {
		t.Errorf("RunNode(scaleWorker/2) = %v after stop; want nil", err)
	}
	if seen := receivers(3, 2); seen[2] {
		t.Fatalf("value 3 reached %v after the cluster shrank; want members 0 and 1 only", seen)
	}
	cancel()
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("RunNode = %v after cancel; want nil", err)
		}
	}
}
