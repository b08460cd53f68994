// SPDX-License-Identifier: Apache-2.0

package semantics

// Operators over two collections. At a location's top level, binary
// operators over streams remember what each side has carried: a join or
// cross product emits each match once, in the tick its second half arrives,
// so the whole output does not depend on the ticks. In a tick they match
// within the tick's batches only: what matches then depends on which items
// share a tick, and the checks say what any batching gives.

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
)

type (
	kvIS     = hydro.KV[int, string]
	joined   = hydro.KV[int, hydro.Pair[string, string]]
	pairInts = hydro.Pair[int, int]
)

func combineCases() []Case {
	chainA, chainB := [][]int{ints(1, 2), nil, ints(3)}, [][]int{ints(10), ints(20), nil}
	counted := [][]int{ints(123, 456), ints(), ints(7)}
	crossA, crossB := [][]int{ints(1), ints(2), nil, nil, ints(3)}, [][]string{strs("x"), nil, strs("y"), nil, strs("z")}
	joinA := [][]kvIS{{KV(1, "a1"), KV(3, "a3")}, {KV(2, "a2")}, nil, nil, nil}
	joinB := [][]kvIS{{KV(2, "b2"), KV(3, "b3")}, nil, {KV(1, "b1")}, {KV(2, "b2'")}, nil}
	join := func(a, b hydro.Stream[kvIS, Tick]) hydro.Stream[joined, Tick] {
		return hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
	}
	allJoins := []joined{KV(3, Pair("a3", "b3")), KV(2, Pair("a2", "b2")), KV(1, Pair("a1", "b1")), KV(2, Pair("a2", "b2'"))}
	var allCross []hydro.Pair[int, string]
	for _, a := range slices.Concat(crossA...) {
		for _, b := range slices.Concat(crossB...) {
			allCross = append(allCross, Pair(a, b))
		}
	}
	return []Case{
		{
			// Chain emits all of its first input, then its second, even
			// when both arrive in the same tick and the second was pushed
			// first.
			Name: "Chain in a tick", Build: func(e *Env) []Out {
				s := InTick2(Input(e, chainA...), Input(e, chainB...), hydro.Chain[int, Tick])
				return []Out{Ordered(s, ints(1, 2, 10), ints(20), ints(3)).Holds(Interleaves(Strings(1, 2, 3), Strings(10, 20)))}
			},
		},
		{Name: "Chain (swapped) in a tick", Build: func(e *Env) []Out {
			s := InTick2(Input(e, chainA...), Input(e, chainB...), func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick] { return hydro.Chain(b, a) })
			return []Out{Ordered(s, ints(10, 1, 2), ints(20), ints(3)).Holds(Interleaves(Strings(1, 2, 3), Strings(10, 20)))}
		}},
		{
			// The batch, then its count: a later stratum's item still
			// comes second.
			Name: "Chain(batch, Count(batch))", Build: func(e *Env) []Out {
				s := InTick(Input(e, counted...), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					return hydro.Chain(s, hydro.Count(s).IntoStream())
				})
				return []Out{Ordered(s, ints(123, 456, 2), ints(0), ints(7, 1)).Holds(batchesCounted(slices.Concat(counted...), false))}
			},
		},
		{
			// And the other way round: the count, from a later stratum,
			// comes first.
			Name: "Chain(Count(batch), batch)", Build: func(e *Env) []Out {
				s := InTick(Input(e, counted...), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					return hydro.Chain(hydro.Count(s).IntoStream(), s)
				})
				return []Out{Ordered(s, ints(2, 123, 456), ints(0), ints(1, 7)).Holds(batchesCounted(slices.Concat(counted...), true))}
			},
		},
		{
			// At the top level the first input must be bounded: a finite
			// source comes before everything the second input ever carries.
			Name: "Chain(SourceIter([-1 -2]), input) at the top level", Build: func(e *Env) []Out {
				s := hydro.Chain(hydro.SourceIter(e.P, ints(-1, -2)), Input(e, counted...))
				return []Out{Ordered(s, ints(-1, -2, 123, 456), nil, ints(7))}
			},
		},
		{
			// A bounded singleton as the first input is one item, once.
			Name: "Chain(SingletonOf(0).IntoStream(), input) at the top level", Build: func(e *Env) []Out {
				s := hydro.Chain(hydro.SingletonOf(e.P, 0).IntoStream(), Input(e, counted...))
				return []Out{Ordered(s, ints(0, 123, 456), nil, ints(7))}
			},
		},
		{Name: "Merge at the top level", Build: func(e *Env) []Out {
			s := hydro.Merge(Input(e, ints(1, 2), ints(), ints()), Input(e, ints(10), ints(20), ints()))
			return []Out{Unordered(s, ints(1, 2, 10), ints(20), nil)}
		}},
		{Name: "Merge(a, b, a) in a tick", Build: func(e *Env) []Out {
			s := InTick2(Input(e, ints(1, 2), ints(), ints()), Input(e, ints(10), ints(20), ints()), func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
				return hydro.Merge(a, b, a)
			})
			return []Out{Unordered(s, ints(1, 1, 2, 2, 10), ints(20), nil)}
		}},
		{
			// Each pair once, in the tick its later half arrives; a tick
			// where both sides grow pairs the new items with each other
			// once too.
			Name: "CrossProduct at the top level", Build: func(e *Env) []Out {
				s := hydro.CrossProduct(Input(e, crossA...), Input(e, crossB...))
				return []Out{Unordered(s,
					[]hydro.Pair[int, string]{Pair(1, "x")},
					[]hydro.Pair[int, string]{Pair(2, "x")},
					[]hydro.Pair[int, string]{Pair(1, "y"), Pair(2, "y")},
					nil,
					[]hydro.Pair[int, string]{Pair(3, "x"), Pair(3, "y"), Pair(1, "z"), Pair(2, "z"), Pair(3, "z")},
				)}
			},
		},
		{Name: "CrossProduct in a tick", Build: func(e *Env) []Out {
			s := InTick2(Input(e, crossA...), Input(e, crossB...), hydro.CrossProduct[int, string, Tick])
			return []Out{Unordered(s, []hydro.Pair[int, string]{Pair(1, "x")}, nil, nil, nil, []hydro.Pair[int, string]{Pair(3, "z")}).
				Holds(Within(Strings(allCross...)...))}
		}},
		{Name: "CrossSingleton(input, SingletonOf(10)) at the top level", Build: func(e *Env) []Out {
			in := Input(e, ints(1, 2), ints(), ints(3))
			s := hydro.CrossSingleton(in, hydro.SingletonOf(e.P, 10))
			return []Out{Ordered(s, []pairInts{Pair(1, 10), Pair(2, 10)}, nil, []pairInts{Pair(3, 10)})}
		}},
		{
			// Every item of the batch with the batch's own sum.
			Name: "CrossSingleton(batch, Fold(batch, +))", Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(1, 2), ints(), ints(3)), func(s hydro.Stream[int, Tick]) hydro.Stream[pairInts, Tick] {
					return hydro.CrossSingleton(s, hydro.Fold(s, zero, sum))
				})
				return []Out{Ordered(s, []pairInts{Pair(1, 3), Pair(2, 3)}, nil, []pairInts{Pair(3, 3)}).Holds(leftsWithRights(ints(1, 2, 3), func(i, x, r int) bool { return r >= x && r <= 6 }))}
			},
		},
		{
			// With a snapshot of a top-level count: the count includes the
			// tick's own items.
			Name: "CrossSingleton(batch, Snapshot(Count(input)))", Build: func(e *Env) []Out {
				in := Input(e, ints(1, 2), ints(), ints(3))
				tk := hydro.NewTick(e.P)
				s := hydro.AllTicks(hydro.CrossSingleton(hydro.Batch(in, tk, ND), hydro.Snapshot(hydro.Count(in), tk, ND)))
				return []Out{Ordered(s, []pairInts{Pair(1, 2), Pair(2, 2)}, nil, []pairInts{Pair(3, 3)}).Holds(leftsWithRights(ints(1, 2, 3), func(i, x, r int) bool { return r > i && r <= 3 }))}
			},
		},
		{
			// Every match once, in the tick its later half arrives;
			// nothing again in later ticks.
			Name: "Join at the top level", Build: func(e *Env) []Out {
				s := hydro.Join(hydro.IntoKeyed(Input(e, joinA...)), hydro.IntoKeyed(Input(e, joinB...))).Entries()
				return []Out{Unordered(s, []joined{allJoins[0]}, []joined{allJoins[1]}, []joined{allJoins[2]}, []joined{allJoins[3]}, nil)}
			},
		},
		{
			// In a tick only the batches meet.
			Name: "Join in a tick", Build: func(e *Env) []Out {
				s := InTick2(Input(e, joinA...), Input(e, joinB...), join)
				return []Out{Unordered(s, []joined{allJoins[0]}, nil, nil, nil, nil).Holds(Within(Strings(allJoins...)...))}
			},
		},
		{
			// A top-level stream joined with a finite table: each item
			// finds its matches whenever it arrives, because the table is
			// kept.
			Name: "Join(input, SourceIter(table)) at the top level", Build: func(e *Env) []Out {
				table := hydro.SourceIter(e.P, []kvIS{KV(1, "one"), KV(2, "two")})
				in := Input(e, []kvIS{KV(1, "x")}, nil, []kvIS{KV(2, "y"), KV(3, "z")}, []kvIS{KV(1, "w")})
				s := hydro.Join(hydro.IntoKeyed(in), hydro.IntoKeyed(table)).Entries()
				return []Out{Unordered(s, []joined{KV(1, Pair("x", "one"))}, nil, []joined{KV(2, Pair("y", "two"))}, []joined{KV(1, Pair("w", "one"))})}
			},
		},
		{
			// Join is a multiset join: a duplicate arriving in a later tick
			// at the top level gives a duplicate match.
			Name: "Join with a repeated entry at the top level", Build: func(e *Env) []Out {
				a := Input(e, []kvIS{KV(1, "x")}, []kvIS{KV(1, "x")}, nil)
				b := Input(e, []kvIS{KV(1, "y")}, nil, nil)
				s := hydro.Join(hydro.IntoKeyed(a), hydro.IntoKeyed(b)).Entries()
				return []Out{Unordered(s, []joined{KV(1, Pair("x", "y"))}, []joined{KV(1, Pair("x", "y"))}, nil)}
			},
		},
		{
			// Duplicate entries on either side give duplicate matches.
			Name: "Join with duplicates in a tick", Build: func(e *Env) []Out {
				a := Input(e, []kvIS{KV(1, "x"), KV(1, "x")})
				b := Input(e, []kvIS{KV(1, "y"), KV(1, "z")})
				s := InTick2(a, b, join)
				all := []joined{KV(1, Pair("x", "y")), KV(1, Pair("x", "y")), KV(1, Pair("x", "z")), KV(1, Pair("x", "z"))}
				return []Out{Unordered(s, all).Holds(Within(Strings(all...)...))}
			},
		},
		{
			// The keys of a tick hold only in that tick.
			Name: "AntiJoin in a tick", Build: func(e *Env) []Out {
				a := Input(e, []kvIS{KV(1, "a"), KV(2, "b")}, []kvIS{KV(2, "c"), KV(3, "d")})
				b := Input(e, ints(2), ints())
				s := InTick2(a, b, func(a hydro.Stream[kvIS, Tick], b hydro.Stream[int, Tick]) hydro.Stream[kvIS, Tick] {
					return hydro.AntiJoin(hydro.IntoKeyed(a), b).Entries()
				})
				return []Out{Unordered(s, []kvIS{KV(1, "a")}, []kvIS{KV(2, "c"), KV(3, "d")}).
					Holds(someOf(Strings(KV(1, "a"), KV(2, "b"), KV(2, "c"), KV(3, "d")), Strings(KV(1, "a"), KV(3, "d"))))}
			},
		},
		{
			// At the top level the keys are a finite source, excluded for
			// good.
			Name: "AntiJoin(input, SourceIter([2])) at the top level", Build: func(e *Env) []Out {
				in := Input(e, []kvIS{KV(1, "a"), KV(2, "b")}, []kvIS{KV(2, "c"), KV(3, "d")})
				s := hydro.AntiJoin(hydro.IntoKeyed(in), hydro.SourceIter(e.P, ints(2))).Entries()
				return []Out{Unordered(s, []kvIS{KV(1, "a")}, []kvIS{KV(3, "d")})}
			},
		},
		{Name: "FilterNotIn in a tick", Build: func(e *Env) []Out {
			s := InTick2(Input(e, ints(1, 2, 3, 2), ints(2, 4)), Input(e, ints(2), ints()), hydro.FilterNotIn[int, Tick])
			return []Out{Ordered(s, ints(1, 3), ints(2, 4)).Holds(subsequenceOf(ints(1, 2, 3, 2, 2, 4), ints(1, 3, 4)))}
		}},
		{Name: "FilterNotIn(input, SourceIter([2 4])) at the top level", Build: func(e *Env) []Out {
			in := Input(e, ints(1, 2, 3), ints(2, 4))
			return []Out{Ordered(hydro.FilterNotIn(in, hydro.SourceIter(e.P, ints(2, 4))), ints(1, 3), nil)}
		}},
		// A batch gated on a condition computed from another input in the
		// same tick.
		gated("FilterIf(a, Count(b) > 0)", func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
			return hydro.FilterIf(a, hydro.MapSingleton(hydro.Count(b), func(n int) bool { return n > 0 }))
		}, ints(1, 2), nil, ints(4)),
		gated("FilterIfSome(a, First(b))", func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
			return hydro.FilterIfSome(a, hydro.First(b))
		}, ints(1, 2), nil, ints(4)),
		gated("FilterIfNone(a, First(b))", func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
			return hydro.FilterIfNone(a, hydro.First(b))
		}, nil, ints(3), nil),
		{Name: "FilterIf(input, SingletonOf(true))", Build: func(e *Env) []Out {
			in := Input(e, ints(1, 2), ints(3))
			return []Out{Ordered(hydro.FilterIf(in, hydro.SingletonOf(e.P, true)), ints(1, 2), ints(3))}
		}},
		{Name: "FilterIf(input, SingletonOf(false))", Build: func(e *Env) []Out {
			in := Input(e, ints(1, 2), ints(3))
			return []Out{Ordered(hydro.FilterIf(in, hydro.SingletonOf(e.P, false)), nil, nil)}
		}},
		{Name: "Sort in a tick", Build: func(e *Env) []Out {
			s := InTick(Input(e, ints(3, 1, 2), ints(), ints(5, 0, 5)), hydro.Sort[int, Tick])
			return []Out{Ordered(s, ints(1, 2, 3), nil, ints(0, 5, 5)).Holds(Multiset(Strings(3, 1, 2, 5, 0, 5)...))}
		}},
		{
			// SortFunc is stable: equal keys keep their arrival order.
			Name: "SortFunc(by key) in a tick", Build: func(e *Env) []Out {
				in := [][]kvIS{{KV(2, "a"), KV(1, "b"), KV(2, "c"), KV(1, "d")}, {KV(0, "e")}}
				s := InTick(Input(e, in...), func(s hydro.Stream[kvIS, Tick]) hydro.Stream[kvIS, Tick] {
					return hydro.SortFunc(s, func(x, y kvIS) int { return cmp.Compare(x.Key, y.Key) })
				})
				return []Out{Ordered(s, []kvIS{KV(1, "b"), KV(1, "d"), KV(2, "a"), KV(2, "c")}, []kvIS{KV(0, "e")}).
					Holds(perKeyInOrder2(slices.Concat(in...)))}
			},
		},
		{
			// Sorting makes an unordered batch ordered again, so that
			// order-sensitive operators accept it.
			Name: "Enumerate(Sort(Merge(a, b)))", Build: func(e *Env) []Out {
				s := InTick2(Input(e, ints(3, 1)), Input(e, ints(2)), func(a, b hydro.Stream[int, Tick]) hydro.Stream[hydro.KV[int, int], Tick] {
					return hydro.Enumerate(hydro.Sort(hydro.Merge(a, b)))
				})
				return []Out{Ordered(s, []hydro.KV[int, int]{KV(0, 1), KV(1, 2), KV(2, 3)}).Holds(sortedRuns(ints(1, 2, 3)))}
			},
		},
		{
			// A finite source at the top level is sorted once, in the first
			// tick.
			Name: "Sort(SourceIter([2 3 1])) at the top level", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				return []Out{Ordered(hydro.Sort(hydro.SourceIter(e.P, ints(2, 3, 1))), ints(1, 2, 3), nil, nil)}
			},
		},
	}
}

