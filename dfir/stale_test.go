// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

func TestStale(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	var asked []int
	choices := []int{0, 1, 2, 0, 5}
	out := dfir.SinkOutput(dfir.Stale(p, func(n int) int {
		asked = append(asked, n)
		c := choices[0]
		choices = choices[1:]
		return c
	}))
	// The input carries [1], [2], [3], [4], [5] in ticks 0 to 4.
	want := [][]int{
		{1}, // choice 0: the newest of [1]
		{1}, // choice 1: one back, of [1] [2]
		{1}, // choice 2: two back, of [1] [2] [3]
		{4}, // choice 0 of [2] [3] [4]: [1] is more than two ticks old
		{4}, // choice 5, clamped: [4] was passed on, so nothing older
	}
	for i, w := range want {
		in.Push(i + 1)
		g.RunTick()
		if got := out.Drain(nil); !slices.Equal(got, w) {
			t.Errorf("tick %d: Stale = %v; want %v", i, got, w)
		}
	}
	if wantAsked := []int{1, 2, 3, 3, 2}; !slices.Equal(asked, wantAsked) {
		t.Errorf("choose was asked %v; want %v", asked, wantAsked)
	}
}
