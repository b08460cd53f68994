// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/lattice"
)

// The semantics corpus of the blocking aggregations: every test pushes one
// slice of items per tick through a SourceInput and checks what a
// SinkOutput received in each tick. Some ticks carry more than 1,024 items,
// the runtime's batch size, so that state is seen to span batches.

// stepTicks pushes the items of each tick into in, runs the tick and
// returns what out received during it, one slice per tick.
func stepTicks[T, U any](g *dfir.Graph, in *dfir.Input[T], out *dfir.Output[U], ticks [][]T) [][]U {
	got := make([][]U, len(ticks))
	for i, items := range ticks {
		in.PushAll(items)
		g.RunTick()
		got[i] = out.Drain(nil)
	}
	return got
}

// stepTicks2 is stepTicks for a graph with two inputs; ls and rs have one
// slice per tick each.
func stepTicks2[A, B, U any](g *dfir.Graph, l *dfir.Input[A], r *dfir.Input[B], out *dfir.Output[U], ls [][]A, rs [][]B) [][]U {
	got := make([][]U, len(ls))
	for i := range ls {
		l.PushAll(ls[i])
		r.PushAll(rs[i])
		g.RunTick()
		got[i] = out.Drain(nil)
	}
	return got
}

// errorReporter is what checkTicks needs of a *testing.T or a *rapid.T.
type errorReporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// checkTicks reports every tick whose output differs from want; nil and
// empty slices are equal.
func checkTicks[U comparable](t errorReporter, op string, ins any, got, want [][]U) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w []U
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !slices.Equal(g, w) {
			t.Errorf("tick %d: %s(%s) = %s; want %s", i, op, brief(ins), brief(g), brief(w))
		}
	}
}

// brief formats v for a failure message, eliding the middle of long ones.
func brief(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 300 {
		s = s[:150] + " … " + s[len(s)-150:]
	}
	return s
}

