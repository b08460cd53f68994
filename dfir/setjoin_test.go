// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// setTicks drops from each tick the items the lifetime has already seen:
// earlier in the tick (PerTick) or in any tick so far (Static).
func setTicks[T comparable](ticks [][]T, lt dfir.Lifetime) [][]T {
	out := make([][]T, len(ticks))
	seen := map[T]bool{}
	for i, items := range ticks {
		if lt == dfir.PerTick {
			clear(seen)
		}
		for _, v := range items {
			if !seen[v] {
				seen[v] = true
				out[i] = append(out[i], v)
			}
		}
	}
	return out
}

var setLifetimes = [][2]dfir.Lifetime{
	{dfir.PerTick, dfir.PerTick}, {dfir.Static, dfir.Static},
	{dfir.PerTick, dfir.Static}, {dfir.Static, dfir.PerTick},
}

func TestJoinSet(t *testing.T) {
	bigL := intsUpTo(2100, func(i int) ikv { return ikv{i % 7, i % 300} })
	for _, tc := range []struct {
		name   string
		ls, rs [][]ikv
	}{
		{"duplicates in a tick", [][]ikv{{{1, 10}, {1, 10}, {2, 20}}}, [][]ikv{{{1, 5}, {3, 7}, {1, 5}, {1, 6}}}},
		{"duplicates across ticks", [][]ikv{{{1, 10}}, {{1, 10}}, {}, {{1, 10}, {1, 11}}}, [][]ikv{{{1, 5}}, {}, {{1, 5}}, {{1, 5}}}},
		{"big", [][]ikv{bigL, bigL[:1000], nil}, [][]ikv{{{3, 1}, {3, 1}, {4, 2}}, {{3, 1}}, {{5, 5}}}},
	} {
		for _, lts := range setLifetimes {
			llt, rlt := lts[0], lts[1]
			t.Run(tc.name+"/"+lifetimePair(llt, rlt), func(t *testing.T) {
				want := joinModel(setTicks(tc.ls, llt), setTicks(tc.rs, rlt), llt, rlt)
				g := dfir.New()
				l, lp := dfir.SourceInput[ikv](g)
				r, rp := dfir.SourceInput[ikv](g)
				out := dfir.SinkOutput(dfir.JoinSet(lp, rp, llt, rlt))
				got := sortedTicks(stepTicks2(g, l, r, out, tc.ls, tc.rs), cmpJoined)
				checkTicks(t, "JoinSet["+lifetimePair(llt, rlt)+"]", fmt.Sprint(tc.ls, ", ", tc.rs), got, want)
			})
		}
	}
}

// A distinct match appears once per tick, where Join repeats it.
func TestJoinSetVersusJoin(t *testing.T) {
	ls, rs := [][]ikv{{{1, 10}, {1, 10}}}, [][]ikv{{{1, 5}, {1, 5}}}
	for _, tc := range []struct {
		name string
		join func(dfir.Port[ikv], dfir.Port[ikv]) dfir.Port[joined]
		want int
	}{
		{"Join", func(l, r dfir.Port[ikv]) dfir.Port[joined] { return dfir.Join(l, r) }, 4},
		{"JoinSet", func(l, r dfir.Port[ikv]) dfir.Port[joined] { return dfir.JoinSet(l, r) }, 1},
	} {
		g := dfir.New()
		l, lp := dfir.SourceInput[ikv](g)
		r, rp := dfir.SourceInput[ikv](g)
		out := dfir.SinkOutput(tc.join(lp, rp))
		if got := stepTicks2(g, l, r, out, ls, rs)[0]; len(got) != tc.want {
			t.Errorf("%s(%v, %v) = %v; want %d matches", tc.name, ls, rs, got, tc.want)
		}
	}
}

func TestCrossJoinSet(t *testing.T) {
	big := intsUpTo(900, func(i int) int { return i % 600 })
	for _, tc := range []struct {
		name   string
		ls, rs [][]int
	}{
		{"duplicates", [][]int{{1, 1, 2}, {1}, {}}, [][]int{{5, 5}, {5, 6}, {5}}},
		{"big", [][]int{big, big[:10], nil}, [][]int{{1, 2, 1}, {2, 3}, nil}},
	} {
		for _, lts := range setLifetimes {
			llt, rlt := lts[0], lts[1]
			t.Run(tc.name+"/"+lifetimePair(llt, rlt), func(t *testing.T) {
				want := crossModel(setTicks(tc.ls, llt), setTicks(tc.rs, rlt), llt, rlt)
				g := dfir.New()
				l, lp := dfir.SourceInput[int](g)
				r, rp := dfir.SourceInput[int](g)
				out := dfir.SinkOutput(dfir.CrossJoinSet(lp, rp, llt, rlt))
				got := sortedTicks(stepTicks2(g, l, r, out, tc.ls, tc.rs), cmpPair)
				checkTicks(t, "CrossJoinSet["+lifetimePair(llt, rlt)+"]", fmt.Sprint(tc.ls, ", ", tc.rs), got, want)
			})
		}
	}
}

// Incremental set joins emit each distinct match once, ever.
func TestSetJoinsIncremental(t *testing.T) {
	g := dfir.New()
	l, lp := dfir.SourceInput[ikv](g)
	r, rp := dfir.SourceInput[ikv](g)
	out := dfir.SinkOutput(dfir.JoinSet(lp, rp, dfir.Incremental))
	cl, clp := dfir.SourceInput[int](g)
	cr, crp := dfir.SourceInput[int](g)
	cout := dfir.SinkOutput(dfir.CrossJoinSet(clp, crp, dfir.Incremental))
	ls := [][]ikv{{{1, 10}, {1, 10}}, {{1, 10}}, {{1, 11}}}
	rs := [][]ikv{{{1, 5}}, {{1, 5}}, {}}
	want := [][]joined{{j(1, 10, 5)}, nil, {j(1, 11, 5)}}
	cls, crs := [][]int{{1, 1}, {1}, {2}}, [][]int{{5}, {5}, {}}
	cwant := [][]dfir.Pair[int, int]{{{Left: 1, Right: 5}}, nil, {{Left: 2, Right: 5}}}
	for i := range ls {
		l.PushAll(ls[i])
		r.PushAll(rs[i])
		cl.PushAll(cls[i])
		cr.PushAll(crs[i])
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, want[i]) {
			t.Errorf("tick %d: JoinSet[incremental] = %v; want %v", i, got, want[i])
		}
		if got := cout.Drain(nil); !slices.Equal(got, cwant[i]) {
			t.Errorf("tick %d: CrossJoinSet[incremental] = %v; want %v", i, got, cwant[i])
		}
	}
}

func TestSetJoinAllocs(t *testing.T) {
	keys := intsUpTo(2000, func(i int) ikv { return ikv{i % 500, i % 3} })
	g := dfir.New()
	l, lp := dfir.SourceInput[ikv](g)
	r, rp := dfir.SourceInput[ikv](g)
	dfir.Null(dfir.JoinSet(lp, rp))
	cl, clp := dfir.SourceInput[int](g)
	cr, crp := dfir.SourceInput[int](g)
	dfir.Null(dfir.CrossJoinSet(clp, crp))
	push := func() {
		l.PushAll(keys)
		r.PushAll(keys[:700])
		cl.PushAll(upTo(60))
		cr.PushAll(upTo(50))
	}
	if a := allocsPerTick(t, g, push); a > 0 {
		t.Errorf("JoinSet and CrossJoinSet: %v allocations per tick; want 0", a)
	}
}
