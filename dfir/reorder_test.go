// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

func TestReorder(t *testing.T) {
	g := dfir.New()
	in, xs := dfir.SourceInput[string](g)
	var sizes []int
	out := dfir.SinkOutput(dfir.Reorder(xs, func(perm []int) {
		sizes = append(sizes, len(perm))
		perm[0], perm[len(perm)-1] = perm[len(perm)-1], perm[0]
	}))
	in.PushAll([]string{"a", "b", "c"})
	g.RunTick()
	in.Push("d")
	g.RunTick()
	if got, want := fmt.Sprint(out.Drain(nil)), "[c b a d]"; got != want {
		t.Errorf("Reorder emitted %s; want %s", got, want)
	}
	if fmt.Sprint(sizes) != "[3]" {
		t.Errorf("order was asked for %v items; want [3] (never for one item)", sizes)
	}
}
