// SPDX-License-Identifier: Apache-2.0

package semantics

// Keyed streams and keyed singletons. A keyed stream is a stream of
// (key, value) pairs ordered per key only, so flattening it back with
// Entries or Values gives an unordered stream. Keyed aggregations give one
// value per key: at the top level they accumulate across ticks, in a tick
// they see the tick's batch. A top-level keyed singleton is read by
// snapshotting it into a tick, and watched as one item per tick (InOne).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro"
)

type kvSI = hydro.KV[string, int]

// one renders items as InOne does: sorted, in braces.
func one[T any](items ...T) []string {
	s := Strings(items...)
	slices.Sort(s)
	return []string{"{" + strings.Join(s, " ") + "}"}
}

func keyedCases() []Case {
	in := [][]kvSI{{KV("a", 1), KV("b", 2), KV("a", 3)}, {}, {KV("c", 4)}}
	agg := [][]kvSI{{KV("a", 1), KV("b", 2)}, {}, {KV("a", 3), KV("c", 5), KV("b", 1)}}
	cases := []Case{
		{Name: "IntoKeyed(...).Entries", Build: func(e *Env) []Out {
			return []Out{Unordered(hydro.IntoKeyed(Input(e, in...)).Entries(), in...)}
		}},
		{Name: "IntoKeyed(...).Values", Build: func(e *Env) []Out {
			return []Out{Unordered(hydro.IntoKeyed(Input(e, in...)).Values(), ints(1, 2, 3), nil, ints(4))}
		}},
		{Name: "MapValues(x*10)", Build: func(e *Env) []Out {
			s := hydro.MapValues(hydro.IntoKeyed(Input(e, in...)), times(10)).Entries()
			return []Out{Unordered(s, []kvSI{KV("a", 10), KV("b", 20), KV("a", 30)}, nil, []kvSI{KV("c", 40)})}
		}},
		{
			// Entries drops the order across keys, but each key's values
			// keep their order.
			Name: "Entries keeps each key's order", Build: func(e *Env) []Out {
				in := []kvSI{KV("a", 1), KV("b", 1), KV("a", 2), KV("b", 2), KV("a", 3)}
				s := hydro.IntoKeyed(Input(e, in)).Entries()
				return []Out{Unordered(s, in).Holds(perKeyInOrder(in))}
			},
		},
		{
			// An order-sensitive fold: a keyed stream keeps each key's
			// values in order, so each key's list is in arrival order,
			// across ticks at the top level.
			Name: "FoldKeyed(append) at the top level", Build: func(e *Env) []Out {
				s := hydro.IntoKeyed(Input(e, []kvSI{KV("a", 1), KV("b", 1), KV("a", 2)}, []kvSI{KV("b", 2), KV("a", 3)}))
				lists := hydro.FoldKeyed(s, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) })
				return []Out{Ordered(WatchKeyed(lists),
					one(KV("a", ints(1, 2)), KV("b", ints(1))),
					one(KV("a", ints(1, 2, 3)), KV("b", ints(1, 2))),
				).Snapshots(one[int]()...)}
			},
		},
	}
	keyedAggs := []struct {
		op       string
		top      func(s hydro.KeyedStream[string, int, Proc]) hydro.KeyedSingleton[string, int, Proc]
		tick     func(s hydro.KeyedStream[string, int, Tick]) hydro.KeyedSingleton[string, int, Tick]
		wantTop  [][]kvSI
		wantTick [][]kvSI
		every    Check
	}{
		{
			op: "FoldKeyed(0, +)",
			top: func(s hydro.KeyedStream[string, int, Proc]) hydro.KeyedSingleton[string, int, Proc] {
				return hydro.FoldKeyed(s, zero, sum)
			},
			tick: func(s hydro.KeyedStream[string, int, Tick]) hydro.KeyedSingleton[string, int, Tick] {
				return hydro.FoldKeyed(s, zero, sum)
			},
			// Every key, every tick, with everything so far.
			wantTop: [][]kvSI{{KV("a", 1), KV("b", 2)}, {KV("a", 1), KV("b", 2)}, {KV("a", 4), KV("b", 3), KV("c", 5)}},
			// The keys of the tick's batch only.
			wantTick: [][]kvSI{{KV("a", 1), KV("b", 2)}, nil, {KV("a", 3), KV("b", 1), KV("c", 5)}},
			every:    keyedFold(slices.Concat(agg...), "sum"),
		},
		{
			op: "ReduceKeyed(max)",
			top: func(s hydro.KeyedStream[string, int, Proc]) hydro.KeyedSingleton[string, int, Proc] {
				return hydro.ReduceKeyed(s, maxInto)
			},
			tick: func(s hydro.KeyedStream[string, int, Tick]) hydro.KeyedSingleton[string, int, Tick] {
				return hydro.ReduceKeyed(s, maxInto)
			},
			wantTop:  [][]kvSI{{KV("a", 1), KV("b", 2)}, {KV("a", 1), KV("b", 2)}, {KV("a", 3), KV("b", 2), KV("c", 5)}},
			wantTick: [][]kvSI{{KV("a", 1), KV("b", 2)}, nil, {KV("a", 3), KV("b", 1), KV("c", 5)}},
			every:    keyedFold(slices.Concat(agg...), "max"),
		},
		{
			op:       "FirstKeyed",
			top:      hydro.FirstKeyed[string, int, Proc],
			tick:     hydro.FirstKeyed[string, int, Tick],
			wantTop:  [][]kvSI{{KV("a", 1), KV("b", 2)}, {KV("a", 1), KV("b", 2)}, {KV("a", 1), KV("b", 2), KV("c", 5)}},
			wantTick: [][]kvSI{{KV("a", 1), KV("b", 2)}, nil, {KV("a", 3), KV("b", 1), KV("c", 5)}},
			every:    keyedFold(slices.Concat(agg...), "first"),
		},
	}
	for _, tt := range keyedAggs {
		top := make([][]string, len(tt.wantTop))
		for i, w := range tt.wantTop {
			top[i] = one(w...)
		}
		cases = append(cases,
			Case{Name: tt.op + " at the top level", Build: func(e *Env) []Out {
				s := WatchKeyed(tt.top(hydro.IntoKeyed(Input(e, agg...))))
				return []Out{Out{S: s, Ticks: top}.Snapshots(one[int]()...)}
			}},
			Case{Name: tt.op + " in a tick", Build: func(e *Env) []Out {
				s := InTick(Input(e, agg...), func(s hydro.Stream[kvSI, Tick]) hydro.Stream[kvSI, Tick] {
					return tt.tick(hydro.IntoKeyed(s)).Entries()
				})
				return []Out{Unordered(s, tt.wantTick...).Holds(tt.every)}
			}},
		)
	}
	views := [][]kvSI{{KV("a", 1), KV("b", 2)}, {KV("a", 3)}}
	counts := func(e *Env) hydro.KeyedSingleton[string, int, Tick] {
		c := hydro.FoldKeyed(hydro.IntoKeyed(Input(e, views...)), zero, func(acc *int, _ int) { *acc++ })
		return hydro.SnapshotKeyed(c, hydro.NewTick(e.P), ND)
	}
	return append(cases, []Case{
		// A top-level keyed singleton read through a snapshot: its keys,
		// values and entries.
		{Name: "SnapshotKeyed(count per key).Keys", Build: func(e *Env) []Out {
			s := hydro.AllTicks(InOne(counts(e).Keys()))
			return []Out{Ordered(s, one("a", "b"), one("a", "b")).Snapshots(one[int]()...)}
		}},
		{Name: "SnapshotKeyed(count per key).Values", Build: func(e *Env) []Out {
			s := hydro.AllTicks(InOne(counts(e).Values()))
			return []Out{Ordered(s, one(1, 1), one(2, 1)).Snapshots(one[int]()...)}
		}},
		{
			// Entries of a snapshot is a bounded stream like any batch: it
			// can be aggregated in the tick.
			Name: "Count(SnapshotKeyed(count per key).Entries)", Build: func(e *Env) []Out {
				s := hydro.AllTicks(hydro.Count(counts(e).Entries()).IntoStream())
				return []Out{Ordered(s, ints(2), ints(2)).Snapshots("0")}
			},
		},
		{
			// A keyed aggregation of a finite source is bounded, so its
			// entries may be read at the top level without a snapshot.
			// Like any bounded stream they are emitted once, not again
			// every tick.
			Name: "FoldKeyed(SourceIter(...)).Entries() at the top level", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				src := hydro.SourceIter(e.P, []kvSI{KV("a", 1), KV("b", 2), KV("a", 3)})
				return []Out{Unordered(hydro.FoldKeyed(hydro.IntoKeyed(src), zero, sum).Entries(), []kvSI{KV("a", 4), KV("b", 2)}, nil, nil)}
			},
		},
		{
			Name:    "FoldKeyed(input).Entries() at the top level",
			Refused: "the entries of an unbounded keyed singleton depend on when one looks: reading them needs SnapshotKeyed",
			Build: func(e *Env) []Out {
				hydro.NewOutput(hydro.FoldKeyed(hydro.IntoKeyed(Input(e, []kvSI{})), zero, sum).Entries())
				return nil
			},
		},
	}...)
}

