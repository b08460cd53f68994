// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type server struct{}

type counter struct {
	incs, reads *hydro.Input[int]
	acks        *hydro.Output[int]
	answers     *hydro.Output[hydro.Pair[int, int]]
}

// buildCounter is Hydro's quickstart counter service. Increments are
// acknowledged as they arrive; a read is answered with the count of its
// tick. When atomic is false the count takes increments in batches of its
// own, so an acknowledged increment may not be counted yet when a later read
// runs: the bug the quickstart is about. When atomic is true an increment is
// acknowledged only from the batch that counts it.
func buildCounter(atomic bool) (*hydro.Flow, counter) {
	f := hydro.NewFlow()
	srv := hydro.NewProcess[server](f)
	incIn, incs := hydro.NewInput[int](srv)
	readIn, reads := hydro.NewInput[int](srv)
	tick := hydro.NewTick(srv)
	batch := hydro.Batch(incs, tick, hydro.NonDet("increments are counted in whichever tick they land"))
	count := hydro.Count(hydro.AllTicks(batch))
	acks := incs
	if atomic {
		acks = hydro.AllTicks(batch)
	}
	now := hydro.Snapshot(count, tick, hydro.NonDet("a read sees the count of its tick"))
	readBatch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent"))
	return f, counter{
		incs: incIn, reads: readIn,
		acks:    hydro.NewOutput(acks),
		answers: hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(readBatch, now))),
	}
}

// readAfterAck: increment, wait for the acknowledgement, then read: the read
// must see the increment.
func readAfterAck(atomic bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f, c := buildCounter(atomic)
		r := s.Local(f)
		c.incs.Push(r, 1)
		for len(c.acks.Drain(r)) == 0 {
			s.Assert(r.Step(), "the increment was never acknowledged")
		}
		c.reads.Push(r, 100)
		r.RunAvailable()
		got := c.answers.Drain(r)
		s.Assert(len(got) == 1, "read answered %d times; want once", len(got))
		s.Assert(got[0].Right == 1, "read after an acknowledged increment saw count %d; want 1", got[0].Right)
	}
}

func TestQuickstartBugFound(t *testing.T) {
	n, fail, _ := sim.Enumerate(10000, readAfterAck(false))
	if fail == nil {
		t.Fatalf("exhaustive search over %d executions found no stale read; want one", n)
	}
	if !strings.Contains(fail.Report, "saw count 0") || !strings.Contains(fail.Report, "increments are counted in whichever tick they land") {
		t.Errorf("failure report lacks the stale read or the NonDet reason:\n%s", fail.Report)
	}
	// The printed choices replay the same failure.
	again := sim.Replay(fail.Choices, readAfterAck(false))
	if again == nil || again.Message != fail.Message {
		t.Errorf("Replay(%v) = %v; want the same failure %q", fail.Choices, again, fail.Message)
	}
	t.Logf("found after %d executions:\n%s", n, fail.Report)
}

func TestQuickstartAtomicPasses(t *testing.T) {
	n := sim.Exhaustive(t, sim.Config{}, readAfterAck(true))
	if n < 2 {
		t.Errorf("Exhaustive ran %d executions; want the batch choices explored", n)
	}
	sim.Random(t, sim.Config{Runs: 200}, readAfterAck(true))
}

// A flow without NonDet operators has exactly one execution.
func TestDeterministicFlowHasOneExecution(t *testing.T) {
	type a struct{}
	type b struct{}
	n := sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f := hydro.NewFlow()
		pa, pb := hydro.NewProcess[a](f), hydro.NewProcess[b](f)
		in, xs := hydro.NewInput[int](pa)
		out := hydro.NewOutput(hydro.Send(hydro.Map(xs, func(x int) int { return x * x }), pb))
		r := s.Local(f)
		in.Push(r, 1, 2, 3)
		r.RunAvailable()
		got := out.Drain(r)
		s.Assert(len(got) == 3 && got[2] == 9, "Send(Map) = %v; want [1 4 9]", got)
	})
	if n != 1 {
		t.Errorf("Exhaustive ran %d executions of a deterministic flow; want 1", n)
	}
}

// The same seed makes the same choices.
func TestRandomReplaysFromSeed(t *testing.T) {
	var traces [2]string
	for i := range traces {
		_, fail := sim.Search([]uint64{7}, func(s *sim.Sim) {
			f, c := buildCounter(false)
			r := s.Local(f)
			c.incs.Push(r, 1, 2, 3)
			c.reads.Push(r, 9)
			r.RunAvailable()
			s.Fatalf("trace: %s", strings.Join(r.Trace(), "; "))
		})
		traces[i] = fail.Message
	}
	if traces[0] != traces[1] {
		t.Errorf("seed 7 ran differently twice:\n%s\n%s", traces[0], traces[1])
	}
}
