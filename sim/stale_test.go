// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

// buildSnapshotCounter is Hydro's quickstart counter exactly: increments are
// acknowledged as they arrive and counted at the top level; a read is
// answered from a snapshot of the count, which may lag. The consistent
// version keeps the count in the tick instead: a batch of increments is
// counted and acknowledged in the same tick, and a read sees the count of
// its own tick.
func buildSnapshotCounter(consistent bool) (*hydro.Flow, counter) {
	f := hydro.NewFlow()
	srv := hydro.NewProcess[server](f)
	incIn, incs := hydro.NewInput[int](srv)
	readIn, reads := hydro.NewInput[int](srv)
	tick := hydro.NewTick(srv)
	readBatch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent"))
	c := counter{incs: incIn, reads: readIn}
	if !consistent {
		now := hydro.Snapshot(hydro.Count(incs), tick, hydro.NonDet("a read may see a count that lags"))
		c.acks = hydro.NewOutput(incs)
		c.answers = hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(readBatch, now)))
		return f, c
	}
	batch := hydro.Batch(incs, tick, hydro.NonDet("increments are counted in whichever tick they land"))
	cycle, before := hydro.TickCycleWithInitial(tick, 0)
	after := hydro.MapSingleton(hydro.Zip(before, hydro.Count(batch)), func(p hydro.Pair[int, int]) int { return p.Left + p.Right })
	cycle.Complete(after)
	c.acks = hydro.NewOutput(hydro.AllTicks(batch))
	c.answers = hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(readBatch, after)))
	return f, c
}

func staleReadAfterAck(consistent bool) func(*sim.Sim) { return staleRead(consistent, true) }

// staleRead increments, waits for the acknowledgement and reads: after a
// tick with no input (warmUp), or at once.
func staleRead(consistent, warmUp bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f, c := buildSnapshotCounter(consistent)
		r := s.Local(f, sim.StaleSnapshots())
		if warmUp {
			s.RunAvailable(r) // the server starts: the count is 0
		}
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
}

// The snapshot lag of Hydro's quickstart is found, with the NonDet reason of
// the snapshot that lagged.
func TestQuickstartSnapshotLagFound(t *testing.T) {
	n, fail, _ := sim.Enumerate(10000, staleReadAfterAck(false))
	if fail == nil {
		t.Fatalf("exhaustive search over %d executions found no stale read; want one", n)
	}
	if !strings.Contains(fail.Report, "a read may see a count that lags") || !strings.Contains(fail.Report, "ticks old") {
		t.Errorf("report lacks the snapshot's NonDet reason or its staleness:\n%s", fail.Report)
	}
	t.Logf("found after %d executions:\n%s", n, fail.Report)
}

func TestQuickstartConsistentPassesWithStaleSnapshots(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, staleReadAfterAck(true))
}

// The lag is found without a warm-up tick: the value before any input, 0,
// is among the versions a snapshot may show.
func TestQuickstartSnapshotLagFoundFromInitialValue(t *testing.T) {
	n, fail, _ := sim.Enumerate(10000, staleRead(false, false))
	if fail == nil {
		t.Fatalf("exhaustive search over %d executions found no stale read; want one", n)
	}
	if !strings.Contains(fail.Report, "saw count 0") {
		t.Errorf("report lacks the read of the initial count:\n%s", fail.Report)
	}
	sim.Exhaustive(t, sim.Config{}, staleRead(true, false))
}