// gated is a case of a batch of a gated by a condition on the batch of b.
func gated(op string, g func(a, b hydro.Stream[int, Tick]) hydro.Stream[int, Tick], want ...[]int) Case {
	return Case{Name: op, Build: func(e *Env) []Out {
		s := InTick2(Input(e, ints(1, 2), ints(3), ints(4)), Input(e, ints(9), ints(), ints(8, 7)), g)
		return []Out{Ordered(s, want...).Holds(subsequenceOf(ints(1, 2, 3, 4), nil))}
	}}
}

// subsequenceOf holds when the output is a subsequence of in holding every
// item of must: a filter whose condition depends on the batches.
func subsequenceOf(in, must []int) Check {
	return Custom(fmt.Sprintf("a subsequence of %v holding %v", in, must), func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		j := 0
		for _, v := range got {
			for j < len(in) && in[j] != v {
				j++
			}
			if j == len(in) {
				return fmt.Errorf("emitted %v; want a subsequence of %v", got, in)
			}
			j++
		}
		for _, m := range must {
			if !slices.Contains(got, m) {
				return fmt.Errorf("emitted %v; want %d among them", got, m)
			}
		}
		return nil
	}, nil)
}

// someOf holds when the output is a sub-multiset of universe holding all of
// must.
func someOf(universe, must []string) Check {
	within := Within(universe...)
	return Custom(fmt.Sprintf("some of %v, all of %v", universe, must), func(all []string) error {
		if err := within.OK(all); err != nil {
			return err
		}
		for _, m := range must {
			if !slices.Contains(all, m) {
				return fmt.Errorf("emitted %v; want %s among them", all, m)
			}
		}
		return nil
	}, nil)
}

