// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hydro-go/hydro"
)

// runStream runs build's stream at a process until idle and returns its
// items in order.
func runStream[T any](t *testing.T, build func(p *hydro.Process[kvServer]) hydro.Stream[T, *hydro.Process[kvServer]]) []T {
	t.Helper()
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	out := hydro.NewOutput(build(p))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	return out.Drain(r)
}

// sumUntil is a generator: it adds the items up, yields every even sum,
// and returns "done" once the sum passes 10.
func sumUntil(acc *int, x int) hydro.Generate[string] {
	*acc += x
	switch {
	case *acc > 10:
		return hydro.Return("done " + strconv.Itoa(*acc))
	case *acc%2 == 0:
		return hydro.Yield("even " + strconv.Itoa(*acc))
	}
	return hydro.Continue[string]()
}

func TestGenerator(t *testing.T) {
	got := runStream(t, func(p *hydro.Process[kvServer]) hydro.Stream[string, *hydro.Process[kvServer]] {
		return hydro.Generator(hydro.SourceIter(p, []int{1, 1, 3, 100, 2}), func() int { return 0 }, sumUntil)
	})
	if want := []string{"even 2", "done 105"}; !slices.Equal(got, want) {
		t.Errorf("Generator = %v; want %v", got, want)
	}
	// Break ends the stream without emitting.
	got = runStream(t, func(p *hydro.Process[kvServer]) hydro.Stream[string, *hydro.Process[kvServer]] {
		return hydro.Generator(hydro.SourceIter(p, []int{1, -1, 2}), func() struct{} { return struct{}{} },
			func(_ *struct{}, x int) hydro.Generate[string] {
				if x < 0 {
					return hydro.Break[string]()
				}
				return hydro.Yield(strconv.Itoa(x))
			})
	})
	if want := []string{"1"}; !slices.Equal(got, want) {
		t.Errorf("Generator with Break = %v; want %v", got, want)
	}
}

func TestScanWhile(t *testing.T) {
	got := runStream(t, func(p *hydro.Process[kvServer]) hydro.Stream[int, *hydro.Process[kvServer]] {
		return hydro.ScanWhile(hydro.SourceIter(p, []int{1, 2, 3, 4, 5}), func() int { return 0 }, func(acc *int, x int) (int, bool) {
			*acc += x
			return *acc, *acc < 7
		})
	})
	if want := []int{1, 3, 6}; !slices.Equal(got, want) {
		t.Errorf("ScanWhile = %v; want %v", got, want)
	}
}

// At a tick a generator's state, and its end, last one tick only.
func TestGeneratorRestartsEveryTick(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[int](p)
	tick := hydro.NewTick(p)
	firstTwo := hydro.ScanWhile(hydro.Batch(s, tick, "test"), func() int { return 0 }, func(n *int, x int) (int, bool) {
		*n++
		return x, *n <= 2
	})
	out := hydro.NewOutput(hydro.AllTicks(firstTwo))
	r := hydro.MustLocal(f)
	in.Push(r, 1, 2, 3)
	r.RunTick()
	in.Push(r, 4, 5, 6)
	r.RunTick()
	if got, want := out.Drain(r), []int{1, 2, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("ScanWhile in a tick = %v; want %v", got, want)
	}
}

// At the top level a generator's state lasts across ticks.
func TestGeneratorAcrossTicks(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[int](p)
	out := hydro.NewOutput(hydro.Generator(s, func() int { return 0 }, sumUntil))
	r := hydro.MustLocal(f)
	var got []string
	for _, x := range []int{1, 1, 3, 100, 2} {
		in.Push(r, x)
		r.RunTick()
		got = append(got, out.Drain(r)...)
	}
	if want := []string{"even 2", "done 105"}; !slices.Equal(got, want) {
		t.Errorf("Generator across ticks = %v; want %v", got, want)
	}
}

func TestGeneratorKeyed(t *testing.T) {
	in := []hydro.KV[string, int]{kv("a", 1), kv("b", 4), kv("a", 1), kv("a", 20), kv("b", 3), kv("a", 2), kv("b", 1)}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"GeneratorKeyed", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, string, *hydro.Process[kvServer]] {
			return hydro.GeneratorKeyed(keyedOf(p, in...), func() int { return 0 }, sumUntil)
		}), []string{"a=done 22", "a=even 2", "b=even 4", "b=even 8"}},
		{"ScanKeyed", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			return hydro.ScanKeyed(keyedOf(p, in...), func() int { return 0 }, func(acc *int, v int) (int, bool) {
				*acc += v
				return *acc, *acc < 10
			})
		}), []string{"a=1", "a=2", "b=4", "b=7", "b=8"}},
		{"EnumerateKeyed", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, string, *hydro.Process[kvServer]] {
			e := hydro.EnumerateKeyed(keyedOf(p, in...))
			return hydro.MapValues(e, func(iv hydro.KV[int, int]) string { return fmt.Sprintf("%d:%d", iv.Key, iv.Val) })
		}), []string{"a=0:1", "a=1:1", "a=2:20", "a=3:2", "b=0:4", "b=1:3", "b=2:1"}},
		{"FoldEarlyStop", runEntries(t, func(p *hydro.Process[kvServer]) hydro.KeyedStream[string, int, *hydro.Process[kvServer]] {
			// Each key's sum up to its first even value; c never stops.
			stopped := hydro.FoldEarlyStop(keyedOf(p, append(in, kv("c", 1))...), func() int { return 0 }, func(acc *int, v int) bool {
				*acc += v
				return v%2 == 0
			})
			return hydro.IntoKeyedStream(stopped)
		}), []string{"a=22", "b=4"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s = %v; want %v", tc.name, tc.got, tc.want)
		}
	}
}

// A key's FoldEarlyStop value, once there, stays the same in every later
// tick, whatever that key's later values.
func TestFoldEarlyStopIsFinal(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	in, s := hydro.NewInput[hydro.KV[string, int]](p)
	tick := hydro.NewTick(p)
	firsts := hydro.FoldEarlyStop(hydro.IntoKeyed(s), func() int { return 0 }, func(acc *int, v int) bool { *acc = v; return true })
	out := hydro.NewOutput(hydro.AllTicks(hydro.SnapshotKeyed(firsts, tick, "test").Entries()))
	r := hydro.MustLocal(f)
	for i, want := range [][]string{{"a=1"}, {"a=1", "b=3"}, {"a=1", "b=3"}} {
		in.Push(r, [][]hydro.KV[string, int]{{kv("a", 1)}, {kv("a", 2), kv("b", 3)}, {kv("b", 4)}}[i]...)
		r.RunTick()
		var got []string
		for _, e := range out.Drain(r) {
			got = append(got, fmt.Sprintf("%s=%d", e.Key, e.Val))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("tick %d: FoldEarlyStop = %v; want %v", i, got, want)
		}
	}
}

// Generators depend on their input's order and on each item arriving once.
func TestGeneratorNeedsOrder(t *testing.T) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[kvServer](f)
	s := hydro.WeakenOrder(hydro.SourceIter(p, []int{1}))
	hydro.NewOutput(hydro.Generator(s, func() int { return 0 }, sumUntil))
	if err := f.Compile(); err == nil {
		t.Error("Compile() = nil; want Generator refused on an unordered stream")
	}
}
