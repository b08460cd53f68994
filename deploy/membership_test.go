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

type memberLeader struct{}

type memberWorker struct{}

// A deployed leader watching a cluster sees a member leave when its node
// stops, and join again when it comes back.
func TestMembershipDeployed(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	leader := hydro.NewProcess[memberLeader](f)
	workers := hydro.NewCluster[memberWorker](f)
	events := make(chan hydro.KV[hydro.MemberID[memberWorker], hydro.Membership], 16)
	hydro.ForEach(hydro.AssumeOrdered(hydro.Members(workers, leader).Entries(), "one event at a time in this test"),
		func(kv hydro.KV[hydro.MemberID[memberWorker], hydro.Membership]) { events <- kv })
	f.MustCompile()

	addrs, err := freeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"memberLeader": addrs[0], "memberWorker/0": addrs[1], "memberWorker/1": addrs[2]}
	sizes := map[string]int{"memberWorker": 2}
	errs := make(chan error, 4)
	certs := issue(t, peers)
	start := func(ctx context.Context, role string) {
		go func() {
			errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, Sizes: sizes, TLS: certs[role]})
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start(ctx, "memberLeader")
	start(ctx, "memberWorker/0")
	w1, stopW1 := context.WithCancel(ctx)
	start(w1, "memberWorker/1")

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
	expect("joined", 1, hydro.Joined)  // everyone starts joined
	time.Sleep(500 * time.Millisecond) // let the leader connect to both
	stopW1()
	if err := <-errs; err != nil {
		t.Errorf("RunNode(memberWorker/1) = %v after stop; want nil", err)
	}
	expect("left", 1, hydro.Left)
	start(ctx, "memberWorker/1")
	expect("joined again", 1, hydro.Joined)
	cancel()
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("RunNode = %v after cancel; want nil", err)
		}
	}
}

type rrLeader struct{}

type rrWorker struct{}

// A deployed RoundRobin stops routing to a member that never started, once
// the leader has given up on it (FailAfter): every item sent after that
// reaches the live member.
func TestRoundRobinSkipsNeverStarted(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	leader := hydro.NewProcess[rrLeader](f)
	workers := hydro.NewCluster[rrWorker](f)
	items := make(chan int)
	got := make(chan int, 64)
	hydro.ForEach(hydro.RoundRobin(hydro.SourceChan(leader, items), workers, hydro.NonDet("any live worker")), func(v int) { got <- v })
	f.MustCompile()

	addrs, err := freeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"rrLeader": addrs[0], "rrWorker/0": addrs[1], "rrWorker/1": addrs[2]}
	sizes := map[string]int{"rrWorker": 2}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, 2)
	certs := issue(t, peers)
	for _, role := range []string{"rrLeader", "rrWorker/0"} { // rrWorker/1 never starts
		go func() {
			errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, Sizes: sizes, FailAfter: 200 * time.Millisecond, TLS: certs[role]})
		}()
	}
	time.Sleep(time.Second) // past FailAfter: the leader has given up on rrWorker/1
	for i := range 20 {
		items <- i
	}
	for i := range 20 {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of 20 items reached the live worker within 10 s; want all", i)
		}
	}
	cancel()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("RunNode = %v after cancel; want nil", err)
		}
	}
}