// batchesCounted holds for Chain(batch, Count(batch)) over in (countFirst:
// Chain(Count(batch), batch)), whatever the batches: in, in order, cut
// into runs each followed (or preceded) by its length. The items of in
// must not be small numbers, so that they cannot be read as counts.
func batchesCounted(in []int, countFirst bool) Check {
	return Custom("the input in order, in runs each with its length", func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		j, run := 0, 0
		for i, v := range got {
			if j < len(in) && v == in[j] && v > len(in) {
				j++
				run++
				continue
			}
			if countFirst {
				// v counts the run that follows.
				n := 0
				for k := i + 1; k < len(got) && j+n < len(in) && got[k] == in[j+n]; k++ {
					n++
				}
				if v > n {
					return fmt.Errorf("emitted %v: count %d at %d, with only %d items after it", got, v, i, n)
				}
				continue
			}
			if v != run {
				return fmt.Errorf("emitted %v: count %d after a run of %d", got, v, run)
			}
			run = 0
		}
		if j != len(in) {
			return fmt.Errorf("emitted %v; want all of %v", got, in)
		}
		return nil
	}, nil)
}

// leftsWithRights holds for pairs (x, r) whose lefts are in, in order, and
// whose rights satisfy ok(i, x, r) at position i.
func leftsWithRights(in []int, ok func(i, x, r int) bool) Check {
	return Custom(fmt.Sprintf("pairs whose lefts are %v in order", in), func(all []string) error {
		if len(all) != len(in) {
			return fmt.Errorf("emitted %v; want %d pairs", all, len(in))
		}
		for i, it := range all {
			l, r, _ := fields(it)
			x, err := atoi(l)
			if err != nil {
				return err
			}
			y, err := atoi(r)
			if err != nil {
				return err
			}
			if x != in[i] || !ok(i, x, y) {
				return fmt.Errorf("emitted %v: pair %d is %s", all, i, it)
			}
		}
		return nil
	}, func(all []string) bool { return len(all) >= len(in) })
}

