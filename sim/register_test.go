// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type primary struct{}

type backup struct{}

// buildRegister is a primary-backup register. Writes go to the primary,
// which replicates them to the backup; reads are served by the backup. The
// broken version acknowledges a write as soon as the primary has it; the
// correct one only once the backup confirms it.
func buildRegister(correct bool) (f *hydro.Flow, writes, reads *hydro.Input[int], acks *hydro.Output[int], answers *hydro.Output[hydro.Pair[int, int]], prim *hydro.Process[primary]) {
	f = hydro.NewFlow()
	prim = hydro.NewProcess[primary](f)
	back := hydro.NewProcess[backup](f)
	wIn, ws := hydro.NewInput[int](prim)
	replicated := hydro.Send(ws, back)
	acked := ws
	if correct {
		acked = hydro.Send(replicated, prim)
	}
	stored := hydro.Last(replicated)
	rIn, rs := hydro.NewInput[int](back)
	tick := hydro.NewTick(back)
	value := hydro.SnapshotOptional(stored, tick, hydro.NonDet("a read sees what has arrived by its tick")).UnwrapOr(-1)
	out := hydro.AllTicks(hydro.CrossSingleton(hydro.Batch(rs, tick, hydro.NonDet("reads are independent")), value))
	return f, wIn, rIn, hydro.NewOutput(acked), hydro.NewOutput(out), prim
}

// ackedWriteIsRead: once a write is acknowledged, a read returns it, even if
// the primary crashes.
func ackedWriteIsRead(correct bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f, writes, reads, acks, answers, prim := buildRegister(correct)
		r := s.Local(f, sim.Crashes(1, prim))
		writes.Push(r, 7)
		for len(acks.Drain(r)) == 0 {
			if !r.Step() {
				return // never acknowledged: nothing was promised
			}
		}
		reads.Push(r, 1)
		r.RunAvailable()
		got := answers.Drain(r)
		s.Assert(len(got) == 1 && got[0].Right == 7, "read after an acknowledged write of 7 = %v; want 7", got)
	}
}

func TestBrokenRegisterFoundWithCrashes(t *testing.T) {
	seeds := make([]uint64, 500)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	n, fail := sim.Search(seeds, ackedWriteIsRead(false))
	if fail == nil {
		t.Fatalf("random search over %d seeds found no lost acknowledged write; want one", n)
	}
	t.Logf("seed %d failed after %d runs:\n%s", fail.Seed, n, fail.Report)
	_, again := sim.Search([]uint64{fail.Seed}, ackedWriteIsRead(false))
	if again == nil || again.Report != fail.Report {
		t.Errorf("seed %d did not replay to the same failure", fail.Seed)
	}
}

func TestCorrectRegisterSurvivesCrashes(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 500}, ackedWriteIsRead(true))
	sim.Exhaustive(t, sim.Config{}, ackedWriteIsRead(true))
}

// A partition between primary and backup loses replication: the broken
// register is caught with partitions as the only fault.
func TestBrokenRegisterFoundWithPartitions(t *testing.T) {
	scenario := func(s *sim.Sim) {
		f, writes, reads, acks, answers, _ := buildRegister(false)
		r := s.Local(f, sim.Partitions(1))
		writes.Push(r, 7)
		for len(acks.Drain(r)) == 0 {
			if !r.Step() {
				return
			}
		}
		reads.Push(r, 1)
		s.RunAvailable(r)
		got := answers.Drain(r)
		s.Assert(len(got) == 1 && got[0].Right == 7, "read after an acknowledged write of 7 = %v; want 7", got)
	}
	seeds := make([]uint64, 300)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if _, fail := sim.Search(seeds, scenario); fail == nil {
		t.Fatalf("no lost write found with partitions")
	} else if !strings.Contains(fail.Report, "partition") {
		t.Logf("found without a partition:\n%s", fail.Report)
	}
}

// crashingBackup: the correct register, with crashes of the backup allowed:
// every acknowledged write must still be read.
func crashingBackup(durable bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f := hydro.NewFlow()
		prim := hydro.NewProcess[primary](f)
		back := hydro.NewProcess[backup](f)
		wIn, ws := hydro.NewInput[int](prim)
		replicated := hydro.Send(ws, back)
		acks := hydro.NewOutput(hydro.Send(replicated, prim))
		stored := hydro.Last(replicated)
		rIn, rs := hydro.NewInput[int](back)
		tick := hydro.NewTick(back)
		value := hydro.SnapshotOptional(stored, tick, hydro.NonDet("a read sees what has arrived by its tick")).UnwrapOr(-1)
		answers := hydro.NewOutput(hydro.AllTicks(hydro.CrossSingleton(hydro.Batch(rs, tick, hydro.NonDet("reads are independent")), value)))
		opts := []hydro.LocalOption{sim.Crashes(1, back)}
		if durable {
			opts = append(opts, sim.Durable(back))
		}
		r := s.Local(f, opts...)
		wIn.Push(r, 7)
		for len(acks.Drain(r)) == 0 {
			if !r.Step() {
				return // never acknowledged: nothing was promised
			}
		}
		s.RunAvailable(r) // any crash and restart of the backup happens here
		rIn.Push(r, 1)
		s.RunAvailable(r)
		got := answers.Drain(r)
		s.Assert(len(got) == 1 && got[0].Right == 7, "read after an acknowledged write of 7 = %v; want 7", got)
	}
}

// A backup whose state is durable keeps what it stored across a crash; one
// whose state is not loses it, and the search finds that.
func TestDurableBackupSurvivesCrashes(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 300}, crashingBackup(true))
	seeds := make([]uint64, 300)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if _, fail := sim.Search(seeds, crashingBackup(false)); fail == nil {
		t.Errorf("a backup that forgets on a crash was never caught losing a write")
	}
}
