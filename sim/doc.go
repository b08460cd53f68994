// SPDX-License-Identifier: Apache-2.0

// Package sim tests a flow against every choice its NonDet operators allow:
// the same program, all its locations in one process, each non-deterministic
// choice (which node ticks next, which message arrives next, where a batch
// ends) taken from a seed or enumerated.
//
// # Usage
//
// A simulator test is an ordinary Go test. The scenario builds the flow,
// starts it with s.Local (a hydro.Local whose choices the Sim makes), drives
// it like any Local, and checks what it sees with s.Assert:
//
//	func TestReadAfterAck(t *testing.T) {
//		sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
//			f, c := buildCounter()
//			r := s.Local(f)
//			c.incs.Push(r, 1)
//			for len(c.acks.Drain(r)) == 0 {
//				s.Assert(r.Step(), "the increment was never acknowledged")
//			}
//			c.reads.Push(r, 100)
//			r.RunAvailable()
//			got := c.answers.Drain(r)
//			s.Assert(got[0].Right == 1, "read saw count %d; want 1", got[0].Right)
//		})
//	}
//
// Exhaustive runs the scenario once per sequence of choices (depth first,
// with a bound); Random runs it with many seeds. Search, Enumerate and
// Replay do the same without failing a test, for tests that expect a bug to
// be found.
//
// A failing execution prints its message, every choice it made with the
// NonDet reason the programmer wrote at that operator, and the trace of
// steps: ticks, deliveries (channel and size), batch sizes, snapshot
// staleness, and what each output yielded in each tick. It replays exactly: Random's seed
// with HYDRO_SIM_SEED=<seed>, Exhaustive's choices with
// HYDRO_SIM_CHOICES=<c0,c1,...>. Random saves failing seeds under
// testdata/sim-failures and runs them first from then on.
//
// # What is chosen
//
// Under a Sim, a Local runs one step at a time: a tick at one node with work,
// or the delivery of the oldest message between two nodes (channels keep
// their order). Each Batch lets in as many of the items it holds as the Sim
// says, possibly none, but for at most two ticks in a row, so every
// execution ends. A Batch of an ordered stream lets in its oldest items (a
// prefix); one of an unordered stream any of them, in the order they
// arrived among themselves: of 1, 2, 3 it may take {1, 3} and leave 2 for
// a later tick, and the trace says "batch at f.go:12 holding 3 takes
// {1, 3}". Past the first seven items, the rest enter or stay together, so
// that one batch offers at most 256 alternatives.
//
// Items pushed into an input together (one Push), or waiting together on a
// Go channel source, may arrive over several ticks: before each tick the
// Sim chooses how many of those pending enter it, at least one, oldest
// first ("input at f.go:9: 1 of 3 arrive"). sim.WholeArrivals keeps them
// in one tick, as items sent in one message arrive. A flow without NonDet operators has exactly one execution:
// its outputs do not depend on the schedule, so nothing is chosen. With
// sim.StaleSnapshots, each Snapshot also shows a version the Sim picks
// among those of the last two ticks, never going back in time: the lag of
// Hydro's quickstart counter. The value before any input is among them
// until a newer one has been shown (each node then runs a tick before any
// input reaches it, "start Server" in the trace), so a read that misses the
// increments sent just before it is found without a warm-up tick.
//
// AssumeOrdered sees each tick's items in an order the Sim chooses, item by
// item for the first four places ("order at f.go:7: 2, 1, 3" in the
// trace; a script takes it with "choose K", the K-th of the items left),
// the rest in arrival order: a program that relies on which input of a
// Merge, or which sender, comes first is caught. Deployed, AssumeOrdered
// keeps the arrival order. Membership events reach AssumeOrdered the same
// way: a cluster's members are ordered per member only, so the order in
// which a node learns of several members is seen only through it.
//
// A flow without NonDet operators keeps its one schedule under faults too:
// the Sim then chooses only whether and where a crash, partition, loss or
// duplication strikes.
//
// A test's own choices, such as which client acts next, go through the
// same Sim: s.Choose, or a Menu of named actions that s.Pick runs one of
// (examples/echo and examples/chat drive their clients so).
//
// # Faults
//
// Faults are off unless a scenario asks for them, as options of s.Local:
// sim.Crashes(n, locations...) lets the Sim crash up to n nodes at any
// step (undelivered messages are lost; the node restarts later with fresh
// state, or with the state it had if sim.Durable names its location; its
// cluster is told it left and joined); sim.Partitions(n) lets it cut the
// network between two nodes up to n times (what crosses the cut is lost
// until it heals); sim.Loss(n) and sim.Duplicates(n) let it lose or repeat
// up to n messages on lossy channels (hydro.SendLossy), the only ones
// whose type allows it. sim.Durable is a promise of the simulator only: a
// deployed node does not persist its state yet.
// Other channels are TCP connections, ordered and exactly-once up to a
// failure, so the Sim never loses, repeats or reorders a message on a
// healthy one.
//
// # Versions side by side
//
// s.Versions runs several builds of one program in one simulation, the
// old and the new version of a rolling upgrade: each is a *hydro.Flow
// built by its own code, and sim.Runs(l, members...) says which process
// or cluster members run the build l belongs to (the others run the first
// build that has their location). Nodes know each other by name whichever
// build they run, and a channel joins the channels of one id: a channel
// named with Named has the same id in every build (from its name and the
// locations it joins), an unnamed one is numbered by its place in its
// flow, as deployed nodes match them, so a build that adds an operator
// keeps talking to the old one only over named channels. Two builds whose
// channel of one id comes from different locations, or carries a type the
// other cannot decode (a field of one name and another type, a toarray
// struct of another length; transport.Compatible), are a flow error that
// names the channel, both versions' operators and the field. In a run, a
// message for a channel the receiver's build lacks is dropped, as a
// deployed node drops it, with a line in the trace, and the trace starts
// with which node runs which version. TestVersionsIncompatibleChangeIsCaught
// renames a field of the orders a shop sends its tills: each build passes
// alone, and every mixed stage fails with the totals an old till computes
// without the quantity.
//
// # Claims
//
// hydro.Commutative and hydro.Idempotent are promises about a Fold's,
// Reduce's, FoldKeyed's or ReduceKeyed's function that Compile cannot
// check. Under the Sim they are tested on the items an aggregation sees and
// the states it reaches (per key, and within a tick for an aggregation at a
// tick): each window of four consecutive items is applied in every other
// order from the state before it, windows overlapping by one item, and each
// item is applied twice to the state it met, all on copies that leave the
// aggregation's state alone.
// A difference ends the execution as failed with a ClaimError naming the
// operator's file:line, the items and both results ("ReduceKeyed at
// f.go:12 is claimed Commutative, but order changes its result: 1 then 2
// gives 2; 2 then 1 gives 1"); the Failure carries it as Claim. Results that
// hold functions are not compared. The growth claims that Threshold relies
// on are tested too: an aggregation claimed hydro.Monotone must not see its
// value fall after an item, and a MapSingleton claimed
// hydro.OrderPreserving must not give a smaller result for a larger
// argument (values compared with <, where their kind has it). A deployment
// and a plain Local trust the claims and run each function once per item.
//
// # Partial-order reduction
//
// Exhaustive and Enumerate explore one order of the steps that commute:
// steps at different nodes, none of them a fault (Godefroid's sleep sets;
// see por.go). An order they skip reaches a state another execution
// reached, so every outcome is still seen.
//
// They also hash the state before every step (every node's operator
// state, inputs and undrained outputs, every message in flight, the
// faults left, the clock) and stop an execution that reaches a state
// explored before, within the same run of steps of the scenario (see
// states.go): a shard that took its key a tick late, or a front that
// received two reports in one tick rather than two, is where another
// execution already was. A state explored with a sleep set that is not
// within the current one is explored again (Godefroid's condition), so the
// two reductions together still see every outcome. A flow whose state the
// engine cannot see (ForEach, Inspect, a Go channel source, an external
// port, RoundRobin) is explored without state hashing.
//
// Measured on the S2 scenario (BenchmarkExhaustive and
// TestStateHashingShrinksSearch: a front routing one key to each shard,
// each shard batching what arrives, counting, and reporting back), 2 vCPU
// shared with other jobs, Go 1.26, 2026-12-06; executions started (those
// that run to their end in parentheses):
//
//	shards  neither                 sleep sets         sleep sets and state hashing
//	2       29,188 (6.0 s)          230 (144), 0.26 s  50 (4), 0.11 s
//	3       more than 200,000       8,868 (5,184), 9 s 396 (18), 0.7 s
//	5       more than 200,000       more than 200,000  29,209 (600), 41 s
//
// The executions that remain at 5 shards are mostly the orders in which
// the front receives the shards' reports, which its output keeps: they
// are different states. Config.NoReduction turns both reductions off,
// Config.NoStateHashing the state hashing only.
//
// NB: steps commute for the flow's own state. Functions of two nodes that
// share state in the test's process (two ForEach appending to one slice)
// see one order of the two only; a deployment promises no order there
// either.
//
// # Other ways to search
//
// Fuzz hands the choices to Go's fuzzer: each input's bytes are an
// execution's choices, and `go test -fuzz FuzzX` steers towards runs that
// reach new code; a failing input stays under testdata/fuzz and replays
// under a plain go test. Script runs one execution whose every choice the
// test takes itself with s.Do ("tick Leader", "deliver Leader → Worker/0",
// "crash Worker/1", "batch 2", "batch 1,3", "arrive 1", "snapshot 1"): a choice the script does not
// make, or a step that does not fit it, fails the test naming both.
//
// # Reports
//
// A flow that does not compile fails the test with its own error: no seed
// is saved, since no choice is to blame. When Exhaustive reaches
// MaxExecutions, it names the choice points that branch most (each batch
// and snapshot with its NonDet reason, the kinds of step the scheduler
// chose among). s.Assume(cond) discards executions that break a
// precondition of the scenario; the drivers report how many, and fail when
// they discarded every one.
//
// # Checking
//
// Next steps the flow until an output yields its next item; Collect runs
// it until it settles and returns the rest; ExpectInOrder, ExpectUnordered,
// ExpectOnly and ExpectNoMore check what came. s.Assert and s.Fatalf end an
// execution as failed. s.Invariant registers a
// check that s.RunAvailable runs after every step; s.Eventually checks a
// property once the run settles. History records client operations on a
// key-value store with their logical call and return times, and CheckKV
// checks them for linearizability (with porcupine).
//
// # Rewrites
//
// Equivalent checks that a rewrite of a flow (hydro.Decouple,
// hydro.PartitionProcess) keeps its meaning. The scenario takes a bool,
// builds the original flow or the rewritten one, drives it on the same
// inputs, and records its outputs with Observe; Equivalent finds every
// outcome of the original, then fails at the first execution of the
// rewrite whose outputs are none of them, compared as sequences where the
// original's output is ordered and as multisets where it is not. The report
// shows both outputs, the rewrite's choices and trace. RandomEquivalent
// does the same over seeds, for flows whose outputs do not depend on their
// choices.
//
// # Determinism
//
// An execution is a function of the flow, the scenario's inputs and the
// choices: no goroutine, clock or global random source takes part, so a seed
// or a choice list replays it exactly.
package sim
