// SPDX-License-Identifier: Apache-2.0

package semantics

// Generators, keyed operators beyond aggregation, and the state of a tick.
// A generator depends only on its input's order, so at the top level what
// it emits is the same however the input is batched. A keyed one depends
// only on each key's order. Persist and OptionalFirstTick are about ticks:
// what they hold depends on how many ticks ran, not on the batches.

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
)

// evenSums is a generator: it adds the items up, yields every even sum and
// returns the first sum past 10.
func evenSums(acc *int, x int) hydro.Generate[int] {
	*acc += x
	switch {
	case *acc > 10:
		return hydro.Return(*acc)
	case *acc%2 == 0:
		return hydro.Yield(*acc)
	}
	return hydro.Continue[int]()
}

func opsCases() []Case {
	genIn := [][]int{ints(1, 1, 3), ints(), ints(100, 2)}
	keyedIn := [][]kvSI{{KV("a", 1), KV("b", 2), KV("a", 3)}, {}, {KV("c", 4), KV("b", 20), KV("a", 7)}}
	return []Case{
		{Name: "Generator(even sums, return past 10) at the top level", Build: func(e *Env) []Out {
			// The value after Return is dropped.
			return []Out{Ordered(hydro.Generator(Input(e, genIn...), zero, evenSums), ints(2), nil, ints(105))}
		}},
		{Name: "ScanWhile(running sum below 7) at the top level", Build: func(e *Env) []Out {
			s := hydro.ScanWhile(Input(e, elementwiseIn...), zero, func(acc *int, x int) (int, bool) {
				*acc += x
				return *acc, *acc < 7
			})
			return []Out{Ordered(s, ints(1, 3, 6), nil, nil)}
		}},
		{Name: "GeneratorKeyed(even sums, return past 10) at the top level", Build: func(e *Env) []Out {
			// b returns 22; a yields 4 and returns 11; c yields 4.
			s := hydro.GeneratorKeyed(hydro.IntoKeyed(Input(e, keyedIn...)), zero, evenSums).Entries()
			return []Out{Unordered(s, []kvSI{KV("b", 2), KV("a", 4)}, nil, []kvSI{KV("c", 4), KV("b", 22), KV("a", 11)})}
		}},
		{Name: "EnumerateKeyed at the top level", Build: func(e *Env) []Out {
			type iv = hydro.KV[string, hydro.KV[int, int]]
			at := func(k string, i, v int) iv { return KV(k, KV(i, v)) }
			s := hydro.EnumerateKeyed(hydro.IntoKeyed(Input(e, keyedIn...))).Entries()
			return []Out{Unordered(s, []iv{at("a", 0, 1), at("b", 0, 2), at("a", 1, 3)}, nil, []iv{at("c", 0, 4), at("b", 1, 20), at("a", 2, 7)})}
		}},
		{Name: "FoldEarlyStop(sum until an odd value) at the top level", Build: func(e *Env) []Out {
			// A key's value, once there, never changes: a's is 1 although
			// a's later values are odd too.
			stop := hydro.FoldEarlyStop(hydro.IntoKeyed(Input(e, keyedIn...)), zero, func(acc *int, v int) bool {
				*acc += v
				return v%2 != 0
			})
			s := WatchKeyed(stop)
			return []Out{Out{S: s, Ticks: [][]string{one(KV("a", 1)), one(KV("a", 1)), one(KV("a", 1))}}.Snapshots(one[int]()...)}
		}},
		{Name: "ValueCounts at the top level", Build: func(e *Env) []Out {
			s := WatchKeyed(hydro.ValueCounts(hydro.IntoKeyed(Input(e, keyedIn...))))
			return []Out{Out{S: s, Ticks: [][]string{
				one(KV("a", 2), KV("b", 1)), one(KV("a", 2), KV("b", 1)), one(KV("a", 3), KV("b", 2), KV("c", 1)),
			}}.Snapshots(one[int]()...)}
		}},
		{Name: "Lookup(input, fixed table) at the top level", Build: func(e *Env) []Out {
			table := hydro.FoldKeyed(hydro.IntoKeyed(hydro.SourceIter(e.P, []kvSI{KV("a", 10), KV("c", 30)})), zero, sum)
			s := hydro.Lookup(hydro.IntoKeyed(Input(e, keyedIn...)), table).Entries()
			type lv = hydro.KV[string, hydro.Pair[int, int]]
			return []Out{Unordered(s, []lv{KV("a", Pair(1, 10)), KV("a", Pair(3, 10))}, nil, []lv{KV("c", Pair(4, 30)), KV("a", Pair(7, 10))})}
		}},
		{Name: "ReduceWatermark(+, Last(marks)) at the top level", Build: func(e *Env) []Out {
			// However values and marks interleave, the keys up to the
			// watermark end up gone and the others fully summed.
			vals := [][]hydro.KV[int, int]{{KV(0, 100), KV(1, 101), KV(2, 102)}, {}, {KV(2, 102), KV(1, 1), KV(3, 5)}}
			marks := [][]int{ints(), ints(1), ints()}
			sums := hydro.ReduceWatermark(hydro.IntoKeyed(Input(e, vals...)), hydro.Last(Input(e, marks...)), sum)
			final := one(KV(2, 204), KV(3, 5))[0]
			return []Out{Out{S: WatchKeyed(sums), Ticks: [][]string{
				one(KV(0, 100), KV(1, 101), KV(2, 102)), one(KV(2, 102)), {final},
			}}.Holds(Custom("ends with "+final, func(all []string) error {
				if len(all) == 0 || all[len(all)-1] != final {
					return fmt.Errorf("emitted %v; want it to end with %s", all, final)
				}
				return nil
			}, func(all []string) bool { return len(all) > 0 && all[len(all)-1] == final }))}
		}},
		{Name: "MergeOrdered at the top level", Build: func(e *Env) []Out {
			// Each input's items keep their order; how they interleave is
			// the NonDet.
			xs, ys := [][]int{ints(1, 2), ints(), ints(3)}, [][]int{ints(10), ints(20), ints()}
			s := hydro.MergeOrdered(Input(e, xs...), Input(e, ys...), ND)
			return []Out{Ordered(s, ints(1, 2, 10), ints(20), ints(3)).
				Holds(Interleaves(Strings(slices.Concat(xs...)...), Strings(slices.Concat(ys...)...)))}
		}},
		{Name: "Count(Persist(batch)) in a tick", Build: func(e *Env) []Out {
			// Persist holds every item so far, so its count only grows,
			// up to every item.
			s := InTick(Input(e, elementwiseIn...), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
				return hydro.Count(hydro.Persist(s)).IntoStream()
			})
			return []Out{Ordered(s, ints(3), ints(3), ints(5)).Holds(growsTo(5))}
		}},
		{Name: "OptionalFirstTick(7).UnwrapOr(0) in a tick", Build: func(e *Env) []Out {
			// The first tick the tick runs has the value; every later one
			// has none.
			tk := hydro.NewTick(e.P)
			gate := hydro.Count(hydro.Batch(Input(e, ints(1), ints(), ints(2)), tk, ND))
			s := hydro.AllTicks(hydro.Map(hydro.Zip(hydro.OptionalFirstTick(tk, 7).UnwrapOr(0), gate).IntoStream(),
				func(p hydro.Pair[int, int]) int { return p.Left }))
			return []Out{Ordered(s, ints(7), ints(0), ints(0)).Holds(Custom("7 in the first tick, 0 in every later one",
				func(all []string) error {
					for i, v := range all {
						if want := map[bool]string{true: "7", false: "0"}[i == 0]; v != want {
							return fmt.Errorf("item %d of %v is %s; want %s", i, all, v, want)
						}
					}
					return nil
				}, func(all []string) bool { return len(all) > 0 }))}
		}},
	}
}

// growsTo checks a count watched tick by tick: it never shrinks and ends
// at last.
func growsTo(last int) Check {
	return Custom(fmt.Sprintf("never shrinks, ends at %d", last), func(all []string) error {
		ns, err := atois(all)
		if err != nil {
			return err
		}
		for i := 1; i < len(ns); i++ {
			if ns[i] < ns[i-1] {
				return fmt.Errorf("%v shrinks at item %d", ns, i)
			}
		}
		if len(ns) == 0 || ns[len(ns)-1] != last {
			return fmt.Errorf("%v does not end at %d", ns, last)
		}
		return nil
	}, func(all []string) bool { return len(all) > 0 && all[len(all)-1] == fmt.Sprint(last) })
}
