// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

type kvProc = *hydro.Process[kvServer]

// settledOf is a bounded keyed singleton at p: the sum of each key's
// values.
func settledOf(p kvProc, kvs ...hydro.KV[string, int]) hydro.KeyedSingleton[string, int, kvProc] {
	return hydro.FoldKeyed(keyedOf(p, kvs...), func() int { return 0 }, func(acc *int, v int) { *acc += v })
}

func TestKeyedStreamOperators(t *testing.T) {
	in := []hydro.KV[string, int]{kv("a", 3), kv("b", 2), kv("a", 1), kv("a", 2)}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"ValueCounts", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			return hydro.IntoKeyedStream(hydro.ValueCounts(keyedOf(p, in...)))
		}), []string{"a=3", "b=1"}},
		{"SortValues", runEntries(t, func(p kvProc) hydro.KeyedStream[string, []int, kvProc] {
			sorted := hydro.SortValues(keyedOf(p, in...), cmp.Compare[int])
			return hydro.IntoKeyedStream(hydro.FoldKeyed(sorted, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) }))
		}), []string{"a=[1 2 3]", "b=[2]"}},
		{"ChainKeyed", runEntries(t, func(p kvProc) hydro.KeyedStream[string, []int, kvProc] {
			both := hydro.ChainKeyed(keyedOf(p, kv("a", 1), kv("b", 9)), keyedOf(p, kv("a", 2), kv("a", 3)))
			return hydro.IntoKeyedStream(hydro.FoldKeyed(both, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) }))
		}), []string{"a=[1 2 3]", "b=[9]"}},
		{"MergeKeyed", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			return hydro.MergeKeyed(keyedOf(p, kv("a", 1)), keyedOf(p, kv("a", 2)), keyedOf(p, kv("b", 3)))
		}), []string{"a=1", "a=2", "b=3"}},
		{"CrossSingletonKeyed", runEntries(t, func(p kvProc) hydro.KeyedStream[string, hydro.Pair[int, string], kvProc] {
			return hydro.CrossSingletonKeyed(keyedOf(p, kv("a", 1), kv("b", 2)), hydro.SingletonOf(p, "x"))
		}), []string{"a=(1, x)", "b=(2, x)"}},
		{"Lookup", runEntries(t, func(p kvProc) hydro.KeyedStream[string, hydro.Pair[int, int], kvProc] {
			return hydro.Lookup(keyedOf(p, kv("a", 1), kv("c", 2), kv("a", 3)), settledOf(p, kv("a", 10), kv("b", 20)))
		}), []string{"a=(1, 10)", "a=(3, 10)"}},
		{"RepeatWithKeys", runEntries(t, func(p kvProc) hydro.KeyedStream[string, []string, kvProc] {
			rep := hydro.RepeatWithKeys(hydro.SourceIter(p, []string{"x", "y"}), settledOf(p, kv("a", 1), kv("b", 2)))
			return hydro.IntoKeyedStream(hydro.FoldKeyed(rep, func() []string { return nil }, func(acc *[]string, v string) { *acc = append(*acc, v) }))
		}), []string{"a=[x y]", "b=[x y]"}},
		{"DropKeyPrefix(PrefixKey)", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			pre := hydro.PrefixKey(keyedOf(p, in...), func(k string, v int) bool { return v > 1 })
			big := hydro.FilterWithKey(pre, func(k hydro.Pair[bool, string], _ int) bool { return k.Left })
			return hydro.DropKeyPrefix(big)
		}), []string{"a=2", "a=3", "b=2"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s = %v; want %v", tc.name, tc.got, tc.want)
		}
	}
}

