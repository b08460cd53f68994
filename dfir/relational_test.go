// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// The semantics corpus of the binary operators: Join, CrossJoin, AntiJoin,
// Difference and Zip under every combination of lifetimes, with inputs
// pushed tick by tick.

type ikv = dfir.KV[int, int]
type joined = dfir.KV[int, dfir.Pair[int, int]]

func cmpJoined(a, b joined) int {
	return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Val.Left, b.Val.Left), cmp.Compare(a.Val.Right, b.Val.Right))
}

func cmpPair(a, b dfir.Pair[int, int]) int {
	return cmp.Or(cmp.Compare(a.Left, b.Left), cmp.Compare(a.Right, b.Right))
}

// sortedTicks sorts every tick's output, for operators whose output is a
// multiset.
func sortedTicks[T any](ticks [][]T, cmp func(a, b T) int) [][]T {
	out := make([][]T, len(ticks))
	for i, items := range ticks {
		out[i] = slices.SortedFunc(slices.Values(items), cmp)
	}
	return out
}

func lifetimePair(l, r dfir.Lifetime) string { return l.String() + "×" + r.String() }

// joinModel joins, by nested loops, the items of each side that the lifetime
// keeps: the tick's own (PerTick) or all received so far (Static).
func joinModel(ls, rs [][]ikv, llt, rlt dfir.Lifetime) [][]joined {
	var l, r []ikv
	out := make([][]joined, len(ls))
	for i := range ls {
		if llt == dfir.PerTick {
			l = nil
		}
		if rlt == dfir.PerTick {
			r = nil
		}
		l, r = append(l, ls[i]...), append(r, rs[i]...)
		for _, a := range l {
			for _, b := range r {
				if a.Key == b.Key {
					out[i] = append(out[i], joined{a.Key, dfir.Pair[int, int]{Left: a.Val, Right: b.Val}})
				}
			}
		}
		slices.SortFunc(out[i], cmpJoined)
	}
	return out
}

func j(k, l, r int) joined { return joined{k, dfir.Pair[int, int]{Left: l, Right: r}} }

