// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"sync"

	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// B1 chain: n ints through 20 maps that each add one, in one tick, the
// result materialised in a slice.

const chainStages = 20

func BenchmarkB1Chain(b *testing.B) { runCases(b, chainCases(1_000_000)) }

// incs returns k func values that add one. Every implementation calls these
// same values, so none of them gets to inline the user's function.
func incs(k int) []func(int) int {
	fs := make([]func(int) int, k)
	for i := range fs {
		fs[i] = func(x int) int { return x + 1 }
	}
	return fs
}

func chainCases(n int) []bcase {
	fs := incs(chainStages)
	data := lazy(func() []int { return randInts(n, 1<<40, 1) })
	want := lazy(func() []int {
		w := make([]int, n)
		for i, x := range data() {
			w[i] = x + chainStages
		}
		return w
	})
	return []bcase{{
		name:  fmt.Sprintf("op=chain,n=%d", n),
		elems: n,
		impls: []impl{
			{"dfir", func() iteration {
				// Built once; every iteration pushes the data through
				// an Input (which copies it) and runs one tick.
				d, w := data(), want()
				g := dfir.New()
				in, p := dfir.SourceInput[int](g)
				for _, f := range fs {
					p = dfir.Map(p, f)
				}
				out := dfir.SinkOutput(p)
				mustCompile(g)
				res := make([]int, 0, n)
				return iteration{run: func() error {
					in.PushAll(d)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkEqual(res, w)
				}}
			}},
			hydroChain(fs, data, want, n),
			{"dfir_iter", func() iteration {
				// SourceIter emits in tick 0 only, so the graph is built
				// again, untimed, before every iteration; the tick reads
				// the slice in place.
				d, w := data(), want()
				var g *dfir.Graph
				res := make([]int, 0, n)
				var dst *[]int
				return iteration{
					prepare: func() {
						g = dfir.New()
						p := dfir.SourceIter(g, d)
						for _, f := range fs {
							p = dfir.Map(p, f)
						}
						// A sink into the reused result slice: a fresh
						// Output would grow its buffer inside the timed
						// tick.
						res = res[:0]
						dst = &res
						dfir.ForEach(p, func(x int) { *dst = append(*dst, x) })
						mustCompile(g)
					},
					run: func() error {
						g.RunTick()
						return checkEqual(res, w)
					},
				}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				res := make([]int, n)
				return iteration{run: func() error {
					chainLoop(d, res, fs)
					return checkEqual(res, w)
				}}
			}},
			{"baseline_stagewise", func() iteration {
				d, w := data(), want()
				res := make([]int, n)
				return iteration{run: func() error {
					chainStagewise(d, res, fs)
					return checkEqual(res, w)
				}}
			}},
			{"pipeline", func() iteration {
				d, w := data(), want()
				res := make([]int, 0, n)
				return iteration{run: func() error {
					res = chainPipeline(d, res[:0], fs)
					return checkEqual(res, w)
				}}
			}},
			{"pipeline_batched", func() iteration {
				d, w := data(), want()
				res := make([]int, 0, n)
				scratch := make([]int, n)
				return iteration{run: func() error {
					res = chainPipelineBatched(d, scratch, res[:0], fs)
					return checkEqual(res, w)
				}}
			}},
		},
	}}
}

// chainLoop is B1's baseline in bench/README.md: every element through
// every function, then stored.
//
//go:noinline
func chainLoop(data, out []int, fs []func(int) int) {
	for i, x := range data {
		for _, f := range fs {
			x = f(x)
		}
		out[i] = x
	}
}

// chainStagewise is the hand-written form of what dfir does: each function
// over a cache-sized block before the next function, in place.
//
//go:noinline
func chainStagewise(data, out []int, fs []func(int) int) {
	copy(out, data)
	for i := 0; i < len(out); i += batch {
		blk := out[i:min(i+batch, len(out))]
		for _, f := range fs {
			for j, x := range blk {
				blk[j] = f(x)
			}
		}
	}
}

// chainPipeline is the go-streams shape: a goroutine per stage, one item per
// channel send.
func chainPipeline(data, out []int, fs []func(int) int) []int {
	var wg sync.WaitGroup
	src := make(chan int, chanBuf)
	wg.Go(func() {
		defer close(src)
		for _, x := range data {
			src <- x
		}
	})
	ch := src
	for _, f := range fs {
		in, o := ch, make(chan int, chanBuf)
		wg.Go(func() {
			defer close(o)
			for x := range in {
				o <- f(x)
			}
		})
		ch = o
	}
	for x := range ch {
		out = append(out, x)
	}
	wg.Wait()
	return out
}

// chainPipelineBatched is the pipeline a careful Go programmer writes: the
// same goroutines, but each send carries a batch of 1,024 items, mapped in
// place. scratch holds the batches.
func chainPipelineBatched(data, scratch, out []int, fs []func(int) int) []int {
	var wg sync.WaitGroup
	src := make(chan []int, 4)
	wg.Go(func() {
		defer close(src)
		copy(scratch, data)
		for i := 0; i < len(scratch); i += batch {
			src <- scratch[i:min(i+batch, len(scratch))]
		}
	})
	ch := src
	for _, f := range fs {
		in, o := ch, make(chan []int, 4)
		wg.Go(func() {
			defer close(o)
			for b := range in {
				for i, x := range b {
					b[i] = f(x)
				}
				o <- b
			}
		})
		ch = o
	}
	for b := range ch {
		out = append(out, b...)
	}
	wg.Wait()
	return out
}