// PrefixKey keeps every old key's values under one new key, in order: a
// per-key fold still compiles after it.
func TestPrefixKeyKeepsOrder(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	pre := hydro.PrefixKey(keyedOf(p, kv("a", 1), kv("a", 2), kv("b", 3)), func(k string, _ int) int { return len(k) })
	joined := hydro.FoldKeyed(pre, func() string { return "" }, func(acc *string, v int) { *acc += fmt.Sprint(v) })
	out := hydro.NewOutput(joined.Entries())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	var got []string
	for _, e := range out.Drain(r) {
		got = append(got, fmt.Sprintf("%v=%s", e.Key, e.Val))
	}
	slices.Sort(got)
	if want := []string{"(1, a)=12", "(1, b)=3"}; !slices.Equal(got, want) {
		t.Errorf("PrefixKey then FoldKeyed = %v; want %v", got, want)
	}
}

func TestDeferTickKeyed(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[hydro.KV[string, int]](p)
	tick := hydro.NewTick(p)
	prev := hydro.DeferTickKeyed(hydro.BatchKeyed(hydro.IntoKeyed(s), tick, "test"))
	out := hydro.NewOutput(hydro.AllTicks(prev.Entries()))
	r := hydro.MustLocal(f)
	in.Push(r, kv("a", 1))
	r.RunTick()
	if got := out.Drain(r); len(got) != 0 {
		t.Errorf("tick 0: DeferTickKeyed = %v; want nothing", got)
	}
	in.Push(r, kv("b", 2))
	r.RunTick()
	if got := out.Drain(r); len(got) != 1 || got[0] != kv("a", 1) {
		t.Errorf("tick 1: DeferTickKeyed = %v; want [{a 1}]", got)
	}
}

func TestKeyedSingletonOperators(t *testing.T) {
	sums := []hydro.KV[string, int]{kv("a", 1), kv("b", 2), kv("a", 3), kv("c", 5)}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"MapKeyedSingleton", runEntries(t, func(p kvProc) hydro.KeyedStream[string, string, kvProc] {
			return hydro.IntoKeyedStream(hydro.MapKeyedSingleton(settledOf(p, sums...), func(v int) string { return fmt.Sprint(v * 10) }))
		}), []string{"a=40", "b=20", "c=50"}},
		{"FilterKeyedSingleton", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			return hydro.IntoKeyedStream(hydro.FilterKeyedSingleton(settledOf(p, sums...), func(v int) bool { return v > 2 }))
		}), []string{"a=4", "c=5"}},
		{"FilterMapKeyedSingleton", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			return hydro.IntoKeyedStream(hydro.FilterMapKeyedSingleton(settledOf(p, sums...), func(v int) (int, bool) { return -v, v%2 == 0 }))
		}), []string{"a=-4", "b=-2"}},
		{"FilterKeyNotIn", runEntries(t, func(p kvProc) hydro.KeyedStream[string, int, kvProc] {
			return hydro.IntoKeyedStream(hydro.FilterKeyNotIn(settledOf(p, sums...), hydro.SourceIter(p, []string{"a", "z"})))
		}), []string{"b=2", "c=5"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s = %v; want %v", tc.name, tc.got, tc.want)
		}
	}

	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	x := settledOf(p, sums...)
	count := hydro.NewOutput(hydro.KeyCount(x).IntoStream())
	asMap := hydro.NewOutput(hydro.IntoMap(x).IntoStream())
	getB := hydro.NewOutput(hydro.Get(x, hydro.SingletonOf(p, "b")).IntoStream())
	getZ := hydro.NewOutput(hydro.Get(x, hydro.SingletonOf(p, "z")).IntoStream())
	maxKey := hydro.NewOutput(hydro.GetMaxKey(x).IntoStream())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := count.Drain(r); !slices.Equal(got, []int{3}) {
		t.Errorf("KeyCount = %v; want [3]", got)
	}
	if got := asMap.Drain(r); len(got) != 1 || fmt.Sprint(got[0]) != "map[a:4 b:2 c:5]" {
		t.Errorf("IntoMap = %v; want [map[a:4 b:2 c:5]]", got)
	}
	if got := getB.Drain(r); !slices.Equal(got, []int{2}) {
		t.Errorf("Get(b) = %v; want [2]", got)
	}
	if got := getZ.Drain(r); len(got) != 0 {
		t.Errorf("Get(z) = %v; want nothing", got)
	}
	if got := maxKey.Drain(r); !slices.Equal(got, []string{"c"}) {
		t.Errorf("GetMaxKey = %v; want [c]", got)
	}
}

