// SPDX-License-Identifier: Apache-2.0

package semantics

// Ticks and cycles. Batch and Snapshot lead into a tick, AllTicks and Latest
// lead back out. DeferTick and TickCycle carry data to the next tick;
// ForwardRef closes a cycle, within the tick at a tick (a fixpoint) and
// asynchronously at a location's top level. Singleton and optional
// operators work on the value of each tick.

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
)

func tickCases() []Case {
	cases := []Case{
		{Name: "AllTicks(Batch)", Build: func(e *Env) []Out {
			s := InTick(Input(e, ints(1, 2), ints(), ints(3)), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] { return s })
			return []Out{Ordered(s, ints(1, 2), nil, ints(3))}
		}},
		{Name: "DeferTick", Build: func(e *Env) []Out {
			s := InTick(Input(e, ints(1, 2), ints(3), ints(), ints()), hydro.DeferTick[int, Proc])
			// The last batch waits for a tick that only the plain runner
			// runs without input.
			return []Out{Ordered(s, nil, ints(1, 2), ints(3), nil).Holds(Prefix("1", "2", "3"))}
		}},
		{Name: "Chain(DeferTick(batch), batch*10)", Build: func(e *Env) []Out {
			// The batch and the one before it, side by side.
			s := InTick(Input(e, ints(1, 2), ints(3), ints(), ints()), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
				return hydro.Chain(hydro.DeferTick(s), hydro.Map(s, times(10)))
			})
			return []Out{Ordered(s, ints(10, 20), ints(1, 2, 30), ints(3), nil).Holds(deferredAfter(ints(1, 2, 3)))}
		}},
		{
			// Deferred items wait for the next tick without asking for one
			// (Hydro lowers defer_tick to DFIR's defer_tick_lazy), so the
			// flow is idle with them held, and the next tick, whatever
			// causes it, emits them.
			Name: "DeferTick waits", UntilIdle: true, Runs: ints(1, 1),
			Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(1, 2), ints()), hydro.DeferTick[int, Proc])
				return []Out{Ordered(s, nil, ints(1, 2)).Holds(Prefix("1", "2"))}
			},
		},
		{
			// Every tick sees the value of a top-level singleton as of that
			// tick, including the tick's own input, and sees it even when
			// nothing new arrived.
			Name: "Snapshot(Fold(+))", Build: func(e *Env) []Out {
				s := Watch(hydro.Fold(Input(e, ints(1, 2), ints(), ints(3)), zero, sum))
				return []Out{Ordered(s, ints(3), ints(3), ints(6)).Snapshots("0")}
			},
		},
		{
			// A SingletonOf is the same in every tick, at the top level and
			// in a tick alike.
			Name: "Snapshot(SingletonOf(7))", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				return []Out{Ordered(Watch(hydro.SingletonOf(e.P, 7)), ints(7), ints(7), ints(7)).Snapshots("7")}
			},
		},
		{Name: "SingletonOf(tick, 7)", Build: func(e *Env) []Out {
			s := InTick(Input(e, ints(), ints(), ints()), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
				return hydro.SingletonOf(s.Location(), 7).IntoStream()
			})
			return []Out{Ordered(s, ints(7), ints(7), ints(7)).Snapshots()}
		}},
		{
			// One singleton read through two operators, one of which
			// rewrites its value: the other, and later ticks, still see the
			// original.
			Name: "Zip(MapSingleton(x, x*10), x) of SingletonOf(7)", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				seven := hydro.SingletonOf(e.P, 7)
				s := Watch(hydro.Zip(hydro.MapSingleton(seven, times(10)), seven))
				p := []hydro.Pair[int, int]{Pair(70, 7)}
				return []Out{Ordered(s, p, p, p).Snapshots()}
			},
		},
		{
			// A tick's count of its batch taken out of the tick and read
			// back through a second tick of the same process.
			Name: "Latest(Count(batch))", Build: func(e *Env) []Out {
				in := Input(e, ints(1, 2), ints(), ints(3))
				perTick := hydro.Count(hydro.Batch(in, hydro.NewTick(e.P), ND))
				return []Out{Ordered(Watch(hydro.Latest(perTick)), ints(2), ints(0), ints(1)).Holds(eachIn(Strings(0, 1, 2, 3)...))}
			},
		},
		{
			// At a location's top level a forward reference is
			// asynchronous; what completes it in one tick arrives in a
			// later one.
			Name: "ForwardRef completed with input*10", Build: func(e *Env) []Out {
				in := Input(e, ints(1), ints(), ints(2), ints())
				fw, echo := hydro.ForwardRef[int](e.P)
				fw.Complete(hydro.Map(in, times(10)))
				return []Out{Ordered(echo, nil, ints(10), nil, ints(20))}
			},
		},
		{
			// Every item comes back one less, one tick later, until 0.
			Name: "countdown through a top-level ForwardRef", Build: func(e *Env) []Out {
				return []Out{Unordered(countdown(e, ints(3), ints(), ints(), ints(), ints()), ints(3), ints(2), ints(1), ints(0), nil)}
			},
		},
		{
			// Items on their way through a top-level ForwardRef ask for the
			// ticks that deliver them: run until idle, the countdown runs
			// to its end. Each item is made from the one before, a tick
			// later, so even the unordered stream comes in order.
			Name: "countdown until idle", UntilIdle: true, Runs: ints(4),
			Build: func(e *Env) []Out {
				return []Out{Ordered(countdown(e, ints(3)), ints(3, 2, 1, 0))}
			},
		},
		{
			// Reachability within each tick: the cycle through ForwardRef
			// runs to a fixpoint before the tick ends, and the tick's state
			// is gone in the next tick.
			Name: "reachable in a tick", Build: func(e *Env) []Out {
				roots := [][]int{ints(1), ints(4), ints(4)}
				edges := [][]edge{
					{KV(1, 2), KV(2, 3), KV(3, 1), KV(4, 5)},
					{}, // no edges this tick: last tick's are forgotten
					{KV(4, 5), KV(5, 6)},
				}
				s := InTick2(Input(e, roots...), Input(e, edges...), Reachable[Proc])
				return []Out{Unordered(s, ints(1, 2, 3), ints(4), ints(4, 5, 6)).Holds(reachedSome(slices.Concat(roots...), slices.Concat(edges...)))}
			},
		},
		{
			// A running total carried from tick to tick.
			Name: "TickCycle counter", Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(1, 1), ints(), ints(1), ints(1, 1, 1)), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					fw, prev := hydro.TickCycle[int](s.Location())
					total := hydro.Fold(hydro.Merge(prev, s), zero, sum, hydro.Commutative)
					fw.Complete(total.IntoStream())
					return total.IntoStream()
				})
				return []Out{Ordered(s, ints(2), ints(2), ints(3), ints(6)).Holds(runningTotal(0, 6))}
			},
		},
		{
			// The counter as a tick singleton: the initial value in the
			// first tick, then the previous tick's total.
			Name: "TickCycleWithInitial(100) completed with Fold", Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(1, 1), ints(), ints(1), ints(1, 1, 1)), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					cycle, prev := hydro.TickCycleWithInitial(s.Location(), 100)
					total := hydro.Fold(hydro.Merge(prev.IntoStream(), s), zero, sum, hydro.Commutative)
					cycle.Complete(total)
					return total.IntoStream()
				})
				return []Out{Ordered(s, ints(102), ints(102), ints(103), ints(106)).Holds(runningTotal(100, 106))}
			},
		},
		{
			// A singleton has no order or duplicates to lose, so completing
			// the cycle with any singleton (here one made by Zip) must be
			// accepted.
			Name: "TickCycleWithInitial(100) completed with MapSingleton(Zip)", Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(1, 1), ints(), ints(1), ints(1, 1, 1)), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					cycle, prev := hydro.TickCycleWithInitial(s.Location(), 100)
					total := hydro.MapSingleton(hydro.Zip(prev, hydro.Count(s)), func(p hydro.Pair[int, int]) int { return p.Left + p.Right })
					cycle.Complete(total)
					return total.IntoStream()
				})
				return []Out{Ordered(s, ints(102), ints(102), ints(103), ints(106)).Holds(runningTotal(100, 106))}
			},
		},
		{
			// State in a TickCycle waits for the next tick without asking
			// for one, as Hydro's defer_tick_lazy does; otherwise a flow
			// that carries a counter would never be idle.
			Name: "TickCycle idle", UntilIdle: true, Runs: ints(1, 1),
			Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(5), ints(1)), func(s hydro.Stream[int, Tick]) hydro.Stream[int, Tick] {
					fw, prev := hydro.TickCycle[int](s.Location())
					total := hydro.Fold(hydro.Merge(prev, s), zero, sum, hydro.Commutative)
					fw.Complete(total.IntoStream())
					return total.IntoStream()
				})
				return []Out{Ordered(s, ints(5), ints(6)).Holds(runningTotal(0, 6))}
			},
		},
		{
			// At the top level the singleton operators follow the
			// accumulated value, tick by tick.
			Name: "Zip(MapSingleton(Count, x*10), Max.UnwrapOr(-1))", Build: func(e *Env) []Out {
				in := Input(e, ints(), ints(3, 1), ints(), ints(5))
				s := Watch(hydro.Zip(hydro.MapSingleton(hydro.Count(in), times(10)), hydro.Max(in).UnwrapOr(-1)))
				return []Out{Ordered(s, []hydro.Pair[int, int]{Pair(0, -1)}, []hydro.Pair[int, int]{Pair(20, 3)}, []hydro.Pair[int, int]{Pair(20, 3)}, []hydro.Pair[int, int]{Pair(30, 5)}).Snapshots()}
			},
		},
		{Name: "Max.IsNone", Build: func(e *Env) []Out {
			in := Input(e, ints(), ints(3, 1), ints(), ints(5))
			return []Out{Ordered(Watch(hydro.Max(in).IsNone()), []bool{true}, []bool{false}, []bool{false}, []bool{false}).Snapshots()}
		}},
	}
	return append(cases, singletonOpCases()...)
}

