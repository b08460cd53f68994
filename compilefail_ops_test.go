// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"cmp"
	"testing"

	"github.com/hydro-go/hydro"
)

// Misuse of the generators, keyed operators and optional operators, each
// reported at the user's line as the cases of compilefail_test.go are.

type opsLeader struct{}

type opsProc = *hydro.Process[opsLeader]

// opsUnordered is an unordered (bounded, exactly-once) stream at p.
func opsUnordered(p opsProc) hydro.Stream[int, opsProc] {
	return hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})) // line: ops-merged
}

// opsUnorderedKeyed is a keyed stream at p without per-key order.
func opsUnorderedKeyed(p opsProc) hydro.KeyedStream[string, int, opsProc] {
	a := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
	return hydro.MergeKeyed(a, a) // line: ops-merged-keyed
}

// opsRetried is an at-least-once keyed stream at p.
func opsRetried(p opsProc) hydro.KeyedStream[string, int, opsProc] {
	s := hydro.WeakenRetries(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}})) // line: ops-retried
	return hydro.IntoKeyed(s)
}

// opsUnbounded is a keyed singleton at p that keeps changing.
func opsUnbounded(p opsProc) hydro.KeyedSingleton[string, int, opsProc] {
	_, s := hydro.NewInput[hydro.KV[string, int]](p)
	return hydro.FoldKeyed(hydro.IntoKeyed(s), func() int { return 0 }, func(acc *int, v int) { *acc += v }) // line: ops-unbounded
}

func opsZero() int { return 0 }

func opsAdd(acc *int, v int) hydro.Generate[int] { *acc += v; return hydro.Yield(*acc) }

func TestCompileFailGenerators(t *testing.T) {
	runCompileFail(t, []compileFailCase{{
		name: "Generator/unordered",
		build: func(f *hydro.Flow) {
			hydro.Generator(opsUnordered(hydro.NewProcess[opsLeader](f)), opsZero, opsAdd) // line: generator-unordered
		},
		want: []compileFailWant{{at: "generator-unordered", msg: `^Generator needs a totally ordered stream, but merge \(@ops-merged\) is unordered$`, hint: "sort a bounded stream first"}},
	}, {
		name: "ScanWhile/at-least-once",
		build: func(f *hydro.Flow) {
			s := hydro.WeakenRetries(hydro.SourceIter(hydro.NewProcess[opsLeader](f), []int{1})) // line: scanwhile-retried-in
			hydro.ScanWhile(s, opsZero, func(acc *int, v int) (int, bool) { return v, true })    // line: scanwhile-retried
		},
		want: []compileFailWant{{at: "scanwhile-retried", msg: `^ScanWhile needs an exactly-once stream, but weaken_retries \(@scanwhile-retried-in\) may deliver an item more than once$`, hint: "Unique"}},
	}, {
		name: "GeneratorKeyed/unordered",
		build: func(f *hydro.Flow) {
			hydro.GeneratorKeyed(opsUnorderedKeyed(hydro.NewProcess[opsLeader](f)), opsZero, opsAdd) // line: generatorkeyed-unordered
		},
		want: []compileFailWant{{at: "generatorkeyed-unordered", msg: `^GeneratorKeyed needs a stream ordered per key, but merge \(@ops-merged-keyed\) is unordered$`, hint: "order-insensitive"}},
	}, {
		name: "ScanKeyed/unordered",
		build: func(f *hydro.Flow) {
			hydro.ScanKeyed(opsUnorderedKeyed(hydro.NewProcess[opsLeader](f)), opsZero, func(acc *int, v int) (int, bool) { return v, true }) // line: scankeyed-unordered
		},
		want: []compileFailWant{{at: "scankeyed-unordered", msg: `^ScanKeyed needs a stream ordered per key`, hint: "order-insensitive"}},
	}, {
		name: "EnumerateKeyed/at-least-once",
		build: func(f *hydro.Flow) {
			hydro.EnumerateKeyed(opsRetried(hydro.NewProcess[opsLeader](f))) // line: enumeratekeyed-retried
		},
		want: []compileFailWant{{at: "enumeratekeyed-retried", msg: `^EnumerateKeyed needs an exactly-once stream, but into_keyed \(.*\) may deliver`, hint: "Unique"}},
	}, {
		name: "FoldEarlyStop/unordered",
		build: func(f *hydro.Flow) {
			hydro.FoldEarlyStop(opsUnorderedKeyed(hydro.NewProcess[opsLeader](f)), opsZero, func(*int, int) bool { return true }) // line: foldearlystop-unordered
		},
		want: []compileFailWant{{at: "foldearlystop-unordered", msg: `^FoldEarlyStop needs a stream ordered per key`, hint: "order-insensitive"}},
	}, {
		name: "GeneratorKeyed/ordered per key",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.GeneratorKeyed(hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "a", Val: 1}})), opsZero, opsAdd)
		},
	}})
}