func TestDeferTickKeyedSingleton(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[hydro.KV[string, int]](p)
	tick := hydro.NewTick(p)
	sums := hydro.FoldKeyed(hydro.BatchKeyed(hydro.IntoKeyed(s), tick, "test"), func() int { return 0 }, func(acc *int, v int) { *acc += v })
	out := hydro.NewOutput(hydro.AllTicks(hydro.DeferTickKeyedSingleton(sums).Entries()))
	r := hydro.MustLocal(f)
	var got [][]hydro.KV[string, int]
	for _, batch := range [][]hydro.KV[string, int]{{kv("a", 1), kv("a", 2)}, {kv("b", 5)}, {}} {
		in.Push(r, batch...)
		r.RunTick()
		got = append(got, out.Drain(r))
	}
	want := fmt.Sprint([][]hydro.KV[string, int]{nil, {kv("a", 3)}, {kv("b", 5)}})
	if fmt.Sprint(got) != want {
		t.Errorf("DeferTickKeyedSingleton per tick = %v; want %v", got, want)
	}
}

// ReduceWatermark forgets keys up to the watermark, as they and later
// values under them arrive, and keeps reducing the others across ticks.
func TestReduceWatermark(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	vals, vs := hydro.NewInput[hydro.KV[int, int]](p)
	marks, ms := hydro.NewInput[int](p)
	sums := hydro.ReduceWatermark(hydro.IntoKeyed(vs), hydro.Last(ms), func(acc *int, v int) { *acc += v })
	tick := hydro.NewTick(p)
	sorted := hydro.SortFunc(hydro.SnapshotKeyed(sums, tick, "test").Entries(), func(a, b hydro.KV[int, int]) int { return cmp.Compare(a.Key, b.Key) })
	out := hydro.NewOutput(hydro.AllTicks(hydro.MapSingleton(hydro.Collect(sorted), sprint).IntoStream()))
	r := hydro.MustLocal(f)
	steps := []struct {
		vals  []hydro.KV[int, int]
		marks []int
		want  string
	}{
		{[]hydro.KV[int, int]{{Key: 0, Val: 100}, {Key: 1, Val: 101}, {Key: 2, Val: 102}, {Key: 2, Val: 102}}, nil, "[(0, 100) (1, 101) (2, 204)]"},
		{nil, []int{1}, "[(2, 204)]"},
		{[]hydro.KV[int, int]{{Key: 1, Val: 5}, {Key: 3, Val: 103}}, nil, "[(2, 204) (3, 103)]"},
		{[]hydro.KV[int, int]{{Key: 2, Val: 1}}, []int{0}, "[(2, 205) (3, 103)]"}, // a lower watermark changes nothing
		{nil, []int{2}, "[(3, 103)]"},
	}
	for i, st := range steps {
		vals.Push(r, st.vals...)
		marks.Push(r, st.marks...)
		r.RunTick()
		got := out.Drain(r)
		if len(got) != 1 || got[0] != st.want {
			t.Errorf("tick %d: ReduceWatermark = %v; want [%s]", i, got, st.want)
		}
	}
}

// In a tick ReduceWatermark sees the tick's batch and watermark only.
func TestReduceWatermarkInTick(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	tick := hydro.NewTick(p)
	vs := hydro.BatchKeyed(hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 0, Val: 100}, {Key: 1, Val: 101}, {Key: 2, Val: 102}, {Key: 2, Val: 102}})), tick, "test")
	sums := hydro.ReduceWatermark(vs, hydro.IntoOptional(hydro.SingletonOf(tick, 1)), func(acc *int, v int) { *acc += v })
	out := hydro.NewOutput(hydro.AllTicks(sums.Entries()))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := out.Drain(r); len(got) != 1 || got[0] != (hydro.KV[int, int]{Key: 2, Val: 204}) {
		t.Errorf("ReduceWatermark in a tick = %v; want [{2 204}]", got)
	}
}
