// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type rwFront struct{}
type rwStage struct{}
type rwBack struct{}

// pipeline is a front that parses lines and sends the words to a back,
// which counts them. The parse stage is named, so that a rewrite can move
// it to a stage process of its own.
func pipeline(decouple bool) (*hydro.Flow, *hydro.Input[string], *hydro.Output[hydro.KV[string, int]], error) {
	f := hydro.NewFlow()
	front := hydro.NewProcess[rwFront](f)
	stage := hydro.NewProcess[rwStage](f)
	back := hydro.NewProcess[rwBack](f)
	in, lines := hydro.NewInput[string](front)
	words := hydro.FlatMap(lines, strings.Fields).Named("split")
	lower := hydro.Map(words, strings.ToLower).Named("lower")
	counted := hydro.Scan(hydro.Send(lower, back), func() map[string]int { return map[string]int{} }, func(m *map[string]int, w string) hydro.KV[string, int] {
		(*m)[w]++
		return hydro.KV[string, int]{Key: w, Val: (*m)[w]}
	})
	out := hydro.NewOutput(counted)
	var err error
	if decouple {
		err = hydro.Decouple(f, stage, "split", "lower")
	}
	_ = stage
	return f, in, out, err
}

// TestDecouple: the decoupled flow computes what the original does, tick
// by tick in memory and in every execution the simulator finds.
func TestDecouple(t *testing.T) {
	run := func(decouple bool) []string {
		f, in, out, err := pipeline(decouple)
		if err != nil {
			t.Fatal(err)
		}
		r := hydro.MustLocal(f)
		in.Push(r, "The cat", "the Dog the end")
		r.RunAvailable()
		var got []string
		for _, kv := range out.Drain(r) {
			got = append(got, fmt.Sprintf("%s=%d", kv.Key, kv.Val))
		}
		return got
	}
	if a, b := run(false), run(true); !slices.Equal(a, b) || len(a) != 6 {
		t.Errorf("decoupled %v; original %v", b, a)
	}
	outcomes := func(decouple bool) map[string]bool {
		seen := map[string]bool{}
		sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
			f, in, out, err := pipeline(decouple)
			s.Assert(err == nil, "%v", err)
			r := s.Local(f)
			in.Push(r, "a b", "B c")
			s.RunAvailable(r)
			seen[fmt.Sprint(out.Drain(r))] = true
		})
		return seen
	}
	orig, moved := outcomes(false), outcomes(true)
	for o := range moved {
		if !orig[o] {
			t.Errorf("the decoupled flow yields %s, which the original never does (%v)", o, orig)
		}
	}
}

// TestDecoupleRefuses: a rewrite that would change the flow's meaning is
// refused with the reason, and a name the flow lacks is listed.
func TestDecoupleRefuses(t *testing.T) {
	f := hydro.NewFlow()
	front := hydro.NewProcess[rwFront](f)
	stage := hydro.NewProcess[rwStage](f)
	tick := hydro.NewTick(front)
	_, in := hydro.NewInput[int](front)
	batch := hydro.Batch(in, tick, hydro.NonDet("any batch")).Named("batch")
	hydro.NewOutput(hydro.AllTicks(hydro.Map(batch, func(v int) int { return v }).Named("inside")))
	for name, want := range map[string]string{
		"inside":  "is inside a tick",
		"missing": `no collection named "missing" (the flow names "batch", "inside")`,
	} {
		err := hydro.Decouple(f, stage, name)
		if !errors.Is(err, hydro.ErrRewrite) || !strings.Contains(err.Error(), want) {
			t.Errorf("Decouple(%s) = %v; want ErrRewrite and %q", name, err, want)
		}
	}
	f.MustCompile()
	if err := hydro.Decouple(f, stage, "inside"); !errors.Is(err, hydro.ErrRewrite) || !strings.Contains(err.Error(), "after Compile") {
		t.Errorf("Decouple after Compile = %v; want refused", err)
	}
}