type edge = hydro.KV[int, int]

// countdown merges in with what comes back through a top-level
// ForwardRef: every item one less, one tick later, until 0.
func countdown(e *Env, in ...[]int) hydro.Stream[int, Proc] {
	fw, back := hydro.ForwardRef[int](e.P, hydro.Unordered)
	all := hydro.Merge(Input(e, in...), back)
	fw.Complete(hydro.FilterMap(all, func(x int) (int, bool) { return x - 1, x > 0 }))
	return all
}

// Reachable is the vertices reachable from roots over edges, in one tick.
func Reachable[L hydro.Location](roots hydro.Stream[int, *hydro.Tick[L]], edges hydro.Stream[hydro.KV[int, int], *hydro.Tick[L]]) hydro.Stream[int, *hydro.Tick[L]] {
	fw, reached := hydro.ForwardRef[int](roots.Location(), hydro.Unordered)
	visit := hydro.Map(reached, func(v int) hydro.KV[int, struct{}] { return hydro.KV[int, struct{}]{Key: v} })
	next := hydro.Join(hydro.IntoKeyed(visit), hydro.IntoKeyed(edges)).Values()
	all := hydro.Unique(hydro.Merge(roots, hydro.Map(next, func(p hydro.Pair[struct{}, int]) int { return p.Right })))
	fw.Complete(all)
	return all
}

