// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type coLeader struct{}

type coWorker struct{}

// squares is a leader that spreads 1..n over the workers, which square
// each and send it back; the leader hands each answer, with the member
// that computed it, to got.
func squares(n int, got chan<- hydro.KV[hydro.MemberID[coWorker], int]) func(f *hydro.Flow) {
	return func(f *hydro.Flow) {
		leader := hydro.NewProcess[coLeader](f)
		workers := hydro.NewCluster[coWorker](f)
		items := make([]int, n)
		for i := range items {
			items[i] = i + 1
		}
		on := hydro.RoundRobin(hydro.SourceIter(leader, items), workers, hydro.NonDet("any worker will do"))
		sq := hydro.Map(on, func(v int) int { return v * v })
		hydro.ForEach(hydro.AssumeOrdered(hydro.Gather(sq, leader).Entries(), hydro.NonDet("summed: any order")), func(kv hydro.KV[hydro.MemberID[coWorker], int]) { got <- kv })
	}
}

// TestRunNodesCoLocated: the two workers of a cluster run in one call of
// RunNodes, linked in memory, and the leader apart, over TCP with mutual
// TLS: every answer arrives, from both members, and stopping leaves no
// goroutine behind.
func TestRunNodesCoLocated(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n = 200
	got := make(chan hydro.KV[hydro.MemberID[coWorker], int], n)
	build := squares(n, got)
	addrs, err := freeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"coLeader": addrs[0], "coWorker/0": addrs[1], "coWorker/1": addrs[2]}
	certs := issue(t, peers)
	sizes := map[string]int{"coWorker": 2}
	f := hydro.NewFlow()
	build(f)
	f.MustCompile()
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() {
		errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: "coLeader", Peers: peers, Sizes: sizes, TLS: certs["coLeader"]})
	}()
	go func() {
		errs <- deploy.RunNodes(ctx, build,
			deploy.NodeConfig{Role: "coWorker/0", Peers: peers, Sizes: sizes, TLS: certs["coWorker/0"]},
			deploy.NodeConfig{Role: "coWorker/1", Peers: peers, Sizes: sizes, TLS: certs["coWorker/1"]})
	}()
	var sum int
	from := map[uint32]int{}
	timeout := time.After(20 * time.Second)
	for i := range n {
		select {
		case kv := <-got:
			sum += kv.Val
			from[uint32(kv.Key)]++
		case <-timeout:
			t.Fatalf("%d answers of %d after 20 s", i, n)
		}
	}
	if want := n * (n + 1) * (2*n + 1) / 6; sum != want {
		t.Errorf("the answers sum to %d; want %d", sum, want)
	}
	if from[0] == 0 || from[1] == 0 || from[0]+from[1] != n {
		t.Errorf("answers by member: %v; want both members, %d in all", from, n)
	}
	cancel()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("RunNode or RunNodes: %v", err)
		}
	}
}

// TestRunNodesRefuses: RunNodes refuses no node, a role given twice, and
// a role the flow does not have, before running any.
func TestRunNodesRefuses(t *testing.T) {
	build := squares(1, nil)
	peers := map[string]string{"coLeader": "127.0.0.1:1", "coWorker/0": "127.0.0.1:2"}
	for _, tc := range []struct {
		name string
		cfgs []deploy.NodeConfig
		want string
	}{
		{"none", nil, "no node to run"},
		{"twice", []deploy.NodeConfig{{Role: "coWorker/0", Peers: peers}, {Role: "coWorker/0", Peers: peers}}, `role "coWorker/0" given twice`},
		{"unknown", []deploy.NodeConfig{{Role: "coWorker/0", Peers: peers, TLS: deploy.TLS{Off: true}}, {Role: "Nobody", Peers: peers}}, `"Nobody" names no location`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := deploy.RunNodes(t.Context(), build, tc.cfgs...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("RunNodes = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestCoresMistakes: -cores, and Config.Cores, refuse what names no
// cluster or puts less than one member in a process, saying so.
func TestCoresMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-cores", "cliWrkr=2"}, "the flow has no cluster cliWrkr (its clusters: cliWorker)"},
		{[]string{"-cores", "cliLeader=2"}, "cliLeader is a process, which has one member"},
		{[]string{"-cores", "cliWorker=0"}, "cliWorker=0: a process runs at least one member"},
		{[]string{"-cores", "cliWorker=x"}, `cliWorker: the members per process "x" is not a number`},
		{[]string{"-cores", "cliWorker=2", "-cores", "cliWorker=3"}, "cliWorker is given twice"},
	} {
		var stdout, stderr bytes.Buffer
		err := deploy.Command(context.Background(), cliFlow, tc.args, &stdout, &stderr)
		if !errors.Is(err, deploy.ErrUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Command(%q) = %v; want an ErrUsage containing %q", tc.args, err, tc.want)
		}
	}
	f := hydro.NewFlow()
	cliFlow(f)
	err := deploy.Localhost(context.Background(), f, deploy.Config{Cores: map[string]int{"cliLeader": 2, "cliWorker": 0}})
	for _, want := range []string{"deploy: cores of cliLeader: the flow has no cluster cliLeader", "deploy: cores of cliWorker: 0; a process runs at least one member"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Localhost = %v; want %q", err, want)
		}
	}
}

// TestRunNodesParallel: the members of a cluster in one RunNodes tick at
// the same time, each on goroutines of its own: each member's function
// waits, inside its tick, until the other member is inside its own, which
// would never happen if one tick held up the other.
func TestRunNodesParallel(t *testing.T) {
	defer goleak.VerifyNone(t)
	var inside atomic.Int32
	both := make(chan struct{})
	got := make(chan bool, 2)
	build := func(f *hydro.Flow) {
		leader := hydro.NewProcess[coLeader](f)
		workers := hydro.NewCluster[coWorker](f)
		on := hydro.RoundRobin(hydro.SourceIter(leader, []int{0, 1}), workers, hydro.NonDet("one item each"))
		met := hydro.Map(on, func(int) bool {
			if inside.Add(1) == 2 {
				close(both)
			}
			select {
			case <-both:
				return true
			case <-time.After(10 * time.Second):
				return false
			}
		})
		hydro.ForEach(hydro.AssumeOrdered(hydro.Gather(met, leader).Values(), hydro.NonDet("either order")), func(ok bool) { got <- ok })
	}
	addrs, err := freeAddrs(3)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"coLeader": addrs[0], "coWorker/0": addrs[1], "coWorker/1": addrs[2]}
	sizes := map[string]int{"coWorker": 2}
	off := deploy.TLS{Off: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- deploy.RunNodes(ctx, build,
			deploy.NodeConfig{Role: "coLeader", Peers: peers, Sizes: sizes, TLS: off},
			deploy.NodeConfig{Role: "coWorker/0", Peers: peers, Sizes: sizes, TLS: off},
			deploy.NodeConfig{Role: "coWorker/1", Peers: peers, Sizes: sizes, TLS: off})
	}()
	for range 2 {
		select {
		case ok := <-got:
			if !ok {
				t.Error("a member waited 10 s inside its tick for the other; want both inside at once")
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no answer within 30 s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunNodes: %v", err)
	}
}
