// SPDX-License-Identifier: Apache-2.0

package lattice_test

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/hydro-go/hydro/lattice"
	"github.com/hydro-go/hydro/lattice/latticetest"
)

// Property tests. rapid prints the seed of a failure and replays it with -rapid.seed; it keeps
// failing cases in testdata/rapid, which are replayed first on every run.

// recorder is a testing.TB that records failures, so that a rapid property can report them.
type recorder struct {
	testing.TB // nil: CheckLaws calls only Helper and Errorf
	errs       []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// lawsHold draws a few values from gen and checks the lattice laws on them.
func lawsHold[L lattice.Lattice[L]](gen *rapid.Generator[L]) func(*rapid.T) {
	return func(t *rapid.T) {
		samples := rapid.SliceOfN(gen, 1, 4).Draw(t, "samples")
		r := &recorder{}
		latticetest.CheckLaws(r, samples)
		if len(r.errs) > 0 {
			t.Fatalf("%s", strings.Join(r.errs, "\n"))
		}
	}
}

// Generators draw from small domains, so that samples often share elements and keys.

func genSet() *rapid.Generator[lattice.SetUnion[int]] {
	return rapid.Custom(func(t *rapid.T) lattice.SetUnion[int] {
		return set(rapid.SliceOfN(rapid.IntRange(0, 5), 0, 4).Draw(t, "elems")...)
	})
}

func genCounters() *rapid.Generator[lattice.MapUnion[uint8, lattice.Max[int]]] {
	return rapid.Custom(func(t *rapid.T) lattice.MapUnion[uint8, lattice.Max[int]] {
		m := rapid.MapOfN(rapid.Uint8Range(0, 4), rapid.IntRange(-2, 2), 0, 4).Draw(t, "counters")
		var out lattice.MapUnion[uint8, lattice.Max[int]]
		for k, v := range m {
			out.Insert(k, mx(v))
		}
		return out
	})
}

func genMapOfSets() *rapid.Generator[lattice.MapUnion[uint8, lattice.SetUnion[int]]] {
	return rapid.Custom(func(t *rapid.T) lattice.MapUnion[uint8, lattice.SetUnion[int]] {
		keys := rapid.SliceOfN(rapid.Uint8Range(0, 3), 0, 3).Draw(t, "keys")
		var out lattice.MapUnion[uint8, lattice.SetUnion[int]]
		for _, k := range keys {
			out.Insert(k, genSet().Draw(t, "set"))
		}
		return out
	})
}

func genDomPair() *rapid.Generator[lattice.DomPair[lattice.Max[int8], lattice.SetUnion[int]]] {
	return rapid.Custom(func(t *rapid.T) lattice.DomPair[lattice.Max[int8], lattice.SetUnion[int]] {
		return lattice.NewDomPair(lattice.NewMax(rapid.Int8Range(0, 3).Draw(t, "key")), genSet().Draw(t, "val"))
	})
}

func genConflict() *rapid.Generator[lattice.WithBot[lattice.Conflict[int]]] {
	return rapid.Custom(func(t *rapid.T) lattice.WithBot[lattice.Conflict[int]] {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			return lattice.Bot[lattice.Conflict[int]]()
		case 1:
			return lattice.NewWithBot(lattice.Conflicted[int]())
		}
		return lattice.NewWithBot(lattice.NewConflict(rapid.IntRange(0, 2).Draw(t, "v")))
	})
}

func genWithTop() *rapid.Generator[lattice.WithTop[lattice.SetUnion[int]]] {
	return rapid.Custom(func(t *rapid.T) lattice.WithTop[lattice.SetUnion[int]] {
		if rapid.IntRange(0, 4).Draw(t, "top") == 0 {
			return lattice.Top[lattice.SetUnion[int]]()
		}
		return lattice.NewWithTop(genSet().Draw(t, "set"))
	})
}

func TestPropertyLaws(t *testing.T) {
	t.Run("SetUnion", rapid.MakeCheck(lawsHold(genSet())))
	t.Run("MapUnion", rapid.MakeCheck(lawsHold(genCounters())))
	t.Run("MapUnionOfSets", rapid.MakeCheck(lawsHold(genMapOfSets())))
	t.Run("DomPair", rapid.MakeCheck(lawsHold(genDomPair())))
	t.Run("Pair", rapid.MakeCheck(lawsHold(rapid.Custom(func(t *rapid.T) lattice.Pair[lattice.SetUnion[int], lattice.WithBot[lattice.Conflict[int]]] {
		return lattice.NewPair(genSet().Draw(t, "first"), genConflict().Draw(t, "second"))
	}))))
	t.Run("WithBotConflict", rapid.MakeCheck(lawsHold(genConflict())))
	t.Run("WithTop", rapid.MakeCheck(lawsHold(genWithTop())))
}

// TestPropertyOrderInsensitive checks what replicas rely on: folding the same deltas in any
// order and in any batching gives the same state, equal to a plain model.
func TestPropertyOrderInsensitive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		deltas := rapid.SliceOfN(genMapOfSets(), 0, 8).Draw(t, "deltas")
		model := map[uint8]map[int]bool{}
		for _, d := range deltas {
			for k, s := range d.All() {
				if model[k] == nil {
					model[k] = map[int]bool{}
				}
				for x := range s.All() {
					model[k][x] = true
				}
			}
		}

		var inOrder lattice.MapUnion[uint8, lattice.SetUnion[int]]
		for _, d := range deltas {
			lattice.Merge(&inOrder, d)
		}

		// Another order, in batches that are merged together before they reach the state.
		perm := rapid.Permutation(deltas).Draw(t, "order")
		var batched, batch lattice.MapUnion[uint8, lattice.SetUnion[int]]
		for _, d := range perm {
			lattice.Merge(&batch, d)
			if rapid.Bool().Draw(t, "flush") {
				lattice.Merge(&batched, batch)
				batch = lattice.MapUnion[uint8, lattice.SetUnion[int]]{}
			}
		}
		lattice.Merge(&batched, batch)

		if !lattice.Equal(inOrder, batched) || fmt.Sprint(inOrder) != fmt.Sprint(batched) {
			t.Fatalf("folding in order gave %v; another order and batching gave %v", inOrder, batched)
		}
		if inOrder.Len() != len(model) {
			t.Fatalf("fold = %v; want the keys of %v", inOrder, model)
		}
		for k, want := range model {
			got, ok := inOrder.Get(k)
			if !ok || got.Len() != len(want) {
				t.Fatalf("fold[%d] = %v; want %v", k, got, want)
			}
			for x := range want {
				if !got.Has(x) {
					t.Fatalf("fold[%d] = %v; want %v", k, got, want)
				}
			}
		}
		for i, d := range deltas {
			if !d.LessEq(inOrder) {
				t.Fatalf("delta %d = %v is not LessEq the fold %v", i, d, inOrder)
			}
		}
	})
}
