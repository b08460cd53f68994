// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

type pis = dfir.Pair[int, string]

func TestUnzip(t *testing.T) {
	big := intsUpTo(2500, func(i int) pis { return pis{Left: i, Right: fmt.Sprint(i)} })
	for _, tc := range []struct {
		name  string
		ticks [][]pis
	}{
		{"empty", [][]pis{{}, {}}},
		{"small", [][]pis{{{1, "a"}, {2, "b"}}, {}, {{3, "c"}}}},
		{"batches", [][]pis{big, big[:3]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[pis](g)
			l, r := dfir.Unzip(p)
			lo, ro := dfir.SinkOutput(l), dfir.SinkOutput(r)
			mustCompile(t, g)
			for _, items := range tc.ticks {
				in.PushAll(items)
				g.RunTick()
				var wl []int
				var wr []string
				for _, p := range items {
					wl, wr = append(wl, p.Left), append(wr, p.Right)
				}
				checkTicks(t, "Unzip.left", items, [][]int{lo.Drain(nil)}, [][]int{wl})
				checkTicks(t, "Unzip.right", items, [][]string{ro.Drain(nil)}, [][]string{wr})
			}
		})
	}
}

type eob = dfir.EitherOrBoth[int, string]

func TestZipLongest(t *testing.T) {
	both := func(l int, r string) eob { return eob{Left: l, Right: r, HasLeft: true, HasRight: true} }
	left := func(l int) eob { return eob{Left: l, HasLeft: true} }
	right := func(r string) eob { return eob{Right: r, HasRight: true} }
	for _, tc := range []struct {
		name string
		ls   [][]int
		rs   [][]string
		want [][]eob
	}{
		{"equal", [][]int{{1, 2}}, [][]string{{"a", "b"}}, [][]eob{{both(1, "a"), both(2, "b")}}},
		{"left longer", [][]int{{1, 2, 3}}, [][]string{{"a"}}, [][]eob{{both(1, "a"), left(2), left(3)}}},
		{"right longer", [][]int{{1}}, [][]string{{"a", "b"}}, [][]eob{{both(1, "a"), right("b")}}},
		{"one empty", [][]int{{}}, [][]string{{"a"}}, [][]eob{{right("a")}}},
		// Nothing waits for a partner in a later tick.
		{"per tick", [][]int{{1, 2}, {}, {3}}, [][]string{{"a"}, {"b"}, {}},
			[][]eob{{both(1, "a"), left(2)}, {right("b")}, {left(3)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			li, lp := dfir.SourceInput[int](g)
			ri, rp := dfir.SourceInput[string](g)
			out := dfir.SinkOutput(dfir.ZipLongest(lp, rp))
			mustCompile(t, g)
			got := stepTicks2(g, li, ri, out, tc.ls, tc.rs)
			checkTicks(t, "ZipLongest", [2]any{tc.ls, tc.rs}, got, tc.want)
		})
	}
}

func TestZipLongestAfterMap(t *testing.T) {
	// Both inputs are blocking: items produced in the same tick upstream
	// are all there before pairing.
	g := dfir.New()
	src := dfir.SourceIter(g, upTo(1500))
	ps := dfir.Tee(src, 2)
	odd := dfir.Filter(ps[0], func(x int) bool { return x%2 == 1 })
	out := dfir.SinkOutput(dfir.ZipLongest(ps[1], odd))
	g.RunTick()
	got := out.Drain(nil)
	if len(got) != 1500 || !got[749].Both() || got[750].Both() || got[750].Left != 750 {
		t.Errorf("ZipLongest(0..1500, odd) = %d items, [749]=%v [750]=%v; want 1500, 750 pairs then lefts", len(got), got[749], got[750])
	}
}

func TestEitherOrBothString(t *testing.T) {
	for _, tc := range []struct {
		e    eob
		want string
	}{
		{eob{Left: 1, Right: "a", HasLeft: true, HasRight: true}, "(1, a)"},
		{eob{Left: 1, HasLeft: true}, "(1, _)"},
		{eob{Right: "a", HasRight: true}, "(_, a)"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("%#v.String() = %q; want %q", tc.e, got, tc.want)
		}
	}
}

func TestMultisetDelta(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ticks [][]int
		want  [][]int
	}{
		// DFIR's own example: the first two 3s of the second tick match
		// the two of the first.
		{"dfir doc", [][]int{{3, 4, 3}, {3, 5, 3, 3}}, [][]int{{3, 4, 3}, {5, 3}}},
		{"same every tick", [][]int{{1, 2}, {2, 1}, {1, 2}}, [][]int{{1, 2}, {}, {}}},
		// Only the tick just before counts.
		{"gap", [][]int{{7}, {}, {7}}, [][]int{{7}, {}, {7}}},
		{"fewer then more", [][]int{{1, 1, 1}, {1}, {1, 1}}, [][]int{{1, 1, 1}, {}, {1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			out := dfir.SinkOutput(dfir.MultisetDelta(p))
			mustCompile(t, g)
			checkTicks(t, "MultisetDelta", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

// A Static join replays its matches every tick; MultisetDelta keeps what is
// new.
func TestMultisetDeltaAfterStaticJoin(t *testing.T) {
	g := dfir.New()
	li, lp := dfir.SourceInput[kvi](g)
	ri, rp := dfir.SourceInput[kvi](g)
	out := dfir.SinkOutput(dfir.MultisetDelta(dfir.Join(lp, rp, dfir.Static)))
	mustCompile(t, g)
	type m = dfir.KV[int, dfir.Pair[string, string]]
	got := stepTicks2(g, li, ri, out,
		[][]kvi{{{1, "a"}}, {}, {{1, "b"}}},
		[][]kvi{{{1, "x"}}, {{2, "y"}}, {}})
	want := [][]m{{{1, dfir.Pair[string, string]{"a", "x"}}}, {}, {{1, dfir.Pair[string, string]{"b", "x"}}}}
	checkTicks(t, "MultisetDelta(Join static)", "", got, want)
}

// allocsPerTick runs a tick that pushes items and reports allocations per
// tick, after warm-up ticks have grown every buffer and map.
func allocsPerTick(t *testing.T, g *dfir.Graph, push func()) float64 {
	t.Helper()
	mustCompile(t, g)
	for range 3 {
		push()
		g.RunTick()
	}
	return testing.AllocsPerRun(20, func() {
		push()
		g.RunTick()
	})
}

func TestReshapeAllocs(t *testing.T) {
	items := upTo(3000)
	pairs := intsUpTo(3000, func(i int) dfir.Pair[int, int] { return dfir.Pair[int, int]{Left: i, Right: -i} })
	for _, tc := range []struct {
		name  string
		build func(g *dfir.Graph) func()
	}{
		{"unzip", func(g *dfir.Graph) func() {
			in, p := dfir.SourceInput[dfir.Pair[int, int]](g)
			l, r := dfir.Unzip(p)
			dfir.Null(l)
			dfir.Null(r)
			return func() { in.PushAll(pairs) }
		}},
		{"zip_longest", func(g *dfir.Graph) func() {
			in, p := dfir.SourceInput[int](g)
			ps := dfir.Tee(p, 2)
			dfir.Null(dfir.ZipLongest(ps[0], dfir.Filter(ps[1], func(x int) bool { return x%3 == 0 })))
			return func() { in.PushAll(items) }
		}},
		{"multiset_delta", func(g *dfir.Graph) func() {
			in, p := dfir.SourceInput[int](g)
			dfir.Null(dfir.MultisetDelta(p))
			return func() { in.PushAll(items) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			push := tc.build(g)
			if a := allocsPerTick(t, g, push); a > 0 {
				t.Errorf("%s: %v allocations per tick of %d items; want 0", tc.name, a, len(items))
			}
		})
	}
}

func mustCompile(t *testing.T, g *dfir.Graph) {
	t.Helper()
	if err := g.Compile(); err != nil {
		t.Fatal(err)
	}
}