// singletonOpCases apply the singleton and optional operators to values
// computed from each tick's batch: c is the batch's count, m and lo its
// maximum and minimum (empty for an empty batch). Whatever the batches,
// each item is the operator's value on some stretch of the input: ref
// computes it.
func singletonOpCases() []Case {
	in := [][]int{ints(3, 1), ints(), ints(5, 4)}
	type ops = func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick]
	gt := func(k int) func(int) bool { return func(x int) bool { return x > k } }
	tests := []struct {
		op    string
		build ops
		ref   func(c int, m, lo *int) []any
		want  [][]string
	}{
		{"MapSingleton(c, x*10)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(hydro.MapSingleton(c, times(10)).IntoStream())
		}, func(c int, m, lo *int) []any { return []any{c * 10} }, [][]string{strs("20"), strs("0"), strs("20")}},
		{"MapOptional(m, x+100)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(hydro.MapOptional(m, func(x int) int { return x + 100 }).IntoStream())
		}, func(c int, m, lo *int) []any { return some(m, func(x int) any { return x + 100 }) }, [][]string{strs("103"), nil, strs("105")}},
		{"c.Filter(> 0)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(c.Filter(gt(0)).IntoStream())
		}, func(c int, m, lo *int) []any { return when(c > 0, c) }, [][]string{strs("2"), nil, strs("2")}},
		{"m.Filter(> 4)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(m.Filter(gt(4)).IntoStream())
		}, func(c int, m, lo *int) []any { return when(m != nil && *m > 4, deref(m)) }, [][]string{nil, nil, strs("5")}},
		{"Zip(c, c*10)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(hydro.Zip(c, hydro.MapSingleton(c, times(10))).IntoStream())
		}, func(c int, m, lo *int) []any { return []any{Pair(c, c*10)} }, [][]string{strs("(2, 20)"), strs("(0, 0)"), strs("(2, 20)")}},
		{"ZipOptional(m, lo)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(hydro.ZipOptional(m, lo).IntoStream())
		}, func(c int, m, lo *int) []any { return when(m != nil, Pair(deref(m), deref(lo))) }, [][]string{strs("(3, 1)"), nil, strs("(5, 4)")}},
		{"ZipOptional(m.Filter(> 4), lo)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			// A value without a partner in its tick is dropped, not kept
			// for a later tick.
			return Show(hydro.ZipOptional(m.Filter(gt(4)), lo).IntoStream())
		}, func(c int, m, lo *int) []any { return when(m != nil && *m > 4, Pair(deref(m), deref(lo))) }, [][]string{nil, nil, strs("(5, 4)")}},
		{"m.UnwrapOr(-1)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(m.UnwrapOr(-1).IntoStream())
		}, func(c int, m, lo *int) []any {
			if m == nil {
				return []any{-1}
			}
			return []any{*m}
		}, [][]string{strs("3"), strs("-1"), strs("5")}},
		{"Or(m.Filter(> 4), lo)", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(hydro.Or(m.Filter(gt(4)), lo).IntoStream())
		}, func(c int, m, lo *int) []any {
			if m != nil && *m > 4 {
				return []any{*m}
			}
			return some(lo, func(x int) any { return x })
		}, [][]string{strs("1"), nil, strs("5")}},
		{"m.IsSome", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(m.IsSome().IntoStream())
		}, func(c int, m, lo *int) []any { return []any{m != nil} }, [][]string{strs("true"), strs("false"), strs("true")}},
		{"m.IsNone", func(c hydro.Singleton[int, Tick], m, lo hydro.Optional[int, Tick]) hydro.Stream[string, Tick] {
			return Show(m.IsNone().IntoStream())
		}, func(c int, m, lo *int) []any { return []any{m == nil} }, [][]string{strs("false"), strs("true"), strs("false")}},
	}
	flat := slices.Concat(in...)
	var cases []Case
	for _, tt := range tests {
		// Every value the operator takes on a stretch of the input.
		var vals []string
		for i := 0; i <= len(flat); i++ {
			for j := i; j <= len(flat); j++ {
				seg := flat[i:j]
				var m, lo *int
				if len(seg) > 0 {
					m, lo = new(slices.Max(seg)), new(slices.Min(seg))
				}
				vals = append(vals, Strings(tt.ref(len(seg), m, lo)...)...)
			}
		}
		cases = append(cases, Case{Name: tt.op, Build: func(e *Env) []Out {
			s := InTick(Input(e, in...), func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] {
				return tt.build(hydro.Count(s), hydro.Max(s), hydro.Min(s))
			})
			return []Out{{S: s, Ticks: tt.want, Every: eachIn(vals...)}}
		}})
	}
	return cases
}

