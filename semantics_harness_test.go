// SPDX-License-Identifier: Apache-2.0

package hydro_test

// The semantics corpus: one file per family of operators, each test a small
// flow on one process driven tick by tick through hydro.Local. Inputs pushed
// before a tick arrive in that tick; outputs are drained after it, so every
// test states what each tick emits. This file holds the harness they share.

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

// server tags the process every semantics flow runs on.
type server struct{}

type (
	proc = *hydro.Process[server]
	tick = *hydro.Tick[proc]
)

// nd is the NonDet reason of every Batch and Snapshot in the corpus: the
// tests choose the batch boundaries themselves, one tick per step.
const nd = hydro.NonDet("the test decides what each tick holds")

// local compiles f and returns a running instance, failing the test on a
// compile error.
func local(t *testing.T, f *hydro.Flow) *hydro.Local {
	t.Helper()
	r, err := hydro.NewLocal(f)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	return r
}

// run builds a flow whose one input is a stream of I, pushes ticks[i] before
// tick i, and returns what build's stream emitted in each tick.
func run[I, O any](t *testing.T, build func(s hydro.Stream[I, proc]) hydro.Stream[O, proc], ticks ...[]I) [][]O {
	t.Helper()
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	in, s := hydro.NewInput[I](p)
	out := hydro.NewOutput(build(s))
	r := local(t, f)
	got := make([][]O, len(ticks))
	for i, items := range ticks {
		in.Push(r, items...)
		r.RunTick()
		got[i] = out.Drain(r)
	}
	return got
}

// inTick is run for operators at a tick: build sees each tick's batch of the
// input, and what it returns is gathered back with AllTicks.
func inTick[I, O any](t *testing.T, build func(s hydro.Stream[I, tick]) hydro.Stream[O, tick], ticks ...[]I) [][]O {
	t.Helper()
	return run(t, func(s hydro.Stream[I, proc]) hydro.Stream[O, proc] {
		tk := hydro.NewTick(s.Location())
		return hydro.AllTicks(build(hydro.Batch(s, tk, nd)))
	}, ticks...)
}

// two is what a two-input test pushes before one tick.
type two[A, B any] struct {
	a []A
	b []B
}

// run2 is run for flows with two inputs.
func run2[A, B, O any](t *testing.T, build func(a hydro.Stream[A, proc], b hydro.Stream[B, proc]) hydro.Stream[O, proc], ticks ...two[A, B]) [][]O {
	t.Helper()
	f := hydro.NewFlow()
	p := hydro.NewProcess[server](f)
	inA, a := hydro.NewInput[A](p)
	inB, b := hydro.NewInput[B](p)
	out := hydro.NewOutput(build(a, b))
	r := local(t, f)
	got := make([][]O, len(ticks))
	for i, step := range ticks {
		inA.Push(r, step.a...)
		inB.Push(r, step.b...)
		r.RunTick()
		got[i] = out.Drain(r)
	}
	return got
}

// inTick2 is inTick for two inputs, both batched into the same tick.
func inTick2[A, B, O any](t *testing.T, build func(a hydro.Stream[A, tick], b hydro.Stream[B, tick]) hydro.Stream[O, tick], ticks ...two[A, B]) [][]O {
	t.Helper()
	return run2(t, func(a hydro.Stream[A, proc], b hydro.Stream[B, proc]) hydro.Stream[O, proc] {
		tk := hydro.NewTick(a.Location())
		return hydro.AllTicks(build(hydro.Batch(a, tk, nd), hydro.Batch(b, tk, nd)))
	}, ticks...)
}

// watch shows a top-level singleton as a stream: its value, snapshotted
// once in every tick.
func watch[T any](x hydro.Singleton[T, proc]) hydro.Stream[T, proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(hydro.Snapshot(x, tk, nd).IntoStream())
}

// watchOptional is watch for optionals: nothing in a tick where it is empty.
func watchOptional[T any](x hydro.Optional[T, proc]) hydro.Stream[T, proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(hydro.SnapshotOptional(x, tk, nd).IntoStream())
}

// watchKeyed shows a top-level keyed singleton as the stream of its entries,
// all of them, once in every tick.
func watchKeyed[K comparable, V any](x hydro.KeyedSingleton[K, V, proc]) hydro.Stream[hydro.KV[K, V], proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(hydro.SnapshotKeyed(x, tk, nd).Entries())
}

// show renders every item with fmt, so that collections of different types
// fit one table.
func show[T any, L hydro.Location](s hydro.Stream[T, L]) hydro.Stream[string, L] {
	return hydro.Map(s, func(v T) string { return fmt.Sprint(v) })
}

// kv builds a key-value pair.
func kv[K comparable, V any](k K, v V) hydro.KV[K, V] { return hydro.KV[K, V]{Key: k, Val: v} }

// ints is a tick's worth of ints, for readable tables.
func ints(v ...int) []int { return v }

// strs is a tick's worth of strings.
func strs(v ...string) []string { return v }

// want compares per-tick outputs, printing failures as op(in) = got; want w.
// Empty and nil ticks are equal.
func want[O any](t *testing.T, op string, in any, got, w [][]O) {
	t.Helper()
	if g, ws := fmt.Sprint(got), fmt.Sprint(w); g != ws {
		t.Errorf("%s(%v) = %s; want %s", op, in, g, ws)
	}
}

// wantUnordered is want for unordered streams: each tick compares as a
// multiset.
func wantUnordered[O any](t *testing.T, op string, in any, got, w [][]O) {
	t.Helper()
	if g, ws := fmt.Sprint(sortTicks(got)), fmt.Sprint(sortTicks(w)); g != ws {
		t.Errorf("%s(%v) = %s; want (in any order) %s", op, in, g, ws)
	}
}

// sortTicks returns every tick's items as strings, sorted.
func sortTicks[O any](ticks [][]O) [][]string {
	out := make([][]string, len(ticks))
	for i, items := range ticks {
		out[i] = make([]string, len(items))
		for j, v := range items {
			out[i][j] = fmt.Sprint(v)
		}
		slices.Sort(out[i])
	}
	return out
}
