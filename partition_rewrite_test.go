// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type ptFront struct{}
type ptCounter struct{}

// keyedCounter counts increments per key and answers reads with the count
// of their key at the time (0 for a key never incremented): the keyed
// counter of examples/keyedcounter.
func keyedCounter[L hydro.Location](increments, reads hydro.Stream[string, L]) hydro.Stream[hydro.KV[string, int], L] {
	tick := hydro.NewTick(increments.Location())
	ones := hydro.IntoKeyed(hydro.Map(increments, func(k string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: k, Val: 1} }))
	counts := hydro.FoldKeyed(ones, func() int { return 0 }, func(acc *int, n int) { *acc += n })
	now := hydro.SnapshotKeyed(counts, tick, hydro.NonDet("a read may not see increments of its own tick"))
	batch := hydro.Batch(hydro.WeakenOrder(reads), tick, hydro.NonDet("reads are independent of each other"))
	asKeys := hydro.IntoKeyed(hydro.Map(batch, func(k string) hydro.KV[string, struct{}] { return hydro.KV[string, struct{}]{Key: k} }))
	found := hydro.Join(asKeys, hydro.IntoKeyed(now.Entries()))
	hits := hydro.Map(found.Entries(), func(kv hydro.KV[string, hydro.Pair[struct{}, int]]) hydro.KV[string, int] {
		return hydro.KV[string, int]{Key: kv.Key, Val: kv.Val.Right}
	})
	misses := hydro.Map(hydro.FilterNotIn(batch, now.Keys()), func(k string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: k} })
	return hydro.AllTicks(hydro.Merge(hits, misses))
}

// counterScenario runs the keyed counter on a process of its own, or on
// parts partitions of it (parts > 0): a front sends it increments, then
// reads once the increments are counted, and outputs the answers.
func counterScenario(parts int) func(s *sim.Sim, rewritten bool) {
	return func(s *sim.Sim, rewritten bool) {
		f := hydro.NewFlow()
		front := hydro.NewProcess[ptFront](f)
		counter := hydro.NewProcess[ptCounter](f)
		incIn, incs := hydro.NewInput[string](front)
		readIn, reads := hydro.NewInput[string](front)
		answers := keyedCounter(hydro.Send(incs, counter).Named("increments"), hydro.Send(reads, counter).Named("reads"))
		out := hydro.NewOutput(hydro.Send(answers, front))
		if rewritten {
			self := func(k string) string { return k }
			err := hydro.PartitionProcess(f, counter, parts, hydro.PartitionKey("increments", self), hydro.PartitionKey("reads", self))
			s.Assert(err == nil, "PartitionProcess: %v", err)
		}
		r := s.Local(f)
		incIn.Push(r, "apple", "pear", "apple")
		s.RunAvailable(r)
		readIn.Push(r, "apple", "plum", "pear")
		sim.Observe(s, r, "answers", out)
	}
}

// TestPartitionKeyedCounter: the keyed counter partitioned in 2 and 3
// answers what the original does, in every execution and over thousands
// of seeds.
func TestPartitionKeyedCounter(t *testing.T) {
	for _, parts := range []int{2, 3} {
		t.Run(fmt.Sprintf("parts=%d", parts), func(t *testing.T) {
			n := sim.Equivalent(t, sim.Config{}, counterScenario(parts))
			t.Logf("%d executions of the partitioned counter", n)
			runs := 2000
			if testing.Short() {
				runs = 200
			}
			sim.RandomEquivalent(t, sim.Config{Runs: runs}, counterScenario(parts))
		})
	}
}

// wordCount counts the words of lines per tick of a counter process, which
// receives (word, 1) pairs: a channel of KVs, routed by their Key with no
// PartitionKey. Its output, each tick's partial counts, depends on how the
// words are batched.
func wordCount(parts int) func(s *sim.Sim, rewritten bool) {
	return func(s *sim.Sim, rewritten bool) {
		f := hydro.NewFlow()
		front := hydro.NewProcess[ptFront](f)
		counter := hydro.NewProcess[ptCounter](f)
		in, lines := hydro.NewInput[string](front)
		pairs := hydro.Map(hydro.FlatMap(lines, strings.Fields), func(w string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: w, Val: 1} })
		tick := hydro.NewTick(counter)
		batch := hydro.Batch(hydro.WeakenOrder(hydro.Send(pairs, counter)), tick, hydro.NonDet("partial counts are summed by the reader"))
		counts := hydro.FoldKeyed(hydro.IntoKeyed(batch), func() int { return 0 }, func(acc *int, n int) { *acc += n }, hydro.Commutative)
		out := hydro.NewOutput(hydro.Send(hydro.AllTicks(counts.Entries()), front))
		if rewritten {
			err := hydro.PartitionProcess(f, counter, parts)
			s.Assert(err == nil, "PartitionProcess: %v", err)
		}
		r := s.Local(f)
		in.Push(r, "a b a")
		sim.Observe(s, r, "counts", out)
	}
}

