// SPDX-License-Identifier: Apache-2.0

package latticetest_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/lattice"
	"github.com/hydro-go/hydro/lattice/latticetest"
)

// recorder is a testing.TB that records failures instead of failing the test.
type recorder struct {
	testing.TB // nil: calling any method but Helper and Errorf panics
	errs       []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// lastWriter is broken: Merge keeps the argument, which is not commutative.
type lastWriter struct{ V int }

func (l lastWriter) Merge(o lastWriter) (lastWriter, bool) { return o, o != l }
func (l lastWriter) LessEq(o lastWriter) bool              { return l.V <= o.V }
func (l lastWriter) Clone() lastWriter                     { return l }

// alwaysChanged is broken: Merge claims a change even when there is none.
type alwaysChanged struct{ V int }

func (a alwaysChanged) Merge(o alwaysChanged) (alwaysChanged, bool) {
	return alwaysChanged{max(a.V, o.V)}, true
}
func (a alwaysChanged) LessEq(o alwaysChanged) bool { return a.V <= o.V }
func (a alwaysChanged) Clone() alwaysChanged        { return a }

// reversed is broken: LessEq is the opposite of the order Merge uses.
type reversed struct{ V int }

func (r reversed) Merge(o reversed) (reversed, bool) { return reversed{max(r.V, o.V)}, o.V > r.V }
func (r reversed) LessEq(o reversed) bool            { return r.V >= o.V }
func (r reversed) Clone() reversed                   { return r }

// average is broken: Merge averages, which is idempotent and commutative but not associative.
type average struct{ V float64 }

func (a average) Merge(o average) (average, bool) { return average{(a.V + o.V) / 2}, o.V != a.V }
func (a average) LessEq(o average) bool           { return a.V == o.V }
func (a average) Clone() average                  { return a }

// set is a map-backed set union whose Merge and Clone can be broken in several ways.
type set struct {
	m            map[int]bool
	shareEmpty   bool // Merge into an empty set returns the argument's map
	shallowClone bool // Clone returns the same map
	mutateArg    bool // Merge also adds the receiver's elements to the argument
}

func (s set) Merge(o set) (set, bool) {
	if s.shareEmpty && len(s.m) == 0 {
		return o, len(o.m) > 0
	}
	if s.m == nil {
		s.m = map[int]bool{}
	}
	changed := false
	for x := range o.m {
		changed = changed || !s.m[x]
		s.m[x] = true
	}
	if s.mutateArg && o.m != nil {
		for x := range s.m {
			o.m[x] = true
		}
	}
	return s, changed
}

func (s set) LessEq(o set) bool {
	for x := range s.m {
		if !o.m[x] {
			return false
		}
	}
	return true
}

func (s set) Clone() set {
	if !s.shallowClone {
		s.m = maps.Clone(s.m)
	}
	return s
}

func (s set) String() string { return fmt.Sprint(slices.Sorted(maps.Keys(s.m))) }

func sets(fill func(*set)) []set {
	var out []set
	for _, xs := range [][]int{nil, {1}, {2}, {1, 2}, {3}} {
		s := set{m: map[int]bool{}}
		fill(&s)
		for _, x := range xs {
			s.m[x] = true
		}
		out = append(out, s)
	}
	return out
}

func TestCheckLawsCatches(t *testing.T) {
	tests := []struct {
		name  string
		check func(testing.TB)
		want  string
	}{
		{"lastWriter", func(t testing.TB) {
			latticetest.CheckLaws(t, []lastWriter{{0}, {1}, {2}})
		}, "(commutativity)"},
		{"alwaysChanged", func(t testing.TB) {
			latticetest.CheckLaws(t, []alwaysChanged{{0}, {1}, {2}})
		}, "changed true; want"},
		{"reversed", func(t testing.TB) {
			latticetest.CheckLaws(t, []reversed{{0}, {1}, {2}})
		}, "want an upper bound"},
		{"average", func(t testing.TB) {
			latticetest.CheckLaws(t, []average{{0}, {1}, {4}})
		}, "(associativity)"},
		{"shareEmpty", func(t testing.TB) {
			latticetest.CheckLaws(t, sets(func(s *set) { s.shareEmpty = true }))
		}, "shares storage with its argument"},
		{"shallowClone", func(t testing.TB) {
			latticetest.CheckLaws(t, sets(func(s *set) { s.shallowClone = true }))
		}, "a Clone or a Merge shares storage with it"},
		{"mutateArg", func(t testing.TB) {
			latticetest.CheckLaws(t, sets(func(s *set) { s.mutateArg = true }))
		}, "changed its argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			tt.check(r)
			if len(r.errs) == 0 {
				t.Fatalf("CheckLaws reported nothing; want a failure containing %q", tt.want)
			}
			if len(r.errs) > 20 {
				t.Errorf("CheckLaws reported %d failures; want at most 20", len(r.errs))
			}
			for _, e := range r.errs {
				if strings.Contains(e, tt.want) {
					return
				}
			}
			t.Errorf("CheckLaws reported:\n%s\nwant a failure containing %q", strings.Join(r.errs, "\n"), tt.want)
		})
	}
}

func TestCheckLawsPasses(t *testing.T) {
	r := &recorder{}
	latticetest.CheckLaws(r, sets(func(*set) {}))
	latticetest.CheckLaws(r, []lattice.MapUnion[int, lattice.SetUnion[int]]{
		{},
		lattice.NewMapUnion(map[int]lattice.SetUnion[int]{1: {}}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[int]{1: lattice.NewSetUnion(1)}),
		lattice.NewMapUnion(map[int]lattice.SetUnion[int]{1: lattice.NewSetUnion(2), 2: lattice.NewSetUnion(2)}),
	})
	latticetest.CheckLaws(r, []lattice.Max[int]{})
	if len(r.errs) > 0 {
		t.Errorf("CheckLaws reported failures for correct lattices:\n%s", strings.Join(r.errs, "\n"))
	}
}