func some(p *int, f func(int) any) []any {
	if p == nil {
		return nil
	}
	return []any{f(*p)}
}

func when(ok bool, v any) []any {
	if !ok {
		return nil
	}
	return []any{v}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// eachIn holds when every item is one of vals, any number of times: for an
// output whose items depend on where ticks cut. A deployment checks it at
// the end.
func eachIn(vals ...string) Check {
	return Custom(fmt.Sprintf("every item one of %v", vals), func(all []string) error {
		for _, v := range all {
			if !slices.Contains(vals, v) {
				return fmt.Errorf("emitted %v; %s is none of %v", all, v, vals)
			}
		}
		return nil
	}, nil)
}

// deferredAfter holds for Chain(DeferTick(batch), batch*10) over in,
// whatever the batches: the ten-fold items are in*10 in order, the
// deferred ones a prefix of in, each after its ten-fold twin.
func deferredAfter(in []int) Check {
	return Custom("in*10 in order, and a prefix of in, each item after its ten-fold", func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		var small, big []int
		at := map[int]int{}
		for i, v := range got {
			if v >= 10 {
				big = append(big, v)
				at[v] = i
				continue
			}
			small = append(small, v)
			if j, ok := at[v*10]; !ok || j > i {
				return fmt.Errorf("emitted %v: %d before %d", got, v, v*10)
			}
		}
		if w := Strings(slices.Collect(func(yield func(int) bool) {
			for _, x := range in {
				yield(x * 10)
			}
		})...); !slices.Equal(Strings(big...), w) {
			return fmt.Errorf("emitted %v: ten-folds %v; want %v", got, big, w)
		}
		if len(small) > len(in) || !slices.Equal(small, in[:len(small)]) {
			return fmt.Errorf("emitted %v: deferred %v; want a prefix of %v", got, small, in)
		}
		return nil
	}, nil)
}