func TestJoin(t *testing.T) {
	bigL := intsUpTo(2100, func(i int) ikv { return ikv{i % 7, i} })
	bigR := []ikv{{3, -1}, {9, -2}, {3, -3}}
	for _, tc := range []struct {
		name     string
		llt, rlt dfir.Lifetime
		ls, rs   [][]ikv
		want     [][]joined // sorted; nil: ask the model
	}{
		{"duplicates", dfir.PerTick, dfir.PerTick,
			[][]ikv{{{1, 10}, {1, 10}, {2, 20}}},
			[][]ikv{{{1, 5}, {3, 7}, {1, 6}}},
			[][]joined{{j(1, 10, 5), j(1, 10, 5), j(1, 10, 6), j(1, 10, 6)}}},
		{"tick clears", dfir.PerTick, dfir.PerTick,
			[][]ikv{{{1, 10}}, {}, {{1, 11}}},
			[][]ikv{{}, {{1, 5}}, {{2, 6}}},
			[][]joined{nil, nil, nil}},
		{"static", dfir.Static, dfir.Static,
			[][]ikv{{{1, 10}}, {}, {}, {{2, 20}}, {}, {{1, 12}}},
			[][]ikv{{}, {{1, 5}}, {}, {}, {}, {{2, 6}}},
			[][]joined{nil, {j(1, 10, 5)}, {j(1, 10, 5)}, {j(1, 10, 5)}, {j(1, 10, 5)},
				{j(1, 10, 5), j(1, 12, 5), j(2, 20, 6)}}},
		{"static unmatched old keys", dfir.Static, dfir.Static,
			[][]ikv{{{1, 10}, {4, 40}}, {{5, 50}}, {}},
			[][]ikv{{{2, 5}}, {{1, 6}, {3, 7}}, {}},
			[][]joined{nil, {j(1, 10, 6)}, {j(1, 10, 6)}}},
		{"tick×static", dfir.PerTick, dfir.Static,
			[][]ikv{{}, {{1, 10}}, {}, {{1, 11}, {2, 20}}},
			[][]ikv{{{1, 5}}, {}, {{2, 6}}, {{1, 7}}},
			[][]joined{nil, {j(1, 10, 5)}, nil, {j(1, 11, 5), j(1, 11, 7), j(2, 20, 6)}}},
		{"static×tick", dfir.Static, dfir.PerTick,
			[][]ikv{{{1, 10}}, {}, {{2, 20}}, {{1, 11}}},
			[][]ikv{{}, {{1, 5}}, {}, {{1, 6}, {2, 7}}},
			[][]joined{nil, {j(1, 10, 5)}, nil, {j(1, 10, 6), j(1, 11, 6), j(2, 20, 7)}}},
		{"big tick", dfir.PerTick, dfir.PerTick, [][]ikv{bigL, bigL}, [][]ikv{bigR, nil}, nil},
		{"big static", dfir.Static, dfir.Static, [][]ikv{bigL[:1500], bigL[1500:], nil}, [][]ikv{bigR, nil, {{0, 0}}}, nil},
		{"big static×tick", dfir.Static, dfir.PerTick, [][]ikv{bigL, nil, nil}, [][]ikv{nil, bigR, {{4, 4}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == nil {
				tc.want = joinModel(tc.ls, tc.rs, tc.llt, tc.rlt)
			} else if model := joinModel(tc.ls, tc.rs, tc.llt, tc.rlt); !slices.EqualFunc(model, tc.want, slices.Equal) {
				t.Fatalf("joinModel disagrees with the hand-written expectation: %v", model)
			}
			g := dfir.New()
			l, lp := dfir.SourceInput[ikv](g)
			r, rp := dfir.SourceInput[ikv](g)
			out := dfir.SinkOutput(dfir.Join(lp, rp, tc.llt, tc.rlt))
			got := sortedTicks(stepTicks2(g, l, r, out, tc.ls, tc.rs), cmpJoined)
			op := "Join[" + lifetimePair(tc.llt, tc.rlt) + "]"
			checkTicks(t, op, fmt.Sprint(tc.ls, ", ", tc.rs), got, tc.want)
		})
	}
}

// TestJoinOneLifetime checks that a single lifetime applies to both sides.
func TestJoinOneLifetime(t *testing.T) {
	ls := [][]ikv{{{1, 10}}, {}, {}}
	rs := [][]ikv{{}, {{1, 5}}, {}}
	g := dfir.New()
	l, lp := dfir.SourceInput[ikv](g)
	r, rp := dfir.SourceInput[ikv](g)
	out := dfir.SinkOutput(dfir.Join(lp, rp, dfir.Static))
	got := sortedTicks(stepTicks2(g, l, r, out, ls, rs), cmpJoined)
	checkTicks(t, "Join[static]", fmt.Sprint(ls, ", ", rs), got, [][]joined{nil, {j(1, 10, 5)}, {j(1, 10, 5)}})
}

// TestJoinSelfTee joins a stream with itself: both inputs of Join come from
// one Tee, so every item meets every item of its key, itself included.
func TestJoinSelfTee(t *testing.T) {
	big := intsUpTo(1200, func(i int) ikv { return ikv{i % 97, i} })
	for _, lt := range []dfir.Lifetime{dfir.PerTick, dfir.Static} {
		t.Run(lt.String(), func(t *testing.T) {
			ticks := [][]ikv{{{1, 1}, {2, 2}, {1, 3}}, {}, {{2, 4}}, big[:40], big}
			g := dfir.New()
			in, p := dfir.SourceInput[ikv](g)
			ts := dfir.Tee(p, 2)
			out := dfir.SinkOutput(dfir.Join(ts[0], ts[1], lt))
			got := sortedTicks(stepTicks(g, in, out, ticks), cmpJoined)
			want := joinModel(ticks, ticks, lt, lt)
			checkTicks(t, "Join[tee, tee]", ticks[:1], want[:1], [][]joined{{j(1, 1, 1), j(1, 1, 3), j(1, 3, 1), j(1, 3, 3), j(2, 2, 2)}})
			checkTicks(t, "Join[tee, tee]", ticks, got, want)
		})
	}
}

// persisted is what Persist emits each tick: every item so far.
func persisted[T any](ticks [][]T) [][]T {
	out := make([][]T, len(ticks))
	for i := range ticks {
		out[i] = slices.Concat(ticks[:i+1]...)
	}
	return out
}

// TestStaticJoinsBehindPersist feeds Static joins from Persist, whose replay
// runs before the join's in the same stratum: the join must replay only the
// matches among items of earlier ticks, as the items Persist replays arrive
// as new ones.
func TestStaticJoinsBehindPersist(t *testing.T) {
	ls := [][]ikv{{{1, 10}}, {{1, 11}, {2, 20}}, {}, {{2, 21}}}
	rs := [][]ikv{{{1, 5}}, {}, {{2, 6}}, {{1, 7}}}
	t.Run("Join", func(t *testing.T) {
		g := dfir.New()
		l, lp := dfir.SourceInput[ikv](g)
		r, rp := dfir.SourceInput[ikv](g)
		out := dfir.SinkOutput(dfir.Join(dfir.Persist(lp), dfir.Persist(rp), dfir.Static))
		got := sortedTicks(stepTicks2(g, l, r, out, ls, rs), cmpJoined)
		want := joinModel(persisted(ls), persisted(rs), dfir.Static, dfir.Static)
		checkTicks(t, "Join[static](Persist(l), Persist(r))", fmt.Sprint(ls, ", ", rs), got, want)
	})
	t.Run("CrossJoin", func(t *testing.T) {
		lv, rv := [][]int{{1}, {2}, {}, {3}}, [][]int{{5}, {}, {6}, {}}
		g := dfir.New()
		l, lp := dfir.SourceInput[int](g)
		r, rp := dfir.SourceInput[int](g)
		out := dfir.SinkOutput(dfir.CrossJoin(dfir.Persist(lp), dfir.Persist(rp), dfir.Static))
		got := sortedTicks(stepTicks2(g, l, r, out, lv, rv), cmpPair)
		want := crossModel(persisted(lv), persisted(rv), dfir.Static, dfir.Static)
		checkTicks(t, "CrossJoin[static](Persist(l), Persist(r))", fmt.Sprint(lv, ", ", rv), got, want)
	})
}

func crossModel(ls, rs [][]int, llt, rlt dfir.Lifetime) [][]dfir.Pair[int, int] {
	var l, r []int
	out := make([][]dfir.Pair[int, int], len(ls))
	for i := range ls {
		if llt == dfir.PerTick {
			l = nil
		}
		if rlt == dfir.PerTick {
			r = nil
		}
		l, r = append(l, ls[i]...), append(r, rs[i]...)
		for _, a := range l {
			for _, b := range r {
				out[i] = append(out[i], dfir.Pair[int, int]{Left: a, Right: b})
			}
		}
		slices.SortFunc(out[i], cmpPair)
	}
	return out
}

func TestCrossJoin(t *testing.T) {
	type pair = dfir.Pair[int, int]
	big := intsUpTo(700, func(i int) int { return i })
	for _, tc := range []struct {
		llt, rlt dfir.Lifetime
		ls, rs   [][]int
		want     [][]pair // sorted; nil: ask the model
	}{
		{dfir.PerTick, dfir.PerTick, [][]int{{1, 1}, {2}, {}}, [][]int{{5, 6}, {}, {7}},
			[][]pair{{{1, 5}, {1, 5}, {1, 6}, {1, 6}}, nil, nil}},
		{dfir.Static, dfir.Static, [][]int{{1}, {}, {2}, {}}, [][]int{{}, {5}, {6}, {}},
			[][]pair{nil, {{1, 5}}, {{1, 5}, {1, 6}, {2, 5}, {2, 6}}, {{1, 5}, {1, 6}, {2, 5}, {2, 6}}}},
		{dfir.PerTick, dfir.Static, [][]int{{1}, {}, {2}}, [][]int{{5}, {6}, {}},
			[][]pair{{{1, 5}}, nil, {{2, 5}, {2, 6}}}},
		{dfir.Static, dfir.PerTick, [][]int{{1}, {}, {2}}, [][]int{{5}, {6}, {}},
			[][]pair{{{1, 5}}, {{1, 6}}, nil}},
		// 700 × 3 = 2100 pairs, and more than a batch on each side.
		{dfir.PerTick, dfir.PerTick, [][]int{big, big[:2]}, [][]int{{1, 2, 3}, big}, nil},
		{dfir.Static, dfir.Static, [][]int{big[:400], big[400:], nil}, [][]int{{1, 2}, {3}, nil}, nil},
	} {
		op := "CrossJoin[" + lifetimePair(tc.llt, tc.rlt) + "]"
		t.Run(lifetimePair(tc.llt, tc.rlt), func(t *testing.T) {
			if tc.want == nil {
				tc.want = crossModel(tc.ls, tc.rs, tc.llt, tc.rlt)
			}
			g := dfir.New()
			l, lp := dfir.SourceInput[int](g)
			r, rp := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.CrossJoin(lp, rp, tc.llt, tc.rlt))
			got := sortedTicks(stepTicks2(g, l, r, out, tc.ls, tc.rs), cmpPair)
			checkTicks(t, op, fmt.Sprint(tc.ls, ", ", tc.rs), got, tc.want)
		})
	}
}

