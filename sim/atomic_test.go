// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

// buildAtomicCounter is the quickstart counter with an atomic region: an
// increment is counted in the region and acknowledged out of it, and a read
// sees the region's count through SnapshotAtomic.
func buildAtomicCounter() (*hydro.Flow, counter) {
	f := hydro.NewFlow()
	srv := hydro.NewProcess[server](f)
	incIn, incs := hydro.NewInput[int](srv)
	readIn, reads := hydro.NewInput[int](srv)
	tick := hydro.NewTick(srv)
	processing := hydro.BeginAtomic(incs, tick)
	count := hydro.Count(processing)
	acks := hydro.EndAtomic(processing)
	now := hydro.SnapshotAtomic(count, tick, hydro.NonDet("a read sees a count at least as new as every acknowledgement"))
	readBatch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent"))
	return f, counter{
		incs: incIn, reads: readIn,
		acks:    hydro.NewOutput(acks),
		answers: hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(readBatch, now))),
	}
}

// What atomic regions prevent: with snapshots that may lag (as Hydro's
// do), the counter that acknowledges from the batch that counted the
// increment, the same-tick trick, still answers a read after the
// acknowledgement with a stale count. The atomic counter never does, in
// any execution.
func TestAtomicRegionPreventsStaleReads(t *testing.T) {
	n, fail, _ := sim.Enumerate(20000, func(s *sim.Sim) {
		f, c := buildCounter(true)
		readAfterAckOn(s, s.Local(f, sim.StaleSnapshots()), c)
	})
	if fail == nil {
		t.Fatalf("%d executions of the same-tick counter under stale snapshots found no stale read; want one", n)
	}
	if !strings.Contains(fail.Message, "saw count 0") {
		t.Errorf("failure %q is not the stale read", fail.Message)
	}
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f, c := buildAtomicCounter()
		readAfterAckOn(s, s.Local(f, sim.StaleSnapshots()), c)
	})
}

// readAfterAckOn increments, waits for the acknowledgement, then reads: the
// read must see the increment.
func readAfterAckOn(s *sim.Sim, r *hydro.Local, c counter) {
	c.incs.Push(r, 1)
	for len(c.acks.Drain(r)) == 0 {
		s.Assert(r.Step(), "the increment was never acknowledged")
	}
	c.reads.Push(r, 100)
	s.RunAvailable(r)
	got := c.answers.Drain(r)
	s.Assert(len(got) == 1, "read answered %d times; want once", len(got))
	s.Assert(got[0].Right == 1, "read after an acknowledged increment saw count %d; want 1", got[0].Right)
}

// Misuse of atomic regions is refused at the user's line: a snapshot into
// another tick than the region's, and a tick made inside a region. (A
// region's collection used at its location without EndAtomic does not
// compile in Go: it is a Stream[T, *Atomic[L]].)
func TestAtomicMisuseRefused(t *testing.T) {
	type proc struct{}
	for _, tc := range []struct {
		name  string
		build func(p *hydro.Process[proc]) string // returns the line of the misuse
		want  string
	}{
		{"snapshot into another tick", func(p *hydro.Process[proc]) string {
			region := hydro.BeginAtomic(hydro.SourceIter(p, []int{1}), hydro.NewTick(p))
			other := hydro.NewTick(p)
			line := nextLine()
			hydro.SnapshotAtomic(hydro.Count(region), other, hydro.NonDet("any"))
			return line
		}, "SnapshotAtomic into Tick[Process[proc]] made at"},
		{"tick made inside a region", func(p *hydro.Process[proc]) string {
			region := hydro.BeginAtomic(hydro.SourceIter(p, []int{1}), hydro.NewTick(p))
			line := nextLine()
			hydro.NewTick(region.Location())
			return line
		}, "ticks do not nest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := hydro.NewFlow()
			p := hydro.NewProcess[proc](f)
			line := tc.build(p)
			err := f.Compile()
			if !errors.Is(err, hydro.ErrInvalid) || !strings.Contains(err.Error(), line) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compile() = %v; want an error at %s saying %q", err, line, tc.want)
			}
		})
	}
}

// What leaves an atomic region as a singleton is never behind what left it
// as a stream: at the end of every step, the released count is at least
// the number of acknowledgements released, in every execution.
func TestEndAtomicSingletonReleasedWithTheAcks(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		srv := hydro.NewProcess[server](f)
		in, incs := hydro.NewInput[int](srv)
		tick := hydro.NewTick(srv)
		region := hydro.BeginAtomic(incs, tick)
		byKey := hydro.IntoKeyed(hydro.Map(region, func(x int) hydro.KV[int, int] { return hydro.KV[int, int]{Key: x % 2, Val: x} }))
		acks := hydro.NewOutput(hydro.EndAtomicKeyed(byKey).Entries())
		counts := hydro.NewOutput(hydro.Threshold(hydro.EndAtomicSingleton(hydro.Count(region)), 2))
		perKey := hydro.EndAtomicKeyedSingleton(hydro.ValueCounts(byKey))
		keyed := hydro.NewOutput(hydro.ThresholdKeyed(perKey, 1).Entries())
		r := s.Local(f)
		in.Push(r, 2, 3)
		acked, reached, keys := 0, 0, 0
		for r.Step() {
			acked += len(acks.Drain(r))
			reached += len(counts.Drain(r))
			keys += len(keyed.Drain(r))
			s.Assert(acked < 2 || reached == 1, "both increments acknowledged but the released count has not reached 2")
			s.Assert(keys == acked, "%d keys released at 1 with %d acknowledgements; want one per acknowledgement", keys, acked)
		}
		s.Assert(acked == 2 && reached == 1, "%d acknowledgements, threshold reached %d times; want 2 and once", acked, reached)
	})
}