// TestPartitionWordCount: word count partitioned by its words yields only
// partial counts the original can yield.
func TestPartitionWordCount(t *testing.T) {
	n := sim.Equivalent(t, sim.Config{}, wordCount(2))
	t.Logf("%d executions of the partitioned word count", n)
}

// TestPartitionRefuses: what cannot be partitioned is refused, naming the
// operator and the line that made it.
func TestPartitionRefuses(t *testing.T) {
	type build func(f *hydro.Flow, words hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int
	line := func() int { _, _, l, _ := runtime.Caller(1); return l }
	for _, c := range []struct {
		name  string
		build build
		want  string // with %d for the line build returns
	}{
		{"global fold", func(f *hydro.Flow, w hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int {
			l := line() + 1
			hydro.NewOutput(hydro.AllTicks(hydro.Fold(hydro.Batch(hydro.WeakenOrder(w), hydro.NewTick(w.Location()), hydro.NonDet("any")), func() int { return 0 }, func(acc *int, kv hydro.KV[string, int]) { *acc += kv.Val }, hydro.Commutative).IntoStream()))
			return l
		}, "fold (partition_rewrite_test.go:%d) needs every key's data in one place"},
		{"enumerate", func(f *hydro.Flow, w hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int {
			l := line() + 1
			hydro.NewOutput(hydro.WeakenOrder(hydro.Enumerate(w)))
			return l
		}, "enumerate (partition_rewrite_test.go:%d) needs every key's data in one place"},
		{"key replaced", func(f *hydro.Flow, w hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int {
			l := line() + 1
			upper := hydro.Map(w, func(kv hydro.KV[string, int]) hydro.KV[string, int] {
				return hydro.KV[string, int]{Key: strings.ToUpper(kv.Key), Val: kv.Val}
			})
			batch := hydro.Batch(hydro.WeakenOrder(upper), hydro.NewTick(w.Location()), hydro.NonDet("any"))
			hydro.NewOutput(hydro.AllTicks(hydro.ReduceKeyed(hydro.IntoKeyed(batch), func(acc *int, n int) { *acc += n }, hydro.Commutative).Entries()))
			return l
		}, "its key may not be the one its input is routed by: map (partition_rewrite_test.go:%d) computed new items"},
		{"ordered output", func(f *hydro.Flow, w hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int {
			l := line() + 1
			hydro.NewOutput(w)
			return l
		}, "output (partition_rewrite_test.go:%d) yields an ordered stream"},
		{"source", func(f *hydro.Flow, w hydro.Stream[hydro.KV[string, int], *hydro.Process[ptCounter]]) int {
			l := line() + 1
			hydro.NewOutput(hydro.WeakenOrder(hydro.SourceIter(w.Location(), []int{1})))
			return l
		}, "source_iter (partition_rewrite_test.go:%d) is a source"},
	} {
		f := hydro.NewFlow()
		front := hydro.NewProcess[ptFront](f)
		counter := hydro.NewProcess[ptCounter](f)
		_, words := hydro.NewInput[hydro.KV[string, int]](front)
		at := hydro.Send(words, counter)
		hydro.NewOutput(hydro.WeakenOrder(at))
		l := c.build(f, at)
		err := hydro.PartitionProcess(f, counter, 2)
		want := fmt.Sprintf(c.want, l)
		if !errors.Is(err, hydro.ErrRewrite) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: PartitionProcess = %v; want ErrRewrite saying %q", c.name, err, want)
		}
		// Refused, the flow is as it was: it still compiles and runs.
		if err := f.Compile(); err != nil {
			t.Errorf("%s: after the refusal, Compile() = %v", c.name, err)
		}
	}
}