// negSource builds the negative input of an anti-join in one of the ways
// that make it arrive late in the tick: straight from the input, through a
// later stratum, or out of a Fold that collects the tick's items.
func negSource(how string, p dfir.Port[int]) dfir.Port[int] {
	switch how {
	case "next stratum":
		return dfir.NextStratum(p)
	case "fold":
		all := dfir.Fold(p, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) })
		return dfir.Flatten(all)
	case "sort after fold":
		all := dfir.Fold(p, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) })
		return dfir.Sort(dfir.Flatten(all))
	}
	return p
}

var negSources = []string{"input", "next stratum", "fold", "sort after fold"}

type antiCase struct {
	name     string
	plt, nlt dfir.Lifetime
	pos, neg [][]int
	want     [][]int
}

// antiCases are keys (AntiJoin) or items (Difference). Positive duplicates
// are kept: both operators are multiset filters.
var antiCases = []antiCase{
	{"tick", dfir.PerTick, dfir.PerTick,
		[][]int{{1, 2, 3, 2, 4}, {1, 2}, {5}},
		[][]int{{2, 9}, {}, {5, 5}},
		[][]int{{1, 3, 4}, {1, 2}, nil}},
	{"static negative", dfir.PerTick, dfir.Static,
		[][]int{{1, 2, 3}, {1, 2, 3}, {3, 4}},
		[][]int{{2}, {1}, {}},
		[][]int{{1, 3}, {3}, {3, 4}}},
	// Kept positives come out before the tick's own, filtered by the
	// negatives of the tick.
	{"static positive", dfir.Static, dfir.PerTick,
		[][]int{{1, 2}, {}, {3, 1}, {}},
		[][]int{{2}, {1}, {}, {3}},
		[][]int{{1}, {2}, {1, 2, 3, 1}, {1, 2, 1}}},
	{"static", dfir.Static, dfir.Static,
		[][]int{{1, 2}, {3}, {}, {4}},
		[][]int{{}, {1}, {}, {3}},
		[][]int{{1, 2}, {2, 3}, {2, 3}, {2, 4}}},
}

