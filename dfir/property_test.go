// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/hydro-go/hydro/dfir"
)

// Property tests: each operator against a simple model over several ticks
// of random inputs, with random lifetimes. The model applies the lifetime
// semantics itself: a PerTick input contributes the tick's items, a Static
// one every item received so far. A failure prints the rapid seed; replay it
// with -rapid.seed, and keep the failing file rapid writes under testdata/.

var lifetimeGen = rapid.SampledFrom([]dfir.Lifetime{dfir.PerTick, dfir.Static})

// drawTicks draws one slice of items per tick, 1 to 5 ticks. With bulk, a
// tick's items may be repeated enough times to span several batches.
func drawTicks[T any](t *rapid.T, label string, n int, elem *rapid.Generator[T], bulk bool) [][]T {
	ticks := make([][]T, n)
	for i := range ticks {
		items := rapid.SliceOfN(elem, 0, 12).Draw(t, fmt.Sprintf("%s[%d]", label, i))
		if bulk && len(items) > 0 && rapid.IntRange(0, 9).Draw(t, fmt.Sprintf("%s[%d] bulk", label, i)) == 0 {
			copies := 1 + 1100/len(items)
			for range copies {
				ticks[i] = append(ticks[i], items...)
			}
			continue
		}
		ticks[i] = items
	}
	return ticks
}

func drawTickCount(t *rapid.T) int { return rapid.IntRange(1, 5).Draw(t, "ticks") }

var smallKV = rapid.Custom(func(t *rapid.T) ikv {
	return ikv{rapid.IntRange(0, 4).Draw(t, "k"), rapid.IntRange(0, 9).Draw(t, "v")}
})

func TestJoinProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		llt, rlt := lifetimeGen.Draw(t, "left lifetime"), lifetimeGen.Draw(t, "right lifetime")
		ls, rs := drawTicks(t, "left", n, smallKV, false), drawTicks(t, "right", n, smallKV, false)
		g := dfir.New()
		l, lp := dfir.SourceInput[ikv](g)
		r, rp := dfir.SourceInput[ikv](g)
		out := dfir.SinkOutput(dfir.Join(lp, rp, llt, rlt))
		got := sortedTicks(stepTicks2(g, l, r, out, ls, rs), cmpJoined)
		op := "Join[" + lifetimePair(llt, rlt) + "]"
		checkTicks(t, op, fmt.Sprint(ls, ", ", rs), got, joinModel(ls, rs, llt, rlt))
	})
}

func TestCrossJoinProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		llt, rlt := lifetimeGen.Draw(t, "left lifetime"), lifetimeGen.Draw(t, "right lifetime")
		elem := rapid.IntRange(0, 20)
		ls, rs := drawTicks(t, "left", n, elem, false), drawTicks(t, "right", n, elem, false)
		g := dfir.New()
		l, lp := dfir.SourceInput[int](g)
		r, rp := dfir.SourceInput[int](g)
		out := dfir.SinkOutput(dfir.CrossJoin(lp, rp, llt, rlt))
		got := sortedTicks(stepTicks2(g, l, r, out, ls, rs), cmpPair)
		op := "CrossJoin[" + lifetimePair(llt, rlt) + "]"
		checkTicks(t, op, fmt.Sprint(ls, ", ", rs), got, crossModel(ls, rs, llt, rlt))
	})
}

func TestUniqueProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		lt := lifetimeGen.Draw(t, "lifetime")
		ticks := drawTicks(t, "in", n, rapid.IntRange(0, 15), true)
		// The model: first occurrences, in order, within the tick or ever.
		want := make([][]int, n)
		seen := map[int]bool{}
		for i, items := range ticks {
			if lt == dfir.PerTick {
				clear(seen)
			}
			for _, v := range items {
				if !seen[v] {
					seen[v] = true
					want[i] = append(want[i], v)
				}
			}
		}
		g := dfir.New()
		in, p := dfir.SourceInput[int](g)
		out := dfir.SinkOutput(dfir.Unique(p, lt))
		checkTicks(t, "Unique["+lt.String()+"]", ticks, stepTicks(g, in, out, ticks), want)
	})
}

func TestFoldKeyedProperty(t *testing.T) {
	key := rapid.SampledFrom([]string{"a", "b", "c", "d", "e"})
	elem := rapid.Custom(func(t *rapid.T) skv { return skv{key.Draw(t, "k"), rapid.IntRange(0, 9).Draw(t, "v")} })
	concat := func(acc *string, v int) { *acc += strconv.Itoa(v) }
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		lt := lifetimeGen.Draw(t, "lifetime")
		ticks := drawTicks(t, "in", n, elem, true)
		g := dfir.New()
		in, p := dfir.SourceInput[skv](g)
		out := dfir.SinkOutput(dfir.FoldKeyed(p, func() string { return "" }, concat, lt))
		want := keyedModel(ticks, lt, func(v int) string { return strconv.Itoa(v) }, concat)
		checkTicks(t, "FoldKeyed["+lt.String()+"]", ticks, stepTicks(g, in, out, ticks), want)
	})
}

func TestAntiJoinProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		plt, nlt := lifetimeGen.Draw(t, "pos lifetime"), lifetimeGen.Draw(t, "neg lifetime")
		how := rapid.SampledFrom(negSources).Draw(t, "negative source")
		pos := drawTicks(t, "pos", n, rapid.IntRange(0, 9), true)
		neg := drawTicks(t, "neg", n, rapid.IntRange(0, 9), false)
		g := dfir.New()
		pin, pp := dfir.SourceInput[int](g)
		nin, np := dfir.SourceInput[int](g)
		kv := dfir.Map(pp, func(k int) ikv { return ikv{k, k * k} })
		out := dfir.SinkOutput(dfir.AntiJoin(kv, negSource(how, np), plt, nlt))
		var want [][]ikv
		for _, ks := range antiModel(pos, neg, plt, nlt) {
			want = append(want, nil)
			for _, k := range ks {
				want[len(want)-1] = append(want[len(want)-1], ikv{k, k * k})
			}
		}
		op := "AntiJoin[" + lifetimePair(plt, nlt) + ", negative from " + how + "]"
		checkTicks(t, op, fmt.Sprint(pos, ", ", neg), stepTicks2(g, pin, nin, out, pos, neg), want)
	})
}

func TestDifferenceProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		plt, nlt := lifetimeGen.Draw(t, "pos lifetime"), lifetimeGen.Draw(t, "neg lifetime")
		how := rapid.SampledFrom(negSources).Draw(t, "negative source")
		pos := drawTicks(t, "pos", n, rapid.IntRange(0, 9), true)
		neg := drawTicks(t, "neg", n, rapid.IntRange(0, 9), true)
		g := dfir.New()
		pin, pp := dfir.SourceInput[int](g)
		nin, np := dfir.SourceInput[int](g)
		out := dfir.SinkOutput(dfir.Difference(pp, negSource(how, np), plt, nlt))
		op := "Difference[" + lifetimePair(plt, nlt) + ", negative from " + how + "]"
		checkTicks(t, op, fmt.Sprint(pos, ", ", neg), stepTicks2(g, pin, nin, out, pos, neg), antiModel(pos, neg, plt, nlt))
	})
}

func TestSortProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		lt := lifetimeGen.Draw(t, "lifetime")
		ticks := drawTicks(t, "in", n, rapid.IntRange(-50, 50), true)
		g := dfir.New()
		in, p := dfir.SourceInput[int](g)
		out := dfir.SinkOutput(dfir.Sort(p, lt))
		checkTicks(t, "Sort["+lt.String()+"]", ticks, stepTicks(g, in, out, ticks), stableModel(ticks, lt, cmp.Compare[int]))
	})
}

// TestSortFuncStableProperty sorts pairs by key only: pairs with equal keys
// must keep their arrival order, across ticks too.
func TestSortFuncStableProperty(t *testing.T) {
	elem := rapid.Custom(func(t *rapid.T) ikv { return ikv{rapid.IntRange(0, 3).Draw(t, "k"), 0} })
	byKey := func(a, b ikv) int { return cmp.Compare(a.Key, b.Key) }
	rapid.Check(t, func(t *rapid.T) {
		n := drawTickCount(t)
		lt := lifetimeGen.Draw(t, "lifetime")
		ticks := drawTicks(t, "in", n, elem, true)
		// Number the items in arrival order so that stability shows.
		seq := 0
		for _, items := range ticks {
			for i := range items {
				items[i].Val, seq = seq, seq+1
			}
		}
		g := dfir.New()
		in, p := dfir.SourceInput[ikv](g)
		ts := dfir.Tee(p, 2)
		byFunc := dfir.SinkOutput(dfir.SortFunc(ts[0], byKey, lt))
		byKeyOut := dfir.SinkOutput(dfir.SortByKey(ts[1], lt))
		want := stableModel(ticks, lt, byKey)
		for i, items := range ticks {
			in.PushAll(items)
			g.RunTick()
			if got := byFunc.Drain(nil); !slices.Equal(got, want[i]) {
				t.Errorf("tick %d: SortFunc[%v](%v) = %v; want %v", i, lt, brief(items), brief(got), brief(want[i]))
			}
			if got := byKeyOut.Drain(nil); !slices.Equal(got, want[i]) {
				t.Errorf("tick %d: SortByKey[%v](%v) = %v; want %v", i, lt, brief(items), brief(got), brief(want[i]))
			}
		}
	})
}
