// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

// A running count over ticks: each tick sees the count of its own items
// and every earlier tick's, as Hydro's across_ticks example does.
func TestAcrossTicks(t *testing.T) {
	type proc struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[proc](f)
	in, xs := hydro.NewInput[string](p)
	tick := hydro.NewTick(p)
	batch := hydro.Batch(xs, tick, hydro.NonDet("the test pushes a batch per run"))
	count := hydro.AcrossTicks(batch, hydro.Count)
	perWord := hydro.AcrossTicksKeyed(batch, func(s hydro.Stream[string, *hydro.Atomic[*hydro.Process[proc]]]) hydro.KeyedSingleton[string, int, *hydro.Atomic[*hydro.Process[proc]]] {
		return hydro.ValueCounts(hydro.IntoKeyed(hydro.Map(s, func(w string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: w, Val: 1} })))
	})
	counts := hydro.NewOutput(hydro.AllTicks(count.IntoStream()))
	words := hydro.NewOutput(hydro.AllTicks(perWord.Entries()))
	r := hydro.MustLocal(f)
	in.Push(r, "a", "b", "a", "c")
	r.RunAvailable()
	in.Push(r, "a", "d", "d")
	r.RunAvailable()
	if got := counts.Drain(r); !slices.Equal(got, []int{4, 7}) {
		t.Errorf("AcrossTicks(Count) gave %v; want [4 7]", got)
	}
	got := fmt.Sprint(words.Drain(r))
	for _, want := range []string{"(a, 2)", "(a, 3)", "(d, 2)", "(b, 1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("AcrossTicksKeyed(ValueCounts) gave %s; want it to hold %s", got, want)
		}
	}
}

// A function that returns a value of another tick's region is refused at
// the AcrossTicks's line.
func TestAcrossTicksRefusesAnotherRegion(t *testing.T) {
	type proc struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[proc](f)
	xs := hydro.SourceIter(p, []int{1})
	tick, other := hydro.NewTick(p), hydro.NewTick(p)
	elsewhere := hydro.Count(hydro.BeginAtomic(xs, other))
	batch := hydro.Batch(xs, tick, hydro.NonDet("any"))
	_, _, line, _ := runtime.Caller(0)
	hydro.AcrossTicks(batch, func(hydro.Stream[int, *hydro.Atomic[*hydro.Process[proc]]]) hydro.Singleton[int, *hydro.Atomic[*hydro.Process[proc]]] {
		return elsewhere
	})
	err := f.Compile()
	want := fmt.Sprintf("across_test.go:%d", line+1)
	if !errors.Is(err, hydro.ErrInvalid) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "AcrossTicks") {
		t.Errorf("Compile() = %v; want an error naming AcrossTicks at %s", err, want)
	}
}