func antiModel(pos, neg [][]int, plt, nlt dfir.Lifetime) [][]int {
	var p []int
	n := map[int]bool{}
	out := make([][]int, len(pos))
	for i := range pos {
		if plt == dfir.PerTick {
			p = nil
		}
		if nlt == dfir.PerTick {
			clear(n)
		}
		p = append(p, pos[i]...)
		for _, k := range neg[i] {
			n[k] = true
		}
		for _, k := range p {
			if !n[k] {
				out[i] = append(out[i], k)
			}
		}
	}
	return out
}

func antiBig() antiCase {
	pos := intsUpTo(3000, func(i int) int { return i % 1100 })
	neg := intsUpTo(1050, func(i int) int { return 2 * i })
	c := antiCase{"big", dfir.Static, dfir.PerTick, [][]int{pos, pos[:10], nil}, [][]int{neg, nil, neg[:600]}, nil}
	c.want = antiModel(c.pos, c.neg, c.plt, c.nlt)
	return c
}

func TestAntiJoin(t *testing.T) {
	for _, tc := range append(antiCases, antiBig()) {
		if model := antiModel(tc.pos, tc.neg, tc.plt, tc.nlt); !slices.EqualFunc(model, tc.want, slices.Equal) {
			t.Fatalf("%s: antiModel disagrees with the hand-written expectation: %v", tc.name, model)
		}
		for _, how := range negSources {
			t.Run(tc.name+"/"+how, func(t *testing.T) {
				g := dfir.New()
				pin, pp := dfir.SourceInput[int](g)
				nin, np := dfir.SourceInput[int](g)
				pos := dfir.Map(pp, func(k int) ikv { return ikv{k, -k} })
				out := dfir.SinkOutput(dfir.AntiJoin(pos, negSource(how, np), tc.plt, tc.nlt))
				got := stepTicks2(g, pin, nin, out, tc.pos, tc.neg)
				want := make([][]ikv, len(tc.want))
				for i, ks := range tc.want {
					for _, k := range ks {
						want[i] = append(want[i], ikv{k, -k})
					}
				}
				op := "AntiJoin[" + lifetimePair(tc.plt, tc.nlt) + "]"
				checkTicks(t, op, fmt.Sprint(tc.pos, ", ", tc.neg), got, want)
			})
		}
	}
}

