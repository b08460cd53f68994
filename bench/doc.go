// SPDX-License-Identifier: Apache-2.0

// Package bench is the suite that measures the project against hand-written
// Go: benchmarks B1 to B10 of the table in bench/README.md, which gives every
// benchmark's workload, baseline, peer and goal, and says which are still
// planned. B1 to B5 compute each workload by a dfir graph, by the hydro
// language (B1, B4's join), by a baseline (the plain Go a programmer would
// write: loops, slices, maps) and, for B1 and B2, by a goroutine-per-stage
// channel pipeline (the go-streams shape). B6 (a one-way stream) and B7
// (request and echo) run two hydro nodes over loopback TCP against a bufio
// TCP baseline; their NATS peer lives in the separate module bench/peers,
// so that the library's go.mod stays clean, and both share the workloads
// and checks of bench/internal/netbench. B8 (a Paxos log, f = 1, under 100
// closed-loop clients) runs std/paxos under hydro.Local against etcd raft
// in bench/peers, both stepped by netbench.Closed; B8 as a fleet of OS
// processes is the command bench/b8fleet. B9 (two-phase commit, a
// coordinator and 3 participants, 1, 100 and 600 closed-loop clients) runs
// std/twopc under hydro.Local against the same protocol written by hand,
// both stepped by netbench.Closed. B10 (a lattice key-value store of 2
// shards under Zipf keys) runs the store as a flow under hydro.Local
// against sharded Go maps merging the same way. The package holds nothing but
// its tests.
//
// # Usage
//
//	bench/ratios.sh                                   # 6 rounds, the ratio table
//	BENCH_FILTER=B4 BENCH_COUNT=10 bench/ratios.sh    # one benchmark, more rounds
//	go test -run '^$' -bench . -benchtime 1x ./bench/ # smoke run, as CI does
//	go test ./bench/                                  # every implementation once, small sizes
//	bench/innerloop.sh                                # L1: edit wordcount, rerun its simulator test
//	LOOP_PKG=./examples/counter bench/innerloop.sh    # the same for counter
//
// Every benchmark is named Benchmark<Bn>/<workload>/impl=<impl>, the
// workload as key=value pairs (op=join,keys=zipf,n=100000) so that benchstat
// groups it. The implementations are:
//
//	dfir                the graph, compiled once, driven tick by tick
//	dfir_iter           B1, B2: rebuilt before every iteration (untimed) so
//	                    that SourceIter, which emits in tick 0 only, reads the
//	                    data in place instead of an Input copying it
//	baseline            the hand-written Go the goal is set against
//	baseline_stagewise  B1: dfir's own strategy by hand, each function over a
//	                    block of 1,024 before the next
//	baseline_buildprobe B4 join: one map built from the left, probed by the
//	                    right: the cheaper join of a system that knows the left
//	                    side is complete, a bound rather than a peer
//	pipeline            B1, B2: a goroutine per stage, one item per send on
//	                    channels buffered to 1,024
//	pipeline_batched    B1: the same with 1,024 items per send
//	hydro               B1, B4 join: the language over the same work; B6,
//	                    B7: two deployed nodes (deploy.RunNode) over TCP
//	hydro_cpaxos        B8: compartmentalized Paxos (2 proxy leaders, 2×2 grid)
//	hydro_dead1         B8: std/paxos with one acceptor of three dead
//	nats                B6, B7 (bench/peers): an embedded NATS server
//	raft, raft_wire     B8 (bench/peers): etcd raft, messages as pointers or
//	                    marshalled
//
// # Reading the ratios
//
// Our machines have 2 noisy cores, so the goals are ratios measured in one
// run. ratios.sh runs the suite in rounds (go test -count 1, several times)
// and pairs the i-th run of each implementation with the i-th run of the
// others, which ran next to it; it prints for every workload the median of
// the paired ratios and their min–max, then the median cost of every
// implementation. A ratio is:
//
//	dfir/baseline    dfir's time over the baseline's: 1.20 means 20% slower,
//	                 0.80 means dfir is faster; the goals are upper bounds
//	dfir_*/baseline  the same for a dfir variant
//	pipeline/dfir    how many times faster dfir is than the pipeline
//
// A wide min–max means the machine was busy; rerun with more rounds rather
// than trust the median of a noisy run. BENCHSTAT=1 also prints benchstat's
// summary of the raw output. NB: pipeline/dfir depends on the load more than
// any other ratio: a pipeline spreads its stages over both cores and dfir
// runs on one, so the pipelines look two to three times slower on a busy
// machine than on an idle one. Quote it from an idle machine.
//
// # What is timed
//
// Everything an implementation does per iteration is timed, and the same
// way for all of them:
//
//   - Each iteration checks its result against the expected answer,
//     computed once outside the timed loop, and fails the benchmark on a
//     mismatch. Checks are linear and identical across implementations
//     (slices.Equal, an order-free digest, or a counting sink), so they
//     pull ratios slightly towards 1, by a few percent at most.
//   - User code is func values in every implementation: the 20 +1 maps of
//     B1, the predicates of B3, the sinks of B2 and the cross join. The
//     baselines take them as parameters of //go:noinline functions, so no
//     implementation gets to inline what dfir cannot.
//   - dfir graphs are built and compiled once, outside the loop, and every
//     iteration pushes its data through Inputs, runs a tick and drains an
//     Output: the steady state of a long-running graph. NB: Input.PushAll
//     copies the data, and Output.Drain copies it out again; both copies
//     are timed, as a shell feeding and draining a graph pays them. The
//     dfir_iter variants show the cost without the Input copy: in B1 it is
//     about 5% of the tick, within the noise of B2. Building
//     every iteration is the other option; graph construction and Compile
//     cost tens of microseconds per graph, which would be noise at B1's
//     size but not at B5's, so the suite keeps the build out of the
//     timing everywhere.
//   - Baselines reuse their slices and maps across iterations (maps with
//     clear), as dfir reuses its buffers and tables across ticks.
//   - Two checked runs precede the timed loop, so that buffers, maps and
//     dfir's double-buffered handoffs have reached the size they keep:
//     allocs/op is what every iteration allocates. dfir's goal of no
//     allocation per element shows as 0 allocs/op.
//
// # The workloads
//
// B1 chain: 1M ints through 20 maps of +1, the result materialised.
//
// B2 fan: 20 sources of 50k and of 1M ints into one Union and a sink
// (fan-in); 1M ints through a Tee to 20 sinks (fan-out). Sinks count and sum.
//
// B3 forkjoin: 100k ints through 20 levels of Partition by bit i then Union;
// a diamond over 20k lines of 8 words: FlatMap splits, a Tee forks into
// "hash of the long words" and "length of every word", a Union joins.
//
// B4 relational: Join of 100k × 100k unique keys, and of 100k unique keys
// against 100k Zipf-distributed keys (s = 1.1; Zipf on both sides would make
// the hottest key alone produce over 10^8 matches); the baseline is a
// symmetric hash join with two maps of slices, fed in dfir's order. Unique
// over 1M ints (250k distinct); FoldKeyed summing 1M pairs over 10k keys;
// AntiJoin of 1M pairs against 50k keys; CrossJoin 3000 × 3000 into a sink.
//
// B5 ticks: reachability from node 0 of a random graph of 10k nodes and 40k
// edges, a fixpoint in one tick (a cycle through Join and Unique), against
// BFS with an adjacency map built every iteration, as the Join builds its
// table every tick; Hydro's next_tick benchmark (1,024 items persisted,
// through 11 maps and 10 DeferTicks, one tick per iteration) with and
// without the maps, against slices swapped from stage to stage; and a tick
// with nothing to do, the runtime's fixed cost per tick, which has no
// baseline. ns/tick is reported for all of them.
//
// All data comes from math/rand/v2 PCG sources with fixed seeds.
package bench