// perKeyInOrder holds when the output is in's entries with each key's
// values in in's order.
func perKeyInOrder(in []kvSI) Check {
	want := Strings(in...)
	return Custom("every entry, each key's values in order", func(all []string) error {
		if !multisetEq(all, want) {
			return fmt.Errorf("emitted %v; want in any order %v", all, want)
		}
		perKey := func(items []string) map[string][]string {
			m := map[string][]string{}
			for _, it := range items {
				k, v, _ := fields(it)
				m[k] = append(m[k], v)
			}
			return m
		}
		g, w := perKey(all), perKey(want)
		for k, vs := range w {
			if !slices.Equal(g[k], vs) {
				return fmt.Errorf("emitted %v: key %s has %v; want %v", all, k, g[k], vs)
			}
		}
		return nil
	}, func(all []string) bool { return len(all) >= len(want) })
}

// keyedFold holds for a keyed aggregation in a tick over in, whatever the
// batches: every key of in, and only those, with values that make up the
// key's values: "sum" adds up to their sum, "max" are some of them with
// their maximum among them, "first" are some of them with the first
// among them.
func keyedFold(in []kvSI, kind string) Check {
	vals := map[string][]int{}
	for _, e := range in {
		vals[e.Key] = append(vals[e.Key], e.Val)
	}
	return Custom("each key's per-tick values make up its "+kind, func(all []string) error {
		got := map[string][]int{}
		for _, it := range all {
			k, v, _ := fields(it)
			n, err := atoi(v)
			if err != nil {
				return err
			}
			got[k] = append(got[k], n)
		}
		for k, vs := range got {
			if _, ok := vals[k]; !ok {
				return fmt.Errorf("emitted %v: key %s is not in the input", all, k)
			}
			if kind != "sum" {
				for _, v := range vs {
					if !slices.Contains(vals[k], v) {
						return fmt.Errorf("emitted %v: %d is not a value of key %s", all, v, k)
					}
				}
			}
		}
		for k, vs := range vals {
			g := got[k]
			var ok bool
			switch kind {
			case "sum":
				n := 0
				for _, v := range g {
					n += v
				}
				m := 0
				for _, v := range vs {
					m += v
				}
				ok = n == m
			case "max":
				ok = slices.Contains(g, slices.Max(vs))
			case "first":
				ok = slices.Contains(g, vs[0])
			}
			if !ok {
				return fmt.Errorf("emitted %v: key %s has %v, which does not make up the %s of %v", all, k, g, kind, vs)
			}
		}
		return nil
	}, nil)
}
