// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// B4 relational: a symmetric hash join of two relations of n pairs (unique
// keys on both sides; unique keys against Zipf-distributed keys), Unique,
// a group-by fold, an anti-join and a cross join. The baselines use Go maps
// and loops and reuse their maps across iterations with clear, as dfir
// reuses its tables across ticks.

func BenchmarkB4Relational(b *testing.B) {
	runCases(b, relationalCases(relSizes{
		join: 100_000, unique: 1_000_000, fold: 1_000_000, foldKeys: 10_000, anti: 1_000_000, cross: 3000,
	}))
}

type relSizes struct {
	join           int // pairs on each side of the join
	unique         int // items into Unique (a quarter of them distinct at most)
	fold, foldKeys int // pairs into FoldKeyed, and their distinct keys
	anti           int // positive pairs into AntiJoin
	cross          int // items on each side of CrossJoin
}

func relationalCases(s relSizes) []bcase {
	return []bcase{
		joinCase(s.join, false),
		joinCase(s.join, true),
		uniqueCase(s.unique),
		foldKeyedCase(s.fold, s.foldKeys),
		antiJoinCase(s.anti),
		crossJoinCase(s.cross),
	}
}

type (
	kvInt   = dfir.KV[int, int]
	joinOut = dfir.KV[int, dfir.Pair[int, int]]
)

// joinSides returns the two relations: on the left n unique keys; on the
// right n unique keys too, or n keys drawn from a Zipf distribution over the
// left's keys (s = 1.1: the hottest key is about one item in eight). Each
// right item has exactly one partner, so the join has n matches.
func joinSides(n int, zipf bool) (left, right []kvInt) {
	r := newRand(500)
	left, right = make([]kvInt, n), make([]kvInt, n)
	for i, k := range r.Perm(n) {
		left[i] = kvInt{Key: k, Val: r.IntN(1 << 30)}
	}
	z := rand.NewZipf(r, 1.1, 1, uint64(n-1))
	for i, k := range r.Perm(n) {
		if zipf {
			k = int(z.Uint64())
		}
		right[i] = kvInt{Key: k, Val: r.IntN(1 << 30)}
	}
	return left, right
}

func joinDigest(out []joinOut) digest {
	var d digest
	for _, kv := range out {
		d.add(kv.Key*1_000_003 ^ kv.Val.Left*7 ^ kv.Val.Right<<1)
	}
	return d
}

func joinCase(n int, zipf bool) bcase {
	type sides struct{ l, r []kvInt }
	data := lazy(func() sides { l, r := joinSides(n, zipf); return sides{l, r} })
	want := lazy(func() digest {
		var j hashJoin
		d := data()
		return joinDigest(j.buildProbe(d.l, d.r))
	})
	keys := "unique"
	if zipf {
		keys = "zipf"
	}
	return bcase{
		name:  fmt.Sprintf("op=join,keys=%s,n=%d", keys, n),
		elems: 2 * n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				g := dfir.New()
				lin, l := dfir.SourceInput[kvInt](g)
				rin, r := dfir.SourceInput[kvInt](g)
				out := dfir.SinkOutput(dfir.Join(l, r))
				mustCompile(g)
				res := make([]joinOut, 0, n)
				return iteration{run: func() error {
					lin.PushAll(d.l)
					rin.PushAll(d.r)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkDigest(joinDigest(res), w)
				}}
			}},
			hydroJoin(func() ([]kvInt, []kvInt) { d := data(); return d.l, d.r }, want, n),
			{"baseline", func() iteration {
				d, w := data(), want()
				var j hashJoin
				return iteration{run: func() error {
					return checkDigest(joinDigest(j.symmetric(d.l, d.r)), w)
				}}
			}},
			{"baseline_buildprobe", func() iteration {
				d, w := data(), want()
				var j hashJoin
				return iteration{run: func() error {
					return checkDigest(joinDigest(j.buildProbe(d.l, d.r)), w)
				}}
			}},
		},
	}
}

// hashJoin holds the maps of the join baselines. A key's values are a slice
// (a multiset join); clearing the maps keeps their buckets but not those
// slices, which are allocated again every iteration.
type hashJoin struct {
	l, r map[int][]int
	out  []joinOut
}

