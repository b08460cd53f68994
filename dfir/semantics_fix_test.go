// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

func TestCompileUndefinedLifetime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(p dfir.Port[int]) (op string, line int)
		lts   string
	}{
		{"one", func(p dfir.Port[int]) (string, int) {
			dfir.Null(dfir.Unique(p, dfir.Lifetime(7)))
			return "unique", hereLine() - 1
		}, "lifetime 0 is 7"},
		{"second of two", func(p dfir.Port[int]) (string, int) {
			ps := dfir.Tee(dfir.Map(p, func(x int) dfir.KV[int, int] { return dfir.KV[int, int]{Key: x} }), 2)
			dfir.Null(dfir.Join(ps[0], ps[1], dfir.Static, dfir.Lifetime(3)))
			return "join", hereLine() - 1
		}, "lifetime 1 is 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			_, p := dfir.SourceInput[int](g)
			op, line := tc.build(p)
			err := g.Compile()
			want := fmt.Sprintf("%s, not one of PerTick, Static or Incremental", tc.lts)
			if err == nil || !containsAll(err.Error(), want, fmt.Sprintf("dfir/semantics_fix_test.go:%d", line), op) {
				t.Errorf("Compile() = %v; want a problem naming %s at line %d: %q", err, op, line, want)
			}
		})
	}
}

func TestCompileCycleClosedWithItself(t *testing.T) {
	g := dfir.New()
	line := hereLine() + 1
	cyc, back := dfir.NewCycle[int](g)
	closeLine := hereLine() + 1
	cyc.Close(back)
	compileErr(t, g, 1, fmt.Sprintf("cycle#0 (dfir/semantics_fix_test.go:%d): closed with its own output at dfir/semantics_fix_test.go:%d", line, closeLine))
}

func TestDemuxZeroOutputs(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	ps := dfir.Tee(p, 2)
	var seen []int
	if outs := dfir.Demux(ps[0], 0, func(x int) (int, string) { seen = append(seen, x); return 0, "" }); len(outs) != 0 {
		t.Fatalf("Demux(p, 0, f) = %d ports; want 0", len(outs))
	}
	if outs := dfir.DemuxTagged(dfir.Map(ps[1], func(x int) dfir.Tagged[int] { return dfir.Tagged[int]{Tag: x, Val: x} }), 0); len(outs) != 0 {
		t.Fatalf("DemuxTagged(p, 0) = %d ports; want 0", len(outs))
	}
	mustCompile(t, g)
	in.PushAll([]int{4, 5})
	g.RunTick()
	if !slices.Equal(seen, []int{4, 5}) {
		t.Errorf("Demux with no outputs called f on %v; want [4 5]", seen)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
