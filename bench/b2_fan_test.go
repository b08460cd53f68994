// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// B2 fan: 20 sources of n ints each merged by one Union into one sink
// (fan-in), and one source of n ints copied by one Tee to 20 sinks
// (fan-out). Every sink is a func value that counts and sums what it sees.

const fanWidth = 20

func BenchmarkB2Fan(b *testing.B) {
	runCases(b, fanCases(fanWidth, []int{50_000, 1_000_000}, 1_000_000))
}

func fanCases(width int, inSizes []int, outSize int) []bcase {
	var cases []bcase
	for _, n := range inSizes {
		cases = append(cases, fanInCase(width, n))
	}
	return append(cases, fanOutCase(width, outSize))
}

func fanInCase(width, n int) bcase {
	srcs := lazy(func() [][]int {
		s := make([][]int, width)
		for i := range s {
			s[i] = randInts(n, 1<<30, 100+uint64(i))
		}
		return s
	})
	wantSum := lazy(func() int {
		t := 0
		for _, s := range srcs() {
			t += sumInts(s)
		}
		return t
	})
	total := width * n
	return bcase{
		name:  fmt.Sprintf("op=fanin,sources=%d,n=%d", width, n),
		elems: total,
		impls: []impl{
			{"dfir", func() iteration {
				ss, want := srcs(), wantSum()
				g := dfir.New()
				ins := make([]*dfir.Input[int], width)
				ports := make([]dfir.Port[int], width)
				for i := range ins {
					ins[i], ports[i] = dfir.SourceInput[int](g)
				}
				var c counter
				dfir.ForEach(dfir.Union(ports...), c.fn())
				mustCompile(g)
				return iteration{run: func() error {
					for i, in := range ins {
						in.PushAll(ss[i])
					}
					c = counter{}
					g.RunTick()
					return c.check(total, want)
				}}
			}},
			{"dfir_iter", func() iteration {
				ss, want := srcs(), wantSum()
				var g *dfir.Graph
				var c counter
				sink := c.fn()
				return iteration{
					prepare: func() {
						g = dfir.New()
						ports := make([]dfir.Port[int], width)
						for i := range ports {
							ports[i] = dfir.SourceIter(g, ss[i])
						}
						dfir.ForEach(dfir.Union(ports...), sink)
						mustCompile(g)
					},
					run: func() error {
						c = counter{}
						g.RunTick()
						return c.check(total, want)
					},
				}
			}},
			{"baseline", func() iteration {
				ss, want := srcs(), wantSum()
				var c counter
				sink := c.fn()
				return iteration{run: func() error {
					c = counter{}
					fanInLoop(ss, sink)
					return c.check(total, want)
				}}
			}},
			{"pipeline", func() iteration {
				ss, want := srcs(), wantSum()
				var c counter
				sink := c.fn()
				return iteration{run: func() error {
					c = counter{}
					fanInPipeline(ss, sink)
					return c.check(total, want)
				}}
			}},
		},
	}
}

//go:noinline
func fanInLoop(srcs [][]int, sink func(int)) {
	for _, s := range srcs {
		for _, x := range s {
			sink(x)
		}
	}
}

// fanInPipeline merges the sources as channel code does: a goroutine per
// source sending into one shared channel.
func fanInPipeline(srcs [][]int, sink func(int)) {
	var producers, consumer sync.WaitGroup
	merged := make(chan int, chanBuf)
	consumer.Go(func() {
		for x := range merged {
			sink(x)
		}
	})
	for _, s := range srcs {
		producers.Go(func() {
			for _, x := range s {
				merged <- x
			}
		})
	}
	producers.Wait()
	close(merged)
	consumer.Wait()
}

func fanOutCase(width, n int) bcase {
	data := lazy(func() []int { return randInts(n, 1<<30, 200) })
	wantSum := lazy(func() int { return sumInts(data()) })
	check := func(cs []counter, want int) error {
		for i := range cs {
			if err := cs[i].check(n, want); err != nil {
				return fmt.Errorf("sink %d: %w", i, err)
			}
		}
		return nil
	}
	sinks := func(cs []counter) []func(int) {
		fs := make([]func(int), len(cs))
		for i := range cs {
			fs[i] = cs[i].fn()
		}
		return fs
	}
	return bcase{
		name:  fmt.Sprintf("op=fanout,sinks=%d,n=%d", width, n),
		elems: width * n,
		impls: []impl{
			{"dfir", func() iteration {
				d, want := data(), wantSum()
				cs := make([]counter, width)
				fs := sinks(cs)
				g := dfir.New()
				in, p := dfir.SourceInput[int](g)
				for i, o := range dfir.Tee(p, width) {
					dfir.ForEach(o, fs[i])
				}
				mustCompile(g)
				return iteration{run: func() error {
					in.PushAll(d)
					clear(cs)
					g.RunTick()
					return check(cs, want)
				}}
			}},
			{"baseline", func() iteration {
				d, want := data(), wantSum()
				cs := make([]counter, width)
				fs := sinks(cs)
				return iteration{run: func() error {
					clear(cs)
					fanOutLoop(d, fs)
					return check(cs, want)
				}}
			}},
			{"pipeline", func() iteration {
				d, want := data(), wantSum()
				cs := make([]counter, width)
				fs := sinks(cs)
				return iteration{run: func() error {
					clear(cs)
					fanOutPipeline(d, fs)
					return check(cs, want)
				}}
			}},
		},
	}
}

//go:noinline
func fanOutLoop(data []int, sinks []func(int)) {
	for _, x := range data {
		for _, s := range sinks {
			s(x)
		}
	}
}

// fanOutPipeline broadcasts as channel code does: one producer sending every
// item on a channel per consumer goroutine.
func fanOutPipeline(data []int, sinks []func(int)) {
	var wg sync.WaitGroup
	chs := make([]chan int, len(sinks))
	for i, s := range sinks {
		ch := make(chan int, chanBuf)
		chs[i] = ch
		wg.Go(func() {
			for x := range ch {
				s(x)
			}
		})
	}
	for _, x := range data {
		for _, ch := range chs {
			ch <- x
		}
	}
	for _, ch := range chs {
		close(ch)
	}
	wg.Wait()
}
