// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/launch"
)

// B11 cores: a CPU-bound cluster flow whose members share one OS process
// (deploy.RunNodes, what -cores deploys), with 1 member and with 2, in the
// same run. A leader spreads rounds of 64 items over the workers
// (RoundRobin); each item costs a worker workIters xorshift steps (about
// 30 µs); the answers come back to the leader (Gather). An iteration is
// one round: its items sent, every answer received and summed, the sum
// checked; b11Window rounds are in flight at once, so that the hand-overs
// between goroutines overlap the work. Reported: items/s, and cores: the CPU time the process used
// over the wall time (on a loaded machine, what the scheduler gave it;
// on an idle one, what the configuration can use). The leader and the workers all run in the
// benchmark's process, linked in memory.
//
//	hydro,members=N     the flow, its cluster of N members in one process
//	baseline,workers=N  the same work on N goroutines, each taking half
//	                    of each round: the most the machine gives at
//	                    that moment (on a loaded machine, less than N×)

const (
	b11Round = 64
	// b11Window is how many rounds are in flight.
	b11Window = 4
	// workIters is the cost of an item: xorshift steps.
	workIters = 20000
)

// work is an item's CPU-bound cost.
func work(v uint64) uint64 {
	x := v | 1
	for range workIters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

type b11Leader struct{}

type b11Worker struct{}

func BenchmarkB11Cores(b *testing.B) {
	round := make([]uint64, b11Round)
	var want uint64
	for i := range round {
		round[i] = uint64(i)
		want += work(uint64(i))
	}
	name := fmt.Sprintf("op=cpu,round=%d,iters=%d", b11Round, workIters)
	b.Run(name, func(b *testing.B) {
		for _, n := range []int{1, 2} {
			b.Run(fmt.Sprintf("impl=baseline,workers=%d", n), func(b *testing.B) { b11Baseline(b, n, round, want) })
		}
		for _, n := range []int{1, 2} {
			b.Run(fmt.Sprintf("impl=hydro,members=%d", n), func(b *testing.B) { b11Hydro(b, n, round, want) })
		}
	})
}

// b11Baseline computes each round on n goroutines that live for the whole
// benchmark, each taking its share of the round.
func b11Baseline(b *testing.B, n int, round []uint64, want uint64) {
	b.ReportAllocs()
	start := make([]chan []uint64, n)
	sums := make(chan uint64, n*b11Window)
	var wg sync.WaitGroup
	for i := range n {
		start[i] = make(chan []uint64, b11Window)
		wg.Go(func() {
			for part := range start[i] {
				var s uint64
				for _, v := range part {
					s += work(v)
				}
				sums <- s
			}
		})
	}
	defer func() {
		for _, c := range start {
			close(c)
		}
		wg.Wait()
	}()
	per := len(round) / n
	send := func() {
		for i := range n {
			start[i] <- round[i*per : (i+1)*per]
		}
	}
	for range b11Window - 1 {
		send()
	}
	var got, rounds uint64
	cpu := cpuTime()
	for b.Loop() {
		send()
		for range n {
			got += <-sums
		}
		rounds++
	}
	for range (b11Window - 1) * n {
		got += <-sums
	}
	if rounds += b11Window - 1; got != rounds*want {
		b.Fatalf("sum %d over %d rounds; want %d", got, rounds, rounds*want)
	}
	reportCores(b, cpu, len(round))
}

// b11Hydro runs the flow with n workers, all of its nodes in this process
// (deploy.RunNodes), plaintext, and times rounds through it.
func b11Hydro(b *testing.B, n int, round []uint64, want uint64) {
	b.ReportAllocs()
	in := make(chan []uint64, b11Window)
	answers := make(chan uint64, (b11Window+1)*len(round))
	build := func(f *hydro.Flow) {
		leader := hydro.NewProcess[b11Leader](f)
		workers := hydro.NewCluster[b11Worker](f)
		items := hydro.Flatten(hydro.SourceChan(leader, in))
		on := hydro.RoundRobin(items, workers, hydro.NonDet("any worker will do"))
		out := hydro.Map(on, work)
		back := hydro.AssumeOrdered(hydro.Gather(out, leader).Values(), hydro.NonDet("summed: any order"))
		hydro.ForEach(back, func(v uint64) { answers <- v })
	}
	roles := []string{"b11Leader"}
	for m := range n {
		roles = append(roles, fmt.Sprintf("b11Worker/%d", m))
	}
	addrs, err := launch.FreeAddrs(len(roles), 0)
	if err != nil {
		b.Fatal(err)
	}
	peers := map[string]string{}
	for i, r := range roles {
		peers[r] = addrs[i]
	}
	sizes := map[string]int{"b11Worker": n}
	cfgs := make([]deploy.NodeConfig, len(roles))
	for i, r := range roles {
		cfgs[i] = deploy.NodeConfig{Role: r, Peers: peers, Sizes: sizes, TLS: deploy.TLS{Off: true}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- deploy.RunNodes(ctx, build, cfgs...) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	for range b11Window - 1 {
		in <- round
	}
	var got, rounds uint64
	cpu := cpuTime()
	for b.Loop() {
		in <- round
		for range round {
			got += <-answers
		}
		rounds++
	}
	for range (b11Window - 1) * len(round) {
		got += <-answers
	}
	if rounds += b11Window - 1; got != rounds*want {
		b.Fatalf("sum %d over %d rounds; want %d", got, rounds, rounds*want)
	}
	reportCores(b, cpu, len(round))
}

// reportCores reports items/s and the cores the loop used since cpu.
func reportCores(b *testing.B, cpu time.Duration, perOp int) {
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), "items/s")
	if now := cpuTime(); now > 0 {
		b.ReportMetric(float64(now-cpu)/float64(b.Elapsed()), "cores")
	}
}
