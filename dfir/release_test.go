// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

func TestRelease(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	var asked []int
	decisions := []int{1, 0, 5, 2}
	out := dfir.SinkOutput(dfir.Release(p, func(held int) int {
		asked = append(asked, held)
		d := decisions[0]
		decisions = decisions[1:]
		return d
	}))
	in.PushAll([]int{1, 2, 3})
	want := [][]int{{1}, nil, {2, 3}}
	for i, w := range want {
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, w) {
			t.Errorf("tick %d: Release = %v; want %v", i, got, w)
		}
	}
	if g.Pending() {
		t.Errorf("Pending() = true after everything was released")
	}
	in.PushAll([]int{4, 5, 6})
	g.RunTick()
	if got := out.Drain(nil); !slices.Equal(got, []int{4, 5}) {
		t.Errorf("Release = %v; want [4 5]", got)
	}
	if !g.Pending() {
		t.Errorf("Pending() = false while an item is held")
	}
	if want := []int{3, 2, 2, 3}; !slices.Equal(asked, want) {
		t.Errorf("decide was asked %v; want %v", asked, want)
	}
}

func TestReleaseSome(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	// Each tick takes the items at these positions of what is held.
	picks := [][]int{{0, 2}, {}, {0}}
	out := dfir.SinkOutput(dfir.ReleaseSome(p, func(take []bool) {
		for _, i := range picks[0] {
			take[i] = true
		}
		picks = picks[1:]
	}))
	in.PushAll([]int{1, 2, 3})
	want := [][]int{{1, 3}, nil, {2}}
	for i, w := range want {
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, w) {
			t.Errorf("tick %d: ReleaseSome = %v; want %v", i, got, w)
		}
	}
	if g.Pending() {
		t.Errorf("Pending() = true after everything was released")
	}
}