func TestDifference(t *testing.T) {
	for _, tc := range append(antiCases, antiBig()) {
		for _, how := range negSources {
			t.Run(tc.name+"/"+how, func(t *testing.T) {
				g := dfir.New()
				pin, pp := dfir.SourceInput[int](g)
				nin, np := dfir.SourceInput[int](g)
				out := dfir.SinkOutput(dfir.Difference(pp, negSource(how, np), tc.plt, tc.nlt))
				got := stepTicks2(g, pin, nin, out, tc.pos, tc.neg)
				op := "Difference[" + lifetimePair(tc.plt, tc.nlt) + "]"
				checkTicks(t, op, fmt.Sprint(tc.pos, ", ", tc.neg), got, tc.want)
			})
		}
	}
}

// TestAntiJoinLatePositive produces the positive side late instead: out of a
// Fold, a stratum after the negative side.
func TestAntiJoinLatePositive(t *testing.T) {
	g := dfir.New()
	pin, pp := dfir.SourceInput[int](g)
	nin, np := dfir.SourceInput[int](g)
	all := dfir.Fold(pp, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) })
	out := dfir.SinkOutput(dfir.Difference(dfir.Flatten(all), np))
	pos, neg := [][]int{{1, 2, 3}, {4}}, [][]int{{2}, {4}}
	checkTicks(t, "Difference[fold, input]", fmt.Sprint(pos, ", ", neg), stepTicks2(g, pin, nin, out, pos, neg), [][]int{{1, 3}, nil})
}

// TestAntiJoinSelfTee subtracts a stream's odd items from itself: both
// inputs come from one Tee, the negative one a stratum later.
func TestAntiJoinSelfTee(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	ts := dfir.Tee(p, 2)
	odd := dfir.Filter(ts[1], func(v int) bool { return v%2 == 1 })
	out := dfir.SinkOutput(dfir.Difference(ts[0], odd))
	ticks := [][]int{{1, 2, 3, 4, 2}, {}, {7, 6}}
	checkTicks(t, "Difference(x, odd x)", ticks, stepTicks(g, in, out, ticks), [][]int{{2, 4, 2}, nil, {6}})
}

type zipCase struct {
	lt   dfir.Lifetime
	ls   [][]int
	rs   [][]string
	want [][]dfir.Pair[int, string]
}

func zp(l int, r string) dfir.Pair[int, string] { return dfir.Pair[int, string]{Left: l, Right: r} }

