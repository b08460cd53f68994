// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro"
)

type kvServer struct{}

// keyedOf is a keyed stream of pairs at a process, in this order.
func keyedOf(p *hydro.Process[kvServer], kvs ...hydro.KV[string, int]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
	return hydro.IntoKeyed(hydro.SourceIter(p, kvs))
}

func kv(k string, v int) hydro.KV[string, int] { return hydro.KV[string, int]{Key: k, Val: v} }

// runEntries runs build's keyed stream and returns its pairs, sorted.
func runEntries[V any](t *testing.T, build func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, V, *hydro.Process[kvServer]]) []string {
	t.Helper()
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	out := hydro.NewOutput(build(p).Entries())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	var got []string
	for _, e := range out.Drain(r) {
		got = append(got, fmt.Sprintf("%s=%v", e.Key, e.Val))
	}
	slices.Sort(got)
	return got
}

func TestKeyedValueOperators(t *testing.T) {
	in := []hydro.KV[string, int]{kv("a", 1), kv("b", 2), kv("a", 3), kv("a", 1)}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"MapWithKey", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, string, *hydro.Process[kvServer]] {
			return hydro.MapWithKey(keyedOf(p, in...), func(k string, v int) string { return k + strconv.Itoa(v) })
		}), []string{"a=a1", "a=a1", "a=a3", "b=b2"}},
		{"FilterValues", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			return hydro.FilterValues(keyedOf(p, in...), func(v int) bool { return v > 1 })
		}), []string{"a=3", "b=2"}},
		{"FilterWithKey", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			return hydro.FilterWithKey(keyedOf(p, in...), func(k string, v int) bool { return k == "a" && v < 3 })
		}), []string{"a=1", "a=1"}},
		{"FilterMapValues", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, string, *hydro.Process[kvServer]] {
			return hydro.FilterMapValues(keyedOf(p, in...), func(v int) (string, bool) { return strconv.Itoa(v * 10), v != 2 })
		}), []string{"a=10", "a=10", "a=30"}},
		{"FlatMapValues", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			return hydro.FlatMapValues(keyedOf(p, kv("a", 2), kv("b", 1)), func(v int) []int { return slices.Repeat([]int{v}, v) })
		}), []string{"a=2", "a=2", "b=1"}},
		{"UniqueValues", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			return hydro.UniqueValues(keyedOf(p, in...))
		}), []string{"a=1", "a=3", "b=2"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s = %v; want %v", tc.name, tc.got, tc.want)
		}
	}
}

// TestKeyedValueOperatorsKeepOrder: per-key order survives, so an
// order-sensitive fold per key still compiles.
func TestKeyedValueOperatorsKeepOrder(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	var seen []string
	s := hydro.InspectValues(keyedOf(p, kv("a", 1), kv("a", 2)), func(k string, v int) { seen = append(seen, fmt.Sprint(k, v)) })
	joined := hydro.FoldKeyed(hydro.MapWithKey(s, func(_ string, v int) string { return strconv.Itoa(v) }),
		func() string { return "" }, func(acc *string, v string) { *acc += v })
	out := hydro.NewOutput(joined.Entries())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := out.Drain(r); len(got) != 1 || got[0].Val != "12" {
		t.Errorf("FoldKeyed after MapWithKey = %v; want [a=12]", got)
	}
	if want := []string{"a1", "a2"}; !slices.Equal(seen, want) {
		t.Errorf("InspectValues saw %v; want %v", seen, want)
	}
}

func TestSingletonOperators(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	seven := hydro.SingletonOf(p, 7)
	none := hydro.SingletonOf(p, 0).Filter(func(int) bool { return false })
	outs := []*hydro.Output[string]{
		hydro.NewOutput(hydro.Map(hydro.IntoOptional(seven).IntoStream(), strconv.Itoa)),
		hydro.NewOutput(hydro.FilterMapSingleton(seven, func(v int) (string, bool) { return "odd", v%2 == 1 }).IntoStream()),
		hydro.NewOutput(hydro.FilterMapOptional(none, func(v int) (string, bool) { return "x", true }).IntoStream()),
		hydro.NewOutput(hydro.FlatMapSingleton(seven, func(v int) []string { return []string{"a", "b"} })),
		hydro.NewOutput(hydro.Map(hydro.Equals(seven, 7).IntoStream(), strconv.FormatBool)),
		hydro.NewOutput(hydro.Map(hydro.And(hydro.Equals(seven, 7), hydro.Not(hydro.Equals(seven, 8))).IntoStream(), strconv.FormatBool)),
		hydro.NewOutput(hydro.Map(hydro.IfSomeThen(hydro.IntoOptional(seven), hydro.SingletonOf(p, 3)).IntoStream(), strconv.Itoa)),
		hydro.NewOutput(hydro.Map(hydro.IfSomeThen(none, hydro.SingletonOf(p, 3)).IntoStream(), strconv.Itoa)),
		hydro.NewOutput(hydro.Map(hydro.UnwrapOrElse(none, seven).IntoStream(), strconv.Itoa)),
		hydro.NewOutput(hydro.Map(hydro.UnwrapOrElse(hydro.IntoOptional(hydro.SingletonOf(p, 5)), seven).IntoStream(), strconv.Itoa)),
	}
	want := [][]string{{"7"}, {"odd"}, nil, {"a", "b"}, {"true"}, {"true"}, {"3"}, nil, {"7"}, {"5"}}
	r := hydro.MustLocal(f)
	r.RunTick()
	for i, o := range outs {
		if got := o.Drain(r); !slices.Equal(got, want[i]) {
			t.Errorf("output %d = %v; want %v", i, got, want[i])
		}
	}
}