func TestCompileFailKeyedOperators(t *testing.T) {
	runCompileFail(t, []compileFailCase{{
		name: "ValueCounts/at-least-once",
		build: func(f *hydro.Flow) {
			hydro.ValueCounts(opsRetried(hydro.NewProcess[opsLeader](f))) // line: valuecounts-retried
		},
		want: []compileFailWant{{at: "valuecounts-retried", msg: `^ValueCounts needs an exactly-once stream`, hint: "Unique"}},
	}, {
		name: "ValueCounts/unordered",
		build: func(f *hydro.Flow) {
			hydro.ValueCounts(opsUnorderedKeyed(hydro.NewProcess[opsLeader](f)))
		},
	}, {
		name: "SortValues/unbounded",
		build: func(f *hydro.Flow) {
			_, s := hydro.NewInput[hydro.KV[string, int]](hydro.NewProcess[opsLeader](f)) // line: sortvalues-in
			hydro.SortValues(hydro.IntoKeyed(s), cmp.Compare[int])                        // line: sortvalues-unbounded
		},
		want: []compileFailWant{{at: "sortvalues-unbounded", msg: `^SortValues needs a bounded collection, but into_keyed \(.*\) is unbounded$`, hint: `Batch`}},
	}, {
		name: "ChainKeyed/unbounded first",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			_, s := hydro.NewInput[hydro.KV[string, int]](p)
			hydro.ChainKeyed(hydro.IntoKeyed(s), hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{}))) // line: chainkeyed-unbounded
		},
		want: []compileFailWant{{at: "chainkeyed-unbounded", msg: `^ChainKeyed's first input needs a bounded collection`, hint: `Batch`}},
	}, {
		name: "CrossSingletonKeyed/unbounded singleton",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			_, s := hydro.NewInput[int](p)
			total := hydro.Fold(s, opsZero, func(acc *int, v int) { *acc += v }) // line: crosskeyed-total
			hydro.CrossSingletonKeyed(opsRetried(p), total)                      // line: crosskeyed-unbounded
		},
		want: []compileFailWant{{at: "crosskeyed-unbounded", msg: `^CrossSingletonKeyed needs a bounded collection, but fold \(@crosskeyed-total\) is unbounded$`, hint: `Batch`}},
	}, {
		name: "Lookup/unbounded keyed singleton",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.Lookup(opsRetried(p), opsUnbounded(p)) // line: lookup-unbounded
		},
		want: []compileFailWant{{at: "lookup-unbounded", msg: `^Lookup's keyed singleton needs a bounded collection, but fold_keyed \(@ops-unbounded\) is unbounded$`, hint: `Batch`}},
	}, {
		name: "RepeatWithKeys/unbounded keys",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.RepeatWithKeys(hydro.SourceIter(p, []int{1}), opsUnbounded(p)) // line: repeat-unbounded
		},
		want: []compileFailWant{{at: "repeat-unbounded", msg: `^RepeatWithKeys's keys needs a bounded collection`, hint: `Batch`}},
	}, {
		name: "Lookup/snapshot in a tick",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			tick := hydro.NewTick(p)
			hydro.Lookup(hydro.BatchKeyed(opsRetried(p), tick, "test"), hydro.SnapshotKeyed(opsUnbounded(p), tick, "test"))
		},
	}})
}