// symmetric is the baseline: a symmetric hash join with two maps of
// slices, each item inserted into its side's map and probing the other's,
// in the order dfir sees them (the left input, then the right).
//
//go:noinline
func (j *hashJoin) symmetric(left, right []kvInt) []joinOut {
	if j.l == nil {
		j.l, j.r = make(map[int][]int), make(map[int][]int)
	}
	clear(j.l)
	clear(j.r)
	j.out = j.out[:0]
	for _, kv := range left {
		j.l[kv.Key] = append(j.l[kv.Key], kv.Val)
		for _, rv := range j.r[kv.Key] {
			j.out = append(j.out, joinOut{Key: kv.Key, Val: dfir.Pair[int, int]{Left: kv.Val, Right: rv}})
		}
	}
	for _, kv := range right {
		j.r[kv.Key] = append(j.r[kv.Key], kv.Val)
		for _, lv := range j.l[kv.Key] {
			j.out = append(j.out, joinOut{Key: kv.Key, Val: dfir.Pair[int, int]{Left: lv, Right: kv.Val}})
		}
	}
	return j.out
}

// buildProbe is the cheaper join a batch system runs when it knows the left
// input is complete: one map, built from the left and probed by the right.
//
//go:noinline
func (j *hashJoin) buildProbe(left, right []kvInt) []joinOut {
	if j.l == nil {
		j.l = make(map[int][]int)
	}
	clear(j.l)
	j.out = j.out[:0]
	for _, kv := range left {
		j.l[kv.Key] = append(j.l[kv.Key], kv.Val)
	}
	for _, kv := range right {
		for _, lv := range j.l[kv.Key] {
			j.out = append(j.out, joinOut{Key: kv.Key, Val: dfir.Pair[int, int]{Left: lv, Right: kv.Val}})
		}
	}
	return j.out
}

func uniqueCase(n int) bcase {
	data := lazy(func() []int { return randInts(n, max(n/4, 1), 600) })
	want := lazy(func() []int {
		var u uniq
		return append([]int(nil), u.run(data())...)
	})
	return bcase{
		name:  fmt.Sprintf("op=unique,n=%d", n),
		elems: n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				g := dfir.New()
				in, p := dfir.SourceInput[int](g)
				out := dfir.SinkOutput(dfir.Unique(p))
				mustCompile(g)
				res := make([]int, 0, len(w))
				return iteration{run: func() error {
					in.PushAll(d)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkEqual(res, w)
				}}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				var u uniq
				return iteration{run: func() error { return checkEqual(u.run(d), w) }}
			}},
		},
	}
}

type uniq struct {
	seen map[int]struct{}
	out  []int
}

//go:noinline
func (u *uniq) run(data []int) []int {
	if u.seen == nil {
		u.seen = make(map[int]struct{})
	}
	clear(u.seen)
	u.out = u.out[:0]
	for _, x := range data {
		if _, dup := u.seen[x]; !dup {
			u.seen[x] = struct{}{}
			u.out = append(u.out, x)
		}
	}
	return u.out
}

// foldInit and foldAdd are the user functions of the group-by: a sum.
var (
	foldInit = func() int { return 0 }
	foldAdd  = func(acc *int, v int) { *acc += v }
)

func foldKeyedCase(n, keys int) bcase {
	data := lazy(func() []kvInt {
		r := newRand(700)
		d := make([]kvInt, n)
		for i := range d {
			d[i] = kvInt{Key: r.IntN(keys), Val: r.IntN(1000)}
		}
		return d
	})
	want := lazy(func() []kvInt {
		var gb groupBy
		return append([]kvInt(nil), gb.run(data())...)
	})
	return bcase{
		name:  fmt.Sprintf("op=fold_keyed,keys=%d,n=%d", keys, n),
		elems: n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				g := dfir.New()
				in, p := dfir.SourceInput[kvInt](g)
				out := dfir.SinkOutput(dfir.FoldKeyed(p, foldInit, foldAdd))
				mustCompile(g)
				res := make([]kvInt, 0, len(w))
				return iteration{run: func() error {
					in.PushAll(d)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkEqual(res, w)
				}}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				var gb groupBy
				return iteration{run: func() error { return checkEqual(gb.run(d), w) }}
			}},
		},
	}
}

// groupBy is the baseline fold: a map from key to the index of its
// accumulator, the accumulators in order of first arrival (the order dfir
// emits keys in, so the results compare exactly).
type groupBy struct {
	index map[int]int
	out   []kvInt
}