// intsUpTo returns 0, 1, …, n-1, transformed by f.
func intsUpTo[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func addInt(acc *int, v int) { *acc += v }

func TestFold(t *testing.T) {
	big := intsUpTo(3000, func(i int) int { return i })
	bigSum := 3000 * 2999 / 2
	for _, tc := range []struct {
		lt    dfir.Lifetime
		ticks [][]int
		want  [][]int
	}{
		// An empty tick emits init() (100), or the accumulated value.
		{dfir.PerTick, [][]int{{1, 2, 3}, {}, {4}, big}, [][]int{{106}, {100}, {104}, {100 + bigSum}}},
		{dfir.Static, [][]int{{1, 2, 3}, {}, {4}, big}, [][]int{{106}, {106}, {110}, {110 + bigSum}}},
		{dfir.PerTick, [][]int{{}, {}}, [][]int{{100}, {100}}},
		{dfir.Static, [][]int{big, {}, big}, [][]int{{100 + bigSum}, {100 + bigSum}, {100 + 2*bigSum}}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.Fold(p, func() int { return 100 }, addInt, tc.lt))
			checkTicks(t, "Fold["+tc.lt.String()+"]", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

// TestFoldOrder checks that Fold sees the items in arrival order, across
// batches, from a fresh init() every PerTick tick and from a single init()
// with Static.
func TestFoldOrder(t *testing.T) {
	big := intsUpTo(1500, func(i int) int { return i % 10 })
	concat := func(acc *string, v int) { *acc += strconv.Itoa(v) }
	model := func(items []int) string {
		s := "<"
		for _, v := range items {
			s += strconv.Itoa(v)
		}
		return s
	}
	ticks := [][]int{{3, 1, 2}, {}, big, {7}}
	for _, tc := range []struct {
		lt   dfir.Lifetime
		want [][]string
	}{
		{dfir.PerTick, [][]string{{"<312"}, {"<"}, {model(big)}, {"<7"}}},
		{dfir.Static, [][]string{{"<312"}, {"<312"}, {"<312" + model(big)[1:]}, {"<312" + model(big)[1:] + "7"}}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			inits := 0
			out := dfir.SinkOutput(dfir.Fold(p, func() string { inits++; return "<" }, concat, tc.lt))
			checkTicks(t, "Fold["+tc.lt.String()+"]", ticks, stepTicks(g, in, out, ticks), tc.want)
			if tc.lt == dfir.Static && inits != 1 {
				t.Errorf("Fold(static) called init %d times; want 1", inits)
			}
		})
	}
}

func TestReduce(t *testing.T) {
	big := intsUpTo(2500, func(i int) int { return i % 7 })
	// A non-commutative f shows that the first item is the starting value
	// and that the rest come in order.
	digits := func(acc *int, v int) { *acc = (*acc*10 + v) % 1_000_003 }
	model := func(acc int, items []int) int {
		for _, v := range items {
			digits(&acc, v)
		}
		return acc
	}
	bigAcc := model(big[0], big[1:])
	for _, tc := range []struct {
		lt    dfir.Lifetime
		ticks [][]int
		want  [][]int
	}{
		{dfir.PerTick, [][]int{{1, 2, 3}, {}, {4}, big}, [][]int{{123}, nil, {4}, {bigAcc}}},
		{dfir.Static, [][]int{{1, 2, 3}, {}, {4}, big}, [][]int{{123}, {123}, {1234}, {model(1234, big)}}},
		{dfir.Static, [][]int{{}, {}, {5}, {}}, [][]int{nil, nil, {5}, {5}}},
		{dfir.PerTick, [][]int{{0}, {}}, [][]int{{0}, nil}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.Reduce(p, digits, tc.lt))
			checkTicks(t, "Reduce["+tc.lt.String()+"]", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

type skv = dfir.KV[string, int]
type sks = dfir.KV[string, string]

// keyedModel folds ticks the way FoldKeyed documents it: one accumulator per
// key, keys in first-arrival order, state per tick or across ticks.
func keyedModel[V, A any](ticks [][]dfir.KV[string, V], lt dfir.Lifetime, first func(V) A, f func(*A, V)) [][]dfir.KV[string, A] {
	var keys []string
	accs := map[string]A{}
	out := make([][]dfir.KV[string, A], len(ticks))
	for i, items := range ticks {
		if lt == dfir.PerTick {
			keys, accs = nil, map[string]A{}
		}
		for _, kv := range items {
			acc, ok := accs[kv.Key]
			if !ok {
				keys = append(keys, kv.Key)
				accs[kv.Key] = first(kv.Val)
				continue
			}
			f(&acc, kv.Val)
			accs[kv.Key] = acc
		}
		for _, k := range keys {
			out[i] = append(out[i], dfir.KV[string, A]{Key: k, Val: accs[k]})
		}
	}
	return out
}

func keyedTicks() [][]skv {
	big := intsUpTo(3000, func(i int) skv { return skv{"k" + strconv.Itoa((i*7)%11), i % 10} })
	return [][]skv{{{"b", 1}, {"a", 2}, {"b", 3}}, {}, {{"c", 4}, {"a", 5}, {"b", 6}}, big, {{"a", 7}}}
}

func TestFoldKeyed(t *testing.T) {
	concat := func(acc *string, v int) { *acc += strconv.Itoa(v) }
	ticks := keyedTicks()
	// Hand-checked expectations for the small ticks; the model covers the rest.
	small := map[dfir.Lifetime][][]sks{
		dfir.PerTick: {{{"b", "<13"}, {"a", "<2"}}, nil, {{"c", "<4"}, {"a", "<5"}, {"b", "<6"}}},
		dfir.Static:  {{{"b", "<13"}, {"a", "<2"}}, {{"b", "<13"}, {"a", "<2"}}, {{"b", "<136"}, {"a", "<25"}, {"c", "<4"}}},
	}
	for _, lt := range []dfir.Lifetime{dfir.PerTick, dfir.Static} {
		t.Run(lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[skv](g)
			out := dfir.SinkOutput(dfir.FoldKeyed(p, func() string { return "<" }, concat, lt))
			got := stepTicks(g, in, out, ticks)
			want := keyedModel(ticks, lt, func(v int) string { return "<" + strconv.Itoa(v) }, concat)
			checkTicks(t, "FoldKeyed["+lt.String()+"]", ticks[:3], got[:3], small[lt])
			checkTicks(t, "FoldKeyed["+lt.String()+"]", ticks, got, want)
		})
	}
}

func TestReduceKeyed(t *testing.T) {
	ticks := keyedTicks()
	small := map[dfir.Lifetime][][]skv{
		dfir.PerTick: {{{"b", 4}, {"a", 2}}, nil, {{"c", 4}, {"a", 5}, {"b", 6}}},
		dfir.Static:  {{{"b", 4}, {"a", 2}}, {{"b", 4}, {"a", 2}}, {{"b", 10}, {"a", 7}, {"c", 4}}},
	}
	for _, lt := range []dfir.Lifetime{dfir.PerTick, dfir.Static} {
		t.Run(lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[skv](g)
			out := dfir.SinkOutput(dfir.ReduceKeyed(p, addInt, lt))
			got := stepTicks(g, in, out, ticks)
			want := keyedModel(ticks, lt, func(v int) int { return v }, addInt)
			checkTicks(t, "ReduceKeyed["+lt.String()+"]", ticks[:3], got[:3], small[lt])
			checkTicks(t, "ReduceKeyed["+lt.String()+"]", ticks, got, want)
		})
	}
}

func maxes(vs ...int) []lattice.Max[int] {
	out := make([]lattice.Max[int], len(vs))
	for i, v := range vs {
		out[i] = lattice.NewMax(v)
	}
	return out
}

func TestLatticeFoldMax(t *testing.T) {
	big := maxes(intsUpTo(2000, func(i int) int { return (i * 37) % 1999 })...)
	ticks := [][]lattice.Max[int]{maxes(3, 7, 5), nil, maxes(2), big, maxes(-4)}
	init := func() lattice.Max[int] { return lattice.NewMax(-1) }
	for _, tc := range []struct {
		lt   dfir.Lifetime
		fold [][]lattice.Max[int] // LatticeFold
		red  [][]lattice.Max[int] // LatticeReduce
	}{
		{dfir.PerTick,
			[][]lattice.Max[int]{maxes(7), maxes(-1), maxes(2), maxes(1998), maxes(-1)},
			[][]lattice.Max[int]{maxes(7), nil, maxes(2), maxes(1998), maxes(-4)}},
		{dfir.Static,
			[][]lattice.Max[int]{maxes(7), maxes(7), maxes(7), maxes(1998), maxes(1998)},
			[][]lattice.Max[int]{maxes(7), maxes(7), maxes(7), maxes(1998), maxes(1998)}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[lattice.Max[int]](g)
			ts := dfir.Tee(p, 2)
			fold := dfir.SinkOutput(dfir.LatticeFold(ts[0], init, tc.lt))
			red := dfir.SinkOutput(dfir.LatticeReduce(ts[1], tc.lt))
			for i, items := range ticks {
				in.PushAll(items)
				g.RunTick()
				if got := fold.Drain(nil); !slices.Equal(got, tc.fold[i]) {
					t.Errorf("tick %d: LatticeFold(%v) = %v; want %v", i, brief(items), got, tc.fold[i])
				}
				if got := red.Drain(nil); !slices.Equal(got, tc.red[i]) {
					t.Errorf("tick %d: LatticeReduce(%v) = %v; want %v", i, brief(items), got, tc.red[i])
				}
			}
		})
	}
}

type intSet = lattice.SetUnion[int]

// members lists the elements of s in ascending order.
func setMembers(s intSet) []int {
	out := slices.Collect(s.All())
	slices.Sort(out)
	return out
}

// setsMembers lists the members of every intSet.
func setsMembers(ss []intSet) [][]int {
	out := make([][]int, len(ss))
	for i, s := range ss {
		out[i] = setMembers(s)
	}
	return out
}

func equalSets(got []intSet, want [][]int) bool {
	return slices.EqualFunc(setsMembers(got), want, slices.Equal)
}

func TestLatticeSetUnion(t *testing.T) {
	// 2000 singleton sets in one tick: the union spans two batches.
	big := intsUpTo(2000, func(i int) intSet { return lattice.NewSetUnion(i % 1500) })
	bigWant := intsUpTo(1500, func(i int) int { return i })
	ticks := func() [][]intSet {
		return [][]intSet{{lattice.NewSetUnion(1, 2), lattice.NewSetUnion(2, 3)}, nil, {lattice.NewSetUnion(9)}, big}
	}
	for _, tc := range []struct {
		lt        dfir.Lifetime
		fold, red [][][]int
	}{
		{dfir.PerTick,
			[][][]int{{{1, 2, 3}}, {nil}, {{9}}, {bigWant}},
			[][][]int{{{1, 2, 3}}, nil, {{9}}, {bigWant}}},
		{dfir.Static,
			[][][]int{{{1, 2, 3}}, {{1, 2, 3}}, {{1, 2, 3, 9}}, {bigWant}},
			[][][]int{{{1, 2, 3}}, {{1, 2, 3}}, {{1, 2, 3, 9}}, {bigWant}}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[intSet](g)
			ts := dfir.Tee(p, 2)
			fold := dfir.SinkOutput(dfir.LatticeFold(ts[0], func() intSet { return intSet{} }, tc.lt))
			red := dfir.SinkOutput(dfir.LatticeReduce(ts[1], tc.lt))
			for i, items := range ticks() {
				in.PushAll(items)
				g.RunTick()
				if got := fold.Drain(nil); !equalSets(got, tc.fold[i]) {
					t.Errorf("tick %d: LatticeFold(%v) = %v; want %v", i, brief(items), got, tc.fold[i])
				}
				if got := red.Drain(nil); !equalSets(got, tc.red[i]) {
					t.Errorf("tick %d: LatticeReduce(%v) = %v; want %v", i, brief(items), got, tc.red[i])
				}
			}
		})
	}
}

// TestLatticeReduceKeepsInputs feeds the same SetUnion values (which share
// their maps with every copy) to LatticeReduce, LatticeFold and a sink: the
// folds must merge into storage of their own, never into their inputs'.
func TestLatticeReduceKeepsInputs(t *testing.T) {
	for _, lt := range []dfir.Lifetime{dfir.PerTick, dfir.Static} {
		t.Run(lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[intSet](g)
			ts := dfir.Tee(p, 3)
			red := dfir.SinkOutput(dfir.LatticeReduce(ts[0], lt))
			fold := dfir.SinkOutput(dfir.LatticeFold(ts[1], func() intSet { return intSet{} }, lt))
			raw := dfir.SinkOutput(ts[2])
			a, b, c := lattice.NewSetUnion(1), lattice.NewSetUnion(2), lattice.NewSetUnion(3)
			in.PushAll([]intSet{a, b})
			g.RunTick()
			in.Push(c)
			in.Push(a)
			g.RunTick()
			for _, s := range []struct {
				name string
				v    intSet
				want []int
			}{{"a", a, []int{1}}, {"b", b, []int{2}}, {"c", c, []int{3}}} {
				if got := setMembers(s.v); !slices.Equal(got, s.want) {
					t.Errorf("after LatticeReduce(%v), input %s = %v; want %v", lt, s.name, got, s.want)
				}
			}
			if got, want := setsMembers(raw.Drain(nil)), [][]int{{1}, {2}, {3}, {1}}; !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("Tee'd copies of LatticeReduce's input = %v; want %v", got, want)
			}
			wantAll := [][]int{{1, 2}, {1, 3}}
			if lt == dfir.Static {
				wantAll[1] = []int{1, 2, 3}
			}
			if got := red.Drain(nil); !equalSets(got, wantAll) {
				t.Errorf("LatticeReduce(%v) = %v; want %v", lt, got, wantAll)
			}
			if got := fold.Drain(nil); !equalSets(got, wantAll) {
				t.Errorf("LatticeFold(%v) = %v; want %v", lt, got, wantAll)
			}
		})
	}
}