// perKeyInOrder2 holds when the output is in's entries, each key's values
// in in's order: a stable sort by key, whatever the batches.
func perKeyInOrder2(in []kvIS) Check {
	c := perKeyInOrder(nil)
	want := Strings(in...)
	c.OK = func(all []string) error {
		if !multisetEq(all, want) {
			return fmt.Errorf("emitted %v; want in any order %v", all, want)
		}
		keys := map[string]bool{}
		for _, it := range want {
			k, _, _ := fields(it)
			keys[k] = true
		}
		for k := range keys {
			var g, w []string
			for _, it := range all {
				if key, v, _ := fields(it); key == k {
					g = append(g, v)
				}
			}
			for _, it := range want {
				if key, v, _ := fields(it); key == k {
					w = append(w, v)
				}
			}
			if !slices.Equal(g, w) {
				return fmt.Errorf("emitted %v: key %s has %v; want %v", all, k, g, w)
			}
		}
		return nil
	}
	c.Done = func(all []string) bool { return len(all) >= len(want) }
	return c
}

// sortedRuns holds for Enumerate(Sort(batch)) over the multiset vals,
// whatever the batches: every value once, each index 0 or one more than
// the last, and values rising within a run of indices.
func sortedRuns(vals []int) Check {
	return Custom(fmt.Sprintf("%v in sorted runs, each enumerated from 0", vals), func(all []string) error {
		var got []string
		last, lastV := -1, 0
		for _, it := range all {
			i, v, _ := fields(it)
			n, err := atoi(i)
			if err != nil {
				return err
			}
			x, err := atoi(v)
			if err != nil {
				return err
			}
			if n != 0 && (n != last+1 || x < lastV) {
				return fmt.Errorf("emitted %v: %s after index %d, value %d", all, it, last, lastV)
			}
			last, lastV = n, x
			got = append(got, v)
		}
		if !multisetEq(got, Strings(vals...)) {
			return fmt.Errorf("emitted %v; want the values %v", all, vals)
		}
		return nil
	}, func(all []string) bool { return len(all) >= len(vals) })
}