func TestCompileFailKeyedSingletonOperators(t *testing.T) {
	runCompileFail(t, []compileFailCase{{
		name: "IntoKeyedStream/unbounded",
		build: func(f *hydro.Flow) {
			hydro.IntoKeyedStream(opsUnbounded(hydro.NewProcess[opsLeader](f))) // line: intokeyed-unbounded
		},
		want: []compileFailWant{{at: "intokeyed-unbounded", msg: `^IntoKeyedStream needs a bounded collection, but fold_keyed \(@ops-unbounded\) is unbounded$`, hint: `Batch`}},
	}, {
		name: "KeyCount, IntoMap, GetMaxKey/unbounded",
		build: func(f *hydro.Flow) {
			x := opsUnbounded(hydro.NewProcess[opsLeader](f))
			hydro.KeyCount(x)  // line: keycount-unbounded
			hydro.IntoMap(x)   // line: intomap-unbounded
			hydro.GetMaxKey(x) // line: getmaxkey-unbounded
		},
		want: []compileFailWant{
			{at: "keycount-unbounded", msg: `^KeyCount needs a bounded collection`, hint: `Batch`},
			{at: "intomap-unbounded", msg: `^IntoMap needs a bounded collection`, hint: `Batch`},
			{at: "getmaxkey-unbounded", msg: `^GetMaxKey needs a bounded collection`, hint: `Batch`},
		},
	}, {
		name: "Get/unbounded key",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			_, s := hydro.NewInput[string](p)
			last := hydro.Reduce(s, func(acc *string, v string) { *acc = v }).UnwrapOr("") // line: get-key
			x := hydro.FoldKeyed(hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{})), opsZero, func(acc *int, v int) { *acc += v })
			hydro.Get(x, last) // line: get-unbounded
		},
		want: []compileFailWant{{at: "get-unbounded", msg: `^Get's key needs a bounded collection, but unwrap_or \(@get-key\) is unbounded$`, hint: `Batch`}},
	}, {
		name: "FilterKeyNotIn/unbounded keys",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			_, keys := hydro.NewInput[string](p)
			hydro.FilterKeyNotIn(opsUnbounded(p), keys) // line: filterkeynotin-unbounded
		},
		want: []compileFailWant{{at: "filterkeynotin-unbounded", msg: `^FilterKeyNotIn's keys needs a bounded collection`, hint: `Batch`}},
	}})
}

func TestCompileFailMergeOrdered(t *testing.T) {
	runCompileFail(t, []compileFailCase{{
		name: "MergeOrdered/unordered input",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.MergeOrdered(hydro.SourceIter(p, []int{1}), opsUnordered(p), "test") // line: mergeordered-unordered
		},
		want: []compileFailWant{{at: "mergeordered-unordered", msg: `^MergeOrdered needs a totally ordered stream, but merge \(@ops-merged\) is unordered$`, hint: `use Merge`}},
	}, {
		name: "MergeOrdered/no NonDet",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.MergeOrdered(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2}), "") // line: mergeordered-nondet
		},
		want: []compileFailWant{{at: "mergeordered-nondet", msg: `^merge_ordered is non-deterministic and needs a NonDet reason$`, hint: `hydro\.NonDet`}},
	}, {
		name: "MergeOrdered/ordered inputs",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			hydro.ForEach(hydro.MergeOrdered(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2}), "test"), func(int) {})
		},
	}})
}

func TestCompileFailReduceWatermark(t *testing.T) {
	runCompileFail(t, []compileFailCase{{
		name: "ReduceWatermark/unordered without Commutative",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			a := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 1, Val: 1}}))
			s := hydro.MergeKeyed(a, a)                                                      // line: watermark-merged
			hydro.ReduceWatermark(s, hydro.None[int](p), func(acc *int, v int) { *acc = v }) // line: watermark-unordered
		},
		want: []compileFailWant{{at: "watermark-unordered", msg: `^ReduceWatermark of an unordered stream \(merge at @watermark-merged\) needs a commutative function$`, hint: `hydro\.Commutative`}},
	}, {
		name: "ReduceWatermark/unordered with Commutative",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[opsLeader](f)
			a := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 1, Val: 1}}))
			hydro.ReduceWatermark(hydro.MergeKeyed(a, a), hydro.None[int](p), func(acc *int, v int) { *acc += v }, hydro.Commutative)
		},
	}})
}
