// SPDX-License-Identifier: Apache-2.0

package latticetest_test

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/lattice"
	"github.com/hydro-go/hydro/lattice/latticetest"
)

// printTB prints failures, so that the example can show them. In a test, pass the *testing.T.
type printTB struct{ testing.TB }

func (printTB) Helper() {}

func (printTB) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// A register whose Merge keeps the argument looks plausible, but replicas that receive updates
// in different orders end with different values.
type register struct{ V string }

func (r register) Merge(o register) (register, bool) { return o, o != r }
func (r register) LessEq(o register) bool            { return r.V <= o.V }
func (r register) Clone() register                   { return r }

func ExampleCheckLaws() {
	// A correct lattice passes silently.
	latticetest.CheckLaws(printTB{}, []lattice.MapUnion[string, lattice.Max[int]]{
		{},
		lattice.NewMapUnion(map[string]lattice.Max[int]{"a": {V: 1}}),
		lattice.NewMapUnion(map[string]lattice.Max[int]{"a": {V: 2}, "b": {V: 1}}),
	})

	// A broken one is caught.
	latticetest.CheckLaws(printTB{}, []register{{"x"}, {"y"}})
	// Output:
	// Merge({x}, {y}) = {y}; want {x} = Merge({y}, {x}) (commutativity)
	// Merge({y}, {x}) = {x}; want {y} = Merge({x}, {y}) (commutativity)
	// Merge({y}, {x}) = {x}; want an upper bound, but {y}.LessEq({x}) = false (upper bound)
	// {y}.LessEq({x}) = false; want true, since Merge({y}, {x}) = {x}
}