//go:noinline
func (gb *groupBy) run(data []kvInt) []kvInt {
	if gb.index == nil {
		gb.index = make(map[int]int)
	}
	clear(gb.index)
	gb.out = gb.out[:0]
	for _, kv := range data {
		i, ok := gb.index[kv.Key]
		if !ok {
			i = len(gb.out)
			gb.index[kv.Key] = i
			gb.out = append(gb.out, kvInt{Key: kv.Key, Val: foldInit()})
		}
		foldAdd(&gb.out[i].Val, kv.Val)
	}
	return gb.out
}

func antiJoinCase(n int) bcase {
	keyRange := max(n/10, 1)
	type sides struct {
		pos []kvInt
		neg []int
	}
	data := lazy(func() sides {
		r := newRand(800)
		pos := make([]kvInt, n)
		for i := range pos {
			pos[i] = kvInt{Key: r.IntN(keyRange), Val: i}
		}
		neg := make([]int, keyRange/2)
		for i := range neg {
			neg[i] = r.IntN(keyRange)
		}
		return sides{pos, neg}
	})
	want := lazy(func() []kvInt {
		var a antiJoin
		d := data()
		return append([]kvInt(nil), a.run(d.pos, d.neg)...)
	})
	return bcase{
		name:  fmt.Sprintf("op=anti_join,n=%d,neg=%d", n, keyRange/2),
		elems: n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				g := dfir.New()
				pin, pos := dfir.SourceInput[kvInt](g)
				nin, neg := dfir.SourceInput[int](g)
				out := dfir.SinkOutput(dfir.AntiJoin(pos, neg))
				mustCompile(g)
				res := make([]kvInt, 0, len(w))
				return iteration{run: func() error {
					pin.PushAll(d.pos)
					nin.PushAll(d.neg)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkEqual(res, w)
				}}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				var a antiJoin
				return iteration{run: func() error { return checkEqual(a.run(d.pos, d.neg), w) }}
			}},
		},
	}
}

type antiJoin struct {
	negs map[int]struct{}
	out  []kvInt
}

//go:noinline
func (a *antiJoin) run(pos []kvInt, neg []int) []kvInt {
	if a.negs == nil {
		a.negs = make(map[int]struct{})
	}
	clear(a.negs)
	a.out = a.out[:0]
	for _, k := range neg {
		a.negs[k] = struct{}{}
	}
	for _, kv := range pos {
		if _, no := a.negs[kv.Key]; !no {
			a.out = append(a.out, kv)
		}
	}
	return a.out
}

// pairSink is the cross join's sink: it counts the pairs and sums a
// position-dependent value of each, so a missing or repeated pair shows.
type pairSink struct{ n, sum int }

func (s *pairSink) fn() func(dfir.Pair[int, int]) {
	return func(p dfir.Pair[int, int]) { s.n++; s.sum += p.Left*4099 + p.Right }
}

func crossJoinCase(n int) bcase {
	type sides struct{ l, r []int }
	data := lazy(func() sides { return sides{randInts(n, 4096, 900), randInts(n, 4096, 901)} })
	want := lazy(func() pairSink {
		d := data()
		return pairSink{n: n * n, sum: sumInts(d.l)*4099*n + sumInts(d.r)*n}
	})
	return bcase{
		name:  fmt.Sprintf("op=cross_join,n=%dx%d", n, n),
		elems: n * n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				var s pairSink
				g := dfir.New()
				lin, l := dfir.SourceInput[int](g)
				rin, r := dfir.SourceInput[int](g)
				dfir.ForEach(dfir.CrossJoin(l, r), s.fn())
				mustCompile(g)
				return iteration{run: func() error {
					lin.PushAll(d.l)
					rin.PushAll(d.r)
					s = pairSink{}
					g.RunTick()
					return checkPairs(s, w)
				}}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				var s pairSink
				sink := s.fn()
				return iteration{run: func() error {
					s = pairSink{}
					crossLoop(d.l, d.r, sink)
					return checkPairs(s, w)
				}}
			}},
		},
	}
}

func checkPairs(got, want pairSink) error {
	if got != want {
		return fmt.Errorf("sink saw %+v; want %+v", got, want)
	}
	return nil
}

//go:noinline
func crossLoop(left, right []int, sink func(dfir.Pair[int, int])) {
	for _, l := range left {
		for _, r := range right {
			sink(dfir.Pair[int, int]{Left: l, Right: r})
		}
	}
}