// runningTotal holds when the output is a running total from base: never
// falling, never above final, and ending with final.
func runningTotal(base, final int) Check {
	return Custom(fmt.Sprintf("a running total from %d, ending with %d", base, final), func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		last := base
		for _, v := range got {
			if v < last || v > final {
				return fmt.Errorf("emitted %v: %d after %d; want a running total from %d to %d", got, v, last, base, final)
			}
			last = v
		}
		if last != final {
			return fmt.Errorf("emitted %v; want it to end with %d", got, final)
		}
		return nil
	}, func(all []string) bool { return len(all) > 0 && all[len(all)-1] == fmt.Sprint(final) })
}

// reachedSome holds for reachability with roots and edges batched apart:
// every item is a root or an edge's head, and every root is reached.
func reachedSome(roots []int, edges []edge) Check {
	return Custom("roots and edge heads only, every root among them", func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		for _, v := range got {
			if !slices.Contains(roots, v) && !slices.ContainsFunc(edges, func(e edge) bool { return e.Val == v }) {
				return fmt.Errorf("emitted %v: %d is neither a root nor an edge's head", got, v)
			}
		}
		for _, r := range roots {
			if !slices.Contains(got, r) {
				return fmt.Errorf("emitted %v: root %d missing", got, r)
			}
		}
		return nil
	}, func(all []string) bool {
		for _, r := range roots {
			if !slices.Contains(all, fmt.Sprint(r)) {
				return false
			}
		}
		return true
	})
}
