// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

func TestCasts(t *testing.T) {
	type P struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[P](f)
	a := hydro.SourceIter(p, []int{1, 2})
	b := hydro.SourceIter(p, []int{3})
	merged := hydro.Merge(a, b)
	// Weakening is free: an ordered stream completes an unordered reference.
	fw, ref := hydro.ForwardRef[int](p, hydro.Unordered, hydro.AtLeastOnce)
	fw.Complete(hydro.WeakenRetries(hydro.WeakenOrder(a)))
	hydro.NewOutput(ref)
	// Strengthening takes a reason, and then order-sensitive operators accept it.
	ordered := hydro.AssumeOrdered(merged, hydro.NonDet("one source feeds each tick"))
	out := hydro.NewOutput(hydro.AllTicks(hydro.Collect(hydro.Batch(ordered, hydro.NewTick(p), "batches")).IntoStream()))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	got := out.Drain(r) // one slice per tick; the forward reference adds a tick
	if len(got) == 0 || len(got[0]) != 3 {
		t.Fatalf("Collect(AssumeOrdered(Merge)) = %v; want a first tick of 3 items", got)
	}
	all := slices.Clone(got[0])
	slices.Sort(all)
	if !slices.Equal(all, []int{1, 2, 3}) {
		t.Errorf("Collect(AssumeOrdered(Merge)) = %v; want the items 1, 2, 3", got[0])
	}

	bad := hydro.NewFlow()
	q := hydro.NewProcess[P](bad)
	s := hydro.Merge(hydro.SourceIter(q, []int{1}), hydro.SourceIter(q, []int{2}))
	hydro.ForEach(hydro.AssumeOrdered(s, ""), func(int) {})
	hydro.ForEach(hydro.AssumeOrdered(hydro.WeakenRetries(s), "fine"), func(int) {})
	err := bad.Compile()
	if !errors.Is(err, hydro.ErrInvalid) {
		t.Fatalf("Compile() = %v; want ErrInvalid", err)
	}
	for _, want := range []string{"assume_ordered is non-deterministic and needs a NonDet reason", "ForEach needs an exactly-once stream"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compile() = %v; want it to mention %q", err, want)
		}
	}
}

func TestNamedShowsInDrawings(t *testing.T) {
	type P struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[P](f)
	s := hydro.Map(hydro.SourceIter(p, []int{1}), func(x int) int { return x }).Named("doubled")
	hydro.NewOutput(s)
	for name, drawing := range map[string]string{"Mermaid": f.Mermaid(), "DOT": f.DOT()} {
		if !strings.Contains(drawing, "doubled: map") {
			t.Errorf("%s() lacks the name \"doubled: map\":\n%s", name, drawing)
		}
	}
}

func TestKeyedStreamKeys(t *testing.T) {
	type P struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[P](f)
	kv := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}, {Key: "b", Val: 2}, {Key: "a", Val: 3}}))
	out := hydro.NewOutput(kv.Keys())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	got := out.Drain(r)
	slices.Sort(got)
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("Keys() = %v; want %v (each key once) in any order", got, want)
	}
}
