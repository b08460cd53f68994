// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
)

// FlattenUnordered emits every item of every slice, and its output is
// unordered: an order-sensitive operator after it is refused at its line.
func TestFlattenUnordered(t *testing.T) {
	type proc struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[proc](f)
	xs := hydro.FlattenUnordered(hydro.SourceIter(p, [][]int{{1, 2}, {}, {3}}))
	out := hydro.NewOutput(xs)
	r := hydro.MustLocal(f)
	r.RunAvailable()
	got := out.Drain(r)
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("FlattenUnordered gave %v; want 1, 2 and 3", got)
	}

	f = hydro.NewFlow()
	p = hydro.NewProcess[proc](f)
	xs = hydro.FlattenUnordered(hydro.SourceIter(p, [][]int{{1, 2}}))
	_, _, line, _ := runtime.Caller(0)
	hydro.First(xs)
	err := f.Compile()
	if want := "flatten_test.go:" + strconv.Itoa(line+1); !errors.Is(err, hydro.ErrInvalid) || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile() of First after FlattenUnordered = %v; want an error at %s", err, want)
	}
}