// TestLatticeStaticOutputOwned checks that what a Static lattice fold emits
// belongs to the receiver: a drained value does not grow when later ticks
// merge into the state, and a consumer that rewrites the value it receives
// (operators may rewrite their batches) does not corrupt the state.
func TestLatticeStaticOutputOwned(t *testing.T) {
	agg := func(op string, p dfir.Port[intSet]) dfir.Port[intSet] {
		if op == "LatticeFold" {
			return dfir.LatticeFold(p, func() intSet { return intSet{} }, dfir.Static)
		}
		return dfir.LatticeReduce(p, dfir.Static)
	}
	for _, op := range []string{"LatticeFold", "LatticeReduce"} {
		t.Run(op+"/drained", func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[intSet](g)
			out := dfir.SinkOutput(agg(op, p))
			in.Push(lattice.NewSetUnion(1))
			g.RunTick()
			first := out.Drain(nil)
			in.Push(lattice.NewSetUnion(2))
			g.RunTick()
			if got := setsMembers(first); !slices.EqualFunc(got, [][]int{{1}}, slices.Equal) {
				t.Errorf("%s(static) = %v at tick 0, read after tick 1; want [[1]]", op, got)
			}
			if got := setsMembers(out.Drain(nil)); !slices.EqualFunc(got, [][]int{{1, 2}}, slices.Equal) {
				t.Errorf("%s(static) = %v at tick 1; want [[1 2]]", op, got)
			}
		})
		t.Run(op+"/rewritten", func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[intSet](g)
			marker := 0
			out := dfir.SinkOutput(dfir.Map(agg(op, p), func(s intSet) intSet {
				marker--
				s.Insert(marker)
				return s
			}))
			want := [][][]int{{{-1, 1}}, {{-2, 1, 2}}, {{-3, 1, 2}}}
			for i, v := range []int{1, 2, 1} {
				in.Push(lattice.NewSetUnion(v))
				g.RunTick()
				if got := setsMembers(out.Drain(nil)); !slices.EqualFunc(got, want[i], slices.Equal) {
					t.Errorf("tick %d: Map(%s(static), insert marker) = %v; want %v", i, op, got, want[i])
				}
			}
		})
	}
}