func TestZip(t *testing.T) {
	big := intsUpTo(1500, func(i int) int { return i })
	bigS := intsUpTo(1300, func(i int) string { return strconv.Itoa(i) })
	bigWant := intsUpTo(1300, func(i int) dfir.Pair[int, string] { return zp(i, strconv.Itoa(i)) })
	bigRest := intsUpTo(200, func(i int) dfir.Pair[int, string] { return zp(1300+i, strconv.Itoa(i)) })
	for _, tc := range []zipCase{
		{dfir.PerTick, [][]int{{1, 2, 3}, {}, {4}, {5, 6}}, [][]string{{"a"}, {"b", "c"}, {}, {"d", "e", "f"}},
			[][]dfir.Pair[int, string]{{zp(1, "a")}, nil, nil, {zp(5, "d"), zp(6, "e")}}},
		{dfir.Static, [][]int{{1, 2, 3}, {}, {4}, {5, 6}}, [][]string{{"a"}, {"b", "c"}, {}, {"d", "e", "f"}},
			[][]dfir.Pair[int, string]{{zp(1, "a")}, {zp(2, "b"), zp(3, "c")}, nil, {zp(4, "d"), zp(5, "e"), zp(6, "f")}}},
		{dfir.PerTick, [][]int{big, nil}, [][]string{bigS, bigS[:200]}, [][]dfir.Pair[int, string]{bigWant, nil}},
		{dfir.Static, [][]int{big, nil}, [][]string{bigS, bigS[:300]}, [][]dfir.Pair[int, string]{bigWant, bigRest}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			l, lp := dfir.SourceInput[int](g)
			r, rp := dfir.SourceInput[string](g)
			out := dfir.SinkOutput(dfir.Zip(lp, rp, tc.lt))
			checkTicks(t, "Zip["+tc.lt.String()+"]", fmt.Sprint(tc.ls, ", ", tc.rs), stepTicks2(g, l, r, out, tc.ls, tc.rs), tc.want)
		})
	}
}

func TestJoinIncremental(t *testing.T) {
	g := dfir.New()
	lin, l := dfir.SourceInput[dfir.KV[int, string]](g)
	rin, r := dfir.SourceInput[dfir.KV[int, int]](g)
	out := dfir.SinkOutput(dfir.Join(l, r, dfir.Incremental))
	cin, cl := dfir.SourceInput[int](g)
	crin, cr := dfir.SourceInput[int](g)
	cout := dfir.SinkOutput(dfir.CrossJoin(cl, cr, dfir.Incremental))
	type jo = dfir.KV[int, dfir.Pair[string, int]]
	steps := []struct {
		l    []dfir.KV[int, string]
		r    []dfir.KV[int, int]
		want []jo
		cl   []int
		cr   []int
		cw   int
	}{
		{l: []dfir.KV[int, string]{{Key: 1, Val: "a"}}, r: []dfir.KV[int, int]{{Key: 1, Val: 10}}, want: []jo{{Key: 1, Val: dfir.Pair[string, int]{Left: "a", Right: 10}}}, cl: []int{1}, cr: []int{2}, cw: 1},
		{},
		{r: []dfir.KV[int, int]{{Key: 1, Val: 11}}, want: []jo{{Key: 1, Val: dfir.Pair[string, int]{Left: "a", Right: 11}}}, cl: []int{3}, cw: 1},
		{l: []dfir.KV[int, string]{{Key: 1, Val: "b"}}, want: []jo{{Key: 1, Val: dfir.Pair[string, int]{Left: "b", Right: 11}}, {Key: 1, Val: dfir.Pair[string, int]{Left: "b", Right: 10}}}, cr: []int{4}, cw: 2},
	}
	for i, s := range steps {
		lin.PushAll(s.l)
		rin.PushAll(s.r)
		cin.PushAll(s.cl)
		crin.PushAll(s.cr)
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, s.want) {
			t.Errorf("tick %d: Join(l, r, Incremental) = %v; want %v", i, got, s.want)
		}
		if got := cout.Drain(nil); len(got) != s.cw {
			t.Errorf("tick %d: CrossJoin(l, r, Incremental) = %v; want %d pairs", i, got, s.cw)
		}
	}
}
