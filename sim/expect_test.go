// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

func TestExpect(t *testing.T) {
	cases := []struct {
		name  string
		check func(s *sim.Sim)
		fails string // "" if the check passes
	}{
		{"in order", func(s *sim.Sim) { sim.ExpectInOrder(s, "out", []int{1, 2}, []int{1, 2}) }, ""},
		{"out of order", func(s *sim.Sim) { sim.ExpectInOrder(s, "out", []int{2, 1}, []int{1, 2}) }, "want [1 2] in this order"},
		{"unordered", func(s *sim.Sim) { sim.ExpectUnordered(s, "out", []int{2, 1, 2}, []int{2, 2, 1}) }, ""},
		{"unordered missing", func(s *sim.Sim) { sim.ExpectUnordered(s, "out", []int{2, 1}, []int{2, 2, 1}) }, "in any order"},
		{"unordered extra", func(s *sim.Sim) { sim.ExpectUnordered(s, "out", []int{2, 1, 1}, []int{2, 1}) }, "in any order"},
		{"only", func(s *sim.Sim) { sim.ExpectOnly(s, "out", []string{"a", "b"}, "a", "b", "c") }, ""},
		{"not only", func(s *sim.Sim) { sim.ExpectOnly(s, "out", []string{"a", "z"}, "a") }, "z, which is not among [a]"},
		{"no more", func(s *sim.Sim) { sim.ExpectNoMore(s, "out", []int(nil)) }, ""},
		{"more", func(s *sim.Sim) { sim.ExpectNoMore(s, "out", []int{3}) }, "want nothing more"},
	}
	for _, c := range cases {
		_, fail := sim.Search([]uint64{1}, c.check)
		switch {
		case c.fails == "" && fail != nil:
			t.Errorf("%s: failed: %s", c.name, fail.Message)
		case c.fails != "" && (fail == nil || !strings.Contains(fail.Message, c.fails)):
			t.Errorf("%s: failure = %v; want one mentioning %q", c.name, fail, c.fails)
		}
	}
}

// Next steps a flow until an output yields; Collect gathers the rest.
func TestNextAndCollect(t *testing.T) {
	type a struct{}
	type b struct{}
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		pa, pb := hydro.NewProcess[a](f), hydro.NewProcess[b](f)
		in, xs := hydro.NewInput[int](pa)
		out := hydro.NewOutput(hydro.Send(xs, pb))
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		s.Assert(sim.Next(s, r, out) == 1, "first item is not 1")
		sim.ExpectInOrder(s, "the rest", sim.Collect(s, r, out), []int{2, 3})
		sim.ExpectNoMore(s, "after Collect", sim.Collect(s, r, out))
	})
	_, fail := sim.Search([]uint64{1}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		p := hydro.NewProcess[a](f)
		_, xs := hydro.NewInput[int](p)
		out := hydro.NewOutput(xs)
		sim.Next(s, s.Local(f), out)
	})
	if fail == nil || !strings.Contains(fail.Message, "yielded nothing more") {
		t.Errorf("Next on a silent output = %v; want a failure saying it settled", fail)
	}
}