func byLen(a, b string) int { return cmp.Compare(len(a), len(b)) }

func TestSort(t *testing.T) {
	big := intsUpTo(3000, func(i int) int { return 3000 - i })
	bigSorted := intsUpTo(3000, func(i int) int { return i + 1 })
	twice := slices.Sorted(slices.Values(slices.Concat(big, big, []int{0, 5, 3, 1})))
	for _, tc := range []struct {
		lt    dfir.Lifetime
		ticks [][]int
		want  [][]int
	}{
		{dfir.PerTick, [][]int{{3, 1, 2}, {}, {5, 0, 5}, big}, [][]int{{1, 2, 3}, nil, {0, 5, 5}, bigSorted}},
		{dfir.Static, [][]int{{3, 1, 2}, {}, {5, 0}}, [][]int{{1, 2, 3}, {1, 2, 3}, {0, 1, 2, 3, 5}}},
		{dfir.Static, [][]int{big, {0, 5, 3, 1}, big}, [][]int{bigSorted, slices.Sorted(slices.Values(slices.Concat(big, []int{0, 5, 3, 1}))), twice}},
		{dfir.Static, [][]int{{}, {}}, [][]int{nil, nil}},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.Sort(p, tc.lt))
			checkTicks(t, "Sort["+tc.lt.String()+"]", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

// stableModel sorts, stably, the items of each tick (PerTick) or of every
// tick so far in arrival order (Static).
func stableModel[T any](ticks [][]T, lt dfir.Lifetime, cmp func(a, b T) int) [][]T {
	var all []T
	out := make([][]T, len(ticks))
	for i, items := range ticks {
		if lt == dfir.PerTick {
			all = nil
		}
		all = append(all, items...)
		out[i] = slices.Clone(all)
		slices.SortStableFunc(out[i], cmp)
	}
	return out
}

func TestSortFunc(t *testing.T) {
	big := intsUpTo(2100, func(i int) string { return strconv.Itoa((i * 7919) % 100003) })
	for _, tc := range []struct {
		lt          dfir.Lifetime
		ticks, want [][]string // want nil: ask the model
	}{
		{dfir.PerTick, [][]string{{"bb", "a", "cc", "b", "aaa"}, {}, {"z", "y"}},
			[][]string{{"a", "b", "bb", "cc", "aaa"}, nil, {"z", "y"}}},
		// Equal items of earlier ticks come before those of later ones.
		{dfir.Static, [][]string{{"bb", "a", "cc", "b", "aaa"}, {}, {"ee", "d"}},
			[][]string{{"a", "b", "bb", "cc", "aaa"}, {"a", "b", "bb", "cc", "aaa"}, {"a", "b", "d", "bb", "cc", "ee", "aaa"}}},
		{dfir.PerTick, [][]string{big, big[:1500]}, nil},
		{dfir.Static, [][]string{big[:1100], {"x", "yy"}, big[1100:], big}, nil},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			if tc.want == nil {
				tc.want = stableModel(tc.ticks, tc.lt, byLen)
			}
			g := dfir.New()
			in, p := dfir.SourceInput[string](g)
			out := dfir.SinkOutput(dfir.SortFunc(p, byLen, tc.lt))
			checkTicks(t, "SortFunc["+tc.lt.String()+"]", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

func TestSortByKey(t *testing.T) {
	type kv = dfir.KV[int, string]
	byKey := func(a, b kv) int { return cmp.Compare(a.Key, b.Key) }
	big := intsUpTo(2500, func(i int) kv { return kv{(i * 31) % 17, strconv.Itoa(i)} })
	for _, tc := range []struct {
		lt    dfir.Lifetime
		ticks [][]kv
		want  [][]kv
	}{
		{dfir.PerTick, [][]kv{{{2, "x"}, {1, "b"}, {2, "a"}, {1, "a"}}, {}, {{0, "z"}}},
			[][]kv{{{1, "b"}, {1, "a"}, {2, "x"}, {2, "a"}}, nil, {{0, "z"}}}},
		{dfir.Static, [][]kv{{{2, "x"}, {1, "b"}}, {{2, "a"}, {1, "a"}}, {}},
			[][]kv{{{1, "b"}, {2, "x"}}, {{1, "b"}, {1, "a"}, {2, "x"}, {2, "a"}}, {{1, "b"}, {1, "a"}, {2, "x"}, {2, "a"}}}},
		{dfir.PerTick, [][]kv{big, {}, big[:3]}, nil},
		{dfir.Static, [][]kv{big[:1030], big[1030:], {}, big}, nil},
	} {
		t.Run(tc.lt.String(), func(t *testing.T) {
			if tc.want == nil {
				tc.want = stableModel(tc.ticks, tc.lt, byKey)
			}
			g := dfir.New()
			in, p := dfir.SourceInput[kv](g)
			out := dfir.SinkOutput(dfir.SortByKey(p, tc.lt))
			checkTicks(t, "SortByKey["+tc.lt.String()+"]", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}
