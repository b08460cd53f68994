// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"math/rand/v2"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

type pcmd = dfir.Persistence[int]

func put(v int) pcmd { return pcmd{Val: v} }
func del(v int) pcmd { return pcmd{Val: v, Delete: true} }

// persistMutModel applies each tick's commands to a slice and returns its
// contents after every tick.
func persistMutModel(ticks [][]pcmd) [][]int {
	var held []int
	out := make([][]int, len(ticks))
	for i, cmds := range ticks {
		for _, c := range cmds {
			if !c.Delete {
				held = append(held, c.Val)
				continue
			}
			kept := held[:0]
			for _, v := range held {
				if v != c.Val {
					kept = append(kept, v)
				}
			}
			held = kept
		}
		out[i] = append([]int(nil), held...)
	}
	return out
}

func TestPersistMut(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var churn [][]pcmd
	for range 6 {
		var cmds []pcmd
		for range 1500 {
			if v := rng.IntN(400); rng.IntN(3) == 0 {
				cmds = append(cmds, del(v))
			} else {
				cmds = append(cmds, put(v))
			}
		}
		churn = append(churn, cmds)
	}
	for _, tc := range []struct {
		name  string
		ticks [][]pcmd
		want  [][]int // nil: ask the model
	}{
		// DFIR's examples.
		{"delete one", [][]pcmd{{put(1), put(2), del(1)}}, [][]int{{2}}},
		{"in order", [][]pcmd{{put(1), del(1), put(1)}}, [][]int{{1}}},
		{"replayed every tick", [][]pcmd{{put(1), put(2)}, {}, {put(1)}, {del(1)}, {}},
			[][]int{{1, 2}, {1, 2}, {1, 2, 1}, {2}, {2}}},
		{"delete absent", [][]pcmd{{del(5)}, {put(5), del(6)}}, [][]int{nil, {5}}},
		// Deletes leave holes; compaction must keep the order.
		{"churn", churn, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := persistMutModel(tc.ticks)
			if tc.want != nil {
				checkTicks(t, "persistMutModel", tc.ticks, want, tc.want)
			}
			g := dfir.New()
			in, p := dfir.SourceInput[pcmd](g)
			out := dfir.SinkOutput(dfir.PersistMut(p))
			checkTicks(t, "PersistMut", tc.ticks, stepTicks(g, in, out, tc.ticks), want)
		})
	}
}

type kcmd = dfir.PersistenceKeyed[string, int]

func TestPersistMutKeyed(t *testing.T) {
	type skv = dfir.KV[string, int]
	p := func(k string, v int) kcmd { return kcmd{Key: k, Val: v} }
	d := func(k string) kcmd { return kcmd{Key: k, Delete: true} }
	for _, tc := range []struct {
		name  string
		ticks [][]kcmd
		want  [][]skv
	}{
		// DFIR's example.
		{"delete key", [][]kcmd{{p("0", 1), p("1", 1), d("1")}}, [][]skv{{{"0", 1}}}},
		{"every value of a key", [][]kcmd{{p("a", 1), p("b", 2), p("a", 3)}, {d("a")}, {p("a", 4)}},
			[][]skv{{{"a", 1}, {"b", 2}, {"a", 3}}, {{"b", 2}}, {{"b", 2}, {"a", 4}}}},
		{"in order", [][]kcmd{{p("a", 1), d("a"), p("a", 2)}}, [][]skv{{{"a", 2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dfir.New()
			in, port := dfir.SourceInput[kcmd](g)
			out := dfir.SinkOutput(dfir.PersistMutKeyed(port))
			checkTicks(t, "PersistMutKeyed", tc.ticks, stepTicks(g, in, out, tc.ticks), tc.want)
		})
	}
}

// The input is blocking: commands produced in the tick, by an upstream
// operator, all apply before the contents are emitted.
func TestPersistMutBlocking(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	cmds := dfir.FlatMap(p, func(v int) []pcmd { return []pcmd{put(v), put(v + 1), del(v)} })
	out := dfir.SinkOutput(dfir.PersistMut(cmds))
	got := stepTicks(g, in, out, [][]int{{1, 10}, {}})
	checkTicks(t, "PersistMut(FlatMap)", "", got, [][]int{{2, 11}, {2, 11}})
}

func TestPersistMutAllocs(t *testing.T) {
	var cmds []pcmd
	for i := range 2000 {
		cmds = append(cmds, put(i%300), del((i+150)%300))
	}
	g := dfir.New()
	in, p := dfir.SourceInput[pcmd](g)
	dfir.Null(dfir.PersistMut(p))
	kin, kp := dfir.SourceInput[kcmd](g)
	dfir.Null(dfir.PersistMutKeyed(kp))
	kcmds := []kcmd{{Key: "a", Val: 1}, {Key: "b", Val: 2}, {Key: "a", Delete: true}}
	if a := allocsPerTick(t, g, func() { in.PushAll(cmds); kin.PushAll(kcmds) }); a > 0 {
		t.Errorf("PersistMut: %v allocations per tick; want 0", a)
	}
}
