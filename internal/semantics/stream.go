// SPDX-License-Identifier: Apache-2.0

package semantics

// Element-wise stream operators. At a location's top level a stream's port
// carries, each tick, the items that arrived in that tick: a stateless
// operator applied tick by tick is the operator applied to the whole stream.
// Stateful ones (Enumerate, Unique, Scan) remember across ticks at the top
// level and forget at the end of every tick inside a Tick.

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/hydro-go/hydro"
)

// elementwiseIn is the input of the element-wise cases.
var elementwiseIn = [][]int{ints(1, 2, 3), ints(), ints(4, 5)}

func streamCases() []Case {
	return []Case{
		{Name: "Map(x*10)", Build: func(e *Env) []Out {
			return []Out{Ordered(hydro.Map(Input(e, elementwiseIn...), times(10)), ints(10, 20, 30), nil, ints(40, 50))}
		}},
		{Name: "Filter(odd)", Build: func(e *Env) []Out {
			return []Out{Ordered(Input(e, elementwiseIn...).Filter(odd), ints(1, 3), nil, ints(5))}
		}},
		{Name: "FilterMap(odd → -x)", Build: func(e *Env) []Out {
			s := hydro.FilterMap(Input(e, elementwiseIn...), func(x int) (int, bool) { return -x, odd(x) })
			return []Out{Ordered(s, ints(-1, -3), nil, ints(-5))}
		}},
		{Name: "FlatMap(x → x copies of x)", Build: func(e *Env) []Out {
			s := hydro.FlatMap(Input(e, elementwiseIn...), copies)
			return []Out{Ordered(s, ints(1, 2, 2, 3, 3, 3), nil, ints(4, 4, 4, 4, 5, 5, 5, 5, 5))}
		}},
		{Name: "FlatMapUnordered(x → x copies of x)", Build: func(e *Env) []Out {
			s := hydro.FlatMapUnordered(Input(e, elementwiseIn...), copies)
			return []Out{Unordered(s, ints(1, 2, 2, 3, 3, 3), nil, ints(4, 4, 4, 4, 5, 5, 5, 5, 5))}
		}},
		{Name: "Flatten(Map(x → [x, -x]))", Build: func(e *Env) []Out {
			s := hydro.Flatten(hydro.Map(Input(e, elementwiseIn...), func(x int) []int { return []int{x, -x} }))
			return []Out{Ordered(s, ints(1, -1, 2, -2, 3, -3), nil, ints(4, -4, 5, -5))}
		}},
		{Name: "Enumerate at the top level", Build: func(e *Env) []Out {
			// The index counts from the start of the stream, across ticks.
			s := hydro.Enumerate(Input(e, elementwiseIn...))
			return []Out{Ordered(s, []hydro.KV[int, int]{KV(0, 1), KV(1, 2), KV(2, 3)}, nil, []hydro.KV[int, int]{KV(3, 4), KV(4, 5)})}
		}},
		{Name: "Enumerate in a tick", Build: func(e *Env) []Out {
			// The index restarts with every tick's batch.
			s := InTick(Input(e, elementwiseIn...), hydro.Enumerate[int, Tick])
			return []Out{Ordered(s, []hydro.KV[int, int]{KV(0, 1), KV(1, 2), KV(2, 3)}, nil, []hydro.KV[int, int]{KV(0, 4), KV(1, 5)}).
				Holds(Custom("the items in order, each index 0 or one more than the last", func(all []string) error {
					var vals []string
					last := -1
					for _, item := range all {
						i, v, _ := fields(item)
						n, err := atoi(i)
						if err != nil {
							return err
						}
						if n != 0 && n != last+1 {
							return fmt.Errorf("emitted %v: index %d after %d", all, n, last)
						}
						last = n
						vals = append(vals, v)
					}
					if w := Strings(slices.Concat(elementwiseIn...)...); !slices.Equal(vals, w) {
						return fmt.Errorf("emitted %v: items %v; want %v", all, vals, w)
					}
					return nil
				}, func(all []string) bool { return len(all) >= 5 }))}
		}},
		{Name: "Inspect", Build: func(e *Env) []Out {
			var seen []int
			e.Effect(func() error {
				if w := ints(1, 2, 3); !slices.Equal(seen, w) {
					return fmt.Errorf("Inspect called f on %v; want %v", seen, w)
				}
				return nil
			})
			s := hydro.Inspect(Input(e, ints(1, 2), ints(), ints(3)), func(x int) { seen = append(seen, x) })
			return []Out{Ordered(s, ints(1, 2), nil, ints(3))}
		}},
		{Name: "Unique at the top level", Build: func(e *Env) []Out {
			// An item passes the first time it is ever seen.
			s := hydro.Unique(Input(e, ints(1, 2, 1), ints(2, 3), ints(3, 3, 4)))
			return []Out{Ordered(s, ints(1, 2), ints(3), ints(4))}
		}},
		{Name: "Unique in a tick", Build: func(e *Env) []Out {
			// The first time it is seen in the tick.
			in := [][]int{ints(1, 2, 1), ints(2, 3), ints(3, 3, 4)}
			s := InTick(Input(e, in...), hydro.Unique[int, Tick])
			return []Out{Ordered(s, ints(1, 2), ints(2, 3), ints(3, 4)).Holds(subsequenceOf(slices.Concat(in...), slices.Concat(in...)))}
		}},
		{Name: "Scan(+) at the top level", Build: func(e *Env) []Out {
			s := hydro.Scan(Input(e, ints(1, 2), ints(), ints(3, 4)), zero, runningSum)
			return []Out{Ordered(s, ints(1, 3), nil, ints(6, 10))}
		}},
		{Name: "Scan(+) in a tick", Build: func(e *Env) []Out {
			in := [][]int{ints(1, 2), ints(), ints(3, 4)}
			s := InTick(Input(e, in...), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
				return hydro.Scan(s, zero, runningSum)
			})
			return []Out{Ordered(s, ints(1, 3), nil, ints(3, 7)).Holds(restartingSums(slices.Concat(in...)))}
		}},
		{Name: "Partition(odd)", Build: func(e *Env) []Out {
			odds, evens := hydro.Partition(Input(e, ints(1, 2, 3, 4), ints(), ints(5, 6)), odd)
			return []Out{
				Ordered(odds, ints(1, 3), nil, ints(5)).Named("yes"),
				Ordered(evens, ints(2, 4), nil, ints(6)).Named("no"),
			}
		}},
		{
			// One stream used by three operators: each sees every item, and
			// using a stream twice neither loses nor duplicates items.
			Name: "fan-out", Build: func(e *Env) []Out {
				s := Input(e, ints(1, 2), ints(3))
				return []Out{
					Ordered(hydro.Map(s, times(2)), ints(2, 4), ints(6)).Named("Map(x*2)"),
					Ordered(s.Filter(odd), ints(1), ints(3)).Named("Filter(odd)"),
					Ordered(s, ints(1, 2), ints(3)).Named("identity"),
				}
			},
		},
		{
			// A stream of slices shared by two consumers: each sees every
			// slice whole.
			Name: "fan-out of slices", Build: func(e *Env) []Out {
				s := Input(e, [][]int{ints(1, 2)}, [][]int{ints(3)})
				return []Out{
					Ordered(hydro.Map(s, func(v []int) int { return len(v) }), ints(2), ints(1)).Named("Map(len)"),
					Ordered(hydro.Flatten(s), ints(1, 2), ints(3)).Named("Flatten"),
				}
			},
		},
		{
			// FilterMap as a parser: what fails to parse is dropped.
			Name: "FilterMap(Atoi)", Build: func(e *Env) []Out {
				s := hydro.FilterMap(Input(e, strs("1", "x", "30"), strs("-2", "")), func(w string) (int, bool) {
					n, err := strconv.Atoi(w)
					return n, err == nil
				})
				return []Out{Ordered(s, ints(1, 30), ints(-2))}
			},
		},
	}
}

func runningSum(acc *int, x int) int { *acc += x; return *acc }

// restartingSums holds when the output is a running sum of in that may
// restart at any item: a Scan in a tick, whatever the batches.
func restartingSums(in []int) Check {
	return Custom("a running sum of the input, restarting anywhere", func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		if len(got) != len(in) {
			return fmt.Errorf("emitted %v; want %d running sums of %v", got, len(in), in)
		}
		for i, v := range got {
			if v != in[i] && (i == 0 || v != got[i-1]+in[i]) {
				return fmt.Errorf("emitted %v: item %d is %d, neither %d nor the last plus %d", got, i, v, in[i], in[i])
			}
		}
		return nil
	}, func(all []string) bool { return len(all) >= len(in) })
}
