// SPDX-License-Identifier: Apache-2.0

package semantics_test

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/semantics"
)

// TestPlain runs the corpus in hydro.Local, one tick per case tick, and
// checks what each tick emits, and the property every execution must have.
func TestPlain(t *testing.T) {
	for _, c := range semantics.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			if why := c.Skip(semantics.Plain); why != "" {
				t.Skip(why)
			}
			runPlain(t, c)
		})
	}
}

func runPlain(t *testing.T, c semantics.Case) {
	f := hydro.NewFlow()
	e := semantics.NewEnv(hydro.NewProcess[semantics.Server](f))
	outs := c.Build(e)
	if c.Refused != "" {
		if err := f.Compile(); err == nil {
			t.Fatalf("%s compiled; want an error: %s", c.Name, c.Refused)
		}
		return
	}
	hs := make([]*hydro.Output[string], len(outs))
	for i, o := range outs {
		hs[i] = hydro.NewOutput(o.S)
	}
	r, err := hydro.NewLocal(f)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	got := make([][][]string, len(outs))
	for i := range e.Ticks() {
		e.Push(r, i)
		r.RunTick()
		if c.UntilIdle {
			if n, w := 1+r.RunAvailable(), c.Runs[i]; n != w {
				t.Errorf("%s(%s): case tick %d took %d ticks; want %d", c.Name, e.Inputs(), i, n, w)
			}
		}
		for j, h := range hs {
			got[j] = append(got[j], h.Drain(r))
		}
	}
	for j, o := range outs {
		name := c.Name
		if o.Name != "" {
			name += " " + o.Name
		}
		if err := o.CheckTicks(got[j]); err != nil {
			t.Errorf("%s(%s): %v", name, e.Inputs(), err)
		}
		if err := o.Check().OK(slices.Concat(got[j]...)); err != nil {
			t.Errorf("%s(%s) fails its check for every execution (%s): %v", name, e.Inputs(), o.Check().What, err)
		}
	}
	if err := e.Effects(); err != nil {
		t.Errorf("%s(%s): %v", c.Name, e.Inputs(), err)
	}
}
