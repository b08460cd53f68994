// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// bcase is one workload: the sub-benchmark name benchstat groups by, and the
// implementations that compute it.
type bcase struct {
	name  string // "op=chain,n=1000000"
	elems int    // elements per iteration, for the ns/elem metric; 0 for none
	ticks int    // ticks per iteration, for the ns/tick metric; 0 for none
	impls []impl
}

// impl is one way to compute a workload. setup runs once per benchmark run,
// outside the timed loop: it builds graphs, buffers and channels, and
// returns the iteration.
type impl struct {
	name  string // "dfir", "baseline", "pipeline", or one of those with a _suffix
	setup func() iteration
}

// iteration is one timed repetition of a workload.
type iteration struct {
	// prepare, if set, runs before every run with the timer stopped: it
	// builds the graph of an implementation that cannot reuse one.
	prepare func()
	// run computes the workload once and checks the result against the
	// expected answer; a non-nil error fails the benchmark.
	run func() error
}

// runCases runs every case as b.Run(case)/b.Run("impl="+impl).
func runCases(b *testing.B, cases []bcase) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for _, im := range c.impls {
				b.Run("impl="+im.name, func(b *testing.B) { runImpl(b, c, im) })
			}
		})
	}
}

func runImpl(b *testing.B, c bcase, im impl) {
	it := im.setup()
	// Two checked runs before the timed loop let every buffer, map and
	// handoff reach the size it keeps (a dfir handoff double-buffers, so
	// its second slice grows in the second tick): the loop measures the
	// steady state of a long-running graph, and allocs/op counts what every
	// iteration allocates, not the growth of the first ones.
	for range 2 {
		if it.prepare != nil {
			it.prepare()
		}
		if err := it.run(); err != nil {
			b.Fatalf("%s/impl=%s: %v", c.name, im.name, err)
		}
	}
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		if it.prepare != nil {
			b.StopTimer()
			it.prepare()
			b.StartTimer()
		}
		if err := it.run(); err != nil {
			b.Fatalf("%s/impl=%s: %v", c.name, im.name, err)
		}
		iters++
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(iters)
	if c.elems > 0 {
		b.ReportMetric(ns/float64(c.elems), "ns/elem")
	}
	if c.ticks > 0 {
		b.ReportMetric(ns/float64(c.ticks), "ns/tick")
	}
}

// TestCases runs every implementation of every workload, at small sizes,
// three times each, so that `go test` checks what the benchmarks measure;
// the repetitions catch state that leaks from one tick into the next.
func TestCases(t *testing.T) {
	var cases []bcase
	cases = append(cases, chainCases(3000)...)
	cases = append(cases, fanCases(4, []int{500, 1500}, 3000)...)
	cases = append(cases, forkJoinCases(5000, 3000)...)
	cases = append(cases, relationalCases(relSizes{join: 3000, unique: 5000, fold: 5000, foldKeys: 50, anti: 5000, cross: 70})...)
	cases = append(cases, tickCases(500, 2000)...)
	for _, c := range cases {
		for _, im := range c.impls {
			t.Run(c.name+"/impl="+im.name, func(t *testing.T) {
				it := im.setup()
				for range 3 {
					if it.prepare != nil {
						it.prepare()
					}
					if err := it.run(); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// lazy defers building a data set until an implementation asks for it, so a
// -bench filter that skips a workload does not pay for its data.
func lazy[T any](f func() T) func() T { return sync.OnceValue(f) }

// newRand returns the suite's seeded source: every data set is the same in
// every run.
func newRand(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(0x5eed, stream)) }

// randInts returns n non-negative ints below limit.
func randInts(n, limit int, stream uint64) []int {
	r := newRand(stream)
	out := make([]int, n)
	for i := range out {
		out[i] = r.IntN(limit)
	}
	return out
}

// digest summarises a multiset of ints, independent of order: what the
// workloads whose implementations emit in different orders are checked by.
// It is cheap (a few adds and a multiply per item), so it barely dilutes the
// ratios.
type digest struct {
	n        int
	sum, sq  uint64
	sumShift uint64 // sum of x<<7 ^ x>>3: catches swaps that keep sum and sq
}

func (d *digest) add(x int) {
	u := uint64(x)
	d.n++
	d.sum += u
	d.sq += u * u
	d.sumShift += u<<7 ^ u>>3
}

func digestOf(xs []int) digest {
	var d digest
	for _, x := range xs {
		d.add(x)
	}
	return d
}

func checkDigest(got, want digest) error {
	if got != want {
		return fmt.Errorf("digest = %+v; want %+v", got, want)
	}
	return nil
}

func checkEqual[T comparable](got, want []T) error {
	if !slices.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		return fmt.Errorf("result differs at index %d (len %d; want len %d)", i, len(got), len(want))
	}
	return nil
}

// counter is the per-item sink of the workloads that do not materialise
// their output: every implementation calls it through a func value.
type counter struct {
	n   int
	sum int
}

func (c *counter) fn() func(int) { return func(x int) { c.n++; c.sum += x } }

func (c *counter) check(n, sum int) error {
	if c.n != n || c.sum != sum {
		return fmt.Errorf("sink saw %d items summing to %d; want %d summing to %d", c.n, c.sum, n, sum)
	}
	return nil
}

func sumInts(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func mustCompile(g *dfir.Graph) *dfir.Graph {
	if err := g.Compile(); err != nil {
		panic(err)
	}
	return g
}

// chanBuf is the capacity of every channel of the pipeline peers: the
// capacity of the channel hand-offs in bench/README.md's reference figures.
const chanBuf = 1024

// batch is the batch size of the batched pipeline peer, dfir's own.
const batch = 1024
