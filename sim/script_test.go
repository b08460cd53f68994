// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

type scriptSender struct{}
type scriptReceiver struct{}

// batched sends 1, 2, 3 from one process to another, which batches what
// arrives into its ticks; batches records each tick's batch.
func batched(s *Sim, batches *[][]int) {
	f := hydro.NewFlow()
	a := hydro.NewProcess[scriptSender](f)
	b := hydro.NewProcess[scriptReceiver](f)
	tick := hydro.NewTick(b)
	got := hydro.Batch(hydro.Send(hydro.SourceIter(a, []int{1, 2, 3}), b), tick, hydro.NonDet("the test splits the batches"))
	hydro.ForEach(hydro.AllTicks(hydro.Fold(got, func() []int { return nil }, func(acc *[]int, v int) { *acc = append(*acc, v) }).IntoStream()), func(vs []int) {
		if len(vs) > 0 {
			*batches = append(*batches, vs)
		}
	})
	r := s.Local(f)
	s.RunAvailable(r)
}

// TestScript takes every choice from the script: the batches are split
// where it says.
func TestScript(t *testing.T) {
	var batches [][]int
	Script(t, func(s *Sim) {
		s.Do("tick scriptSender", "deliver scriptSender → scriptReceiver", "tick scriptReceiver", "batch 2", "tick scriptReceiver", "batch 1")
		batched(s, &batches)
	})
	if want := [][]int{{1, 2}, {3}}; fmt.Sprint(batches) != fmt.Sprint(want) {
		t.Errorf("batches %v; want %v", batches, want)
	}
}

// TestScriptMistakes: a choice the script forgot, a step that does not fit
// and steps never taken each end the execution, naming what was wrong.
func TestScriptMistakes(t *testing.T) {
	for _, tc := range []struct {
		steps []string
		want  string
	}{
		{[]string{"tick scriptSender"}, "the script does not say what to choose at: next step: tick scriptReceiver | deliver scriptSender → scriptReceiver"},
		{[]string{"deliver scriptSender → scriptReceiver"}, `the script says "deliver scriptSender → scriptReceiver", which does not fit the choice at hand: next step: tick scriptSender | tick scriptReceiver`},
		{[]string{"tick scriptSender", "deliver scriptSender → scriptReceiver", "tick scriptReceiver", "batch 7"}, `the script says "batch 7", which does not fit the choice at hand: batch at sim/script_test.go:`},
	} {
		s := &Sim{script: &script{}}
		var batches [][]int
		o, msg, _ := s.run(func(s *Sim) {
			s.Do(tc.steps...)
			batched(s, &batches)
		})
		if o != failedRun || !strings.Contains(msg, tc.want) {
			t.Errorf("script %q: %v %q; want a failure containing %q", tc.steps, o, msg, tc.want)
		}
	}
}

// TestFuzzBytesFindABug: choices drawn from bytes reach every split of
// the batches, so a property that holds for some splits only is broken by
// some input.
func TestFuzzBytesFindABug(t *testing.T) {
	found := 0
	for i := range 256 {
		data := []byte{byte(i), byte(i >> 2), byte(i >> 4), byte(i * 7), byte(i * 13), byte(i * 31)}
		fail := fuzzOne(data, func(s *Sim) {
			var batches [][]int
			batched(s, &batches)
			s.Assert(len(batches) == 1, "the items arrived in %d batches: %v", len(batches), batches)
		})
		if fail != nil {
			found++
			if r := replay(fail.Choices, func(s *Sim) {
				var batches [][]int
				batched(s, &batches)
				s.Assert(len(batches) == 1, "split")
			}, false); r == nil || !slices.Equal(r.Choices, fail.Choices) {
				t.Fatalf("the failing choices %v do not replay: %v", fail.Choices, r)
			}
		}
	}
	if found == 0 {
		t.Error("no input split the batch")
	}
}
