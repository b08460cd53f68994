// SPDX-License-Identifier: Apache-2.0

// Package dfir is a dataflow graph and its single-threaded runtime: operators
// joined by typed ports, compiled once into fused subgraphs and strata, and
// run one tick at a time. It is Hydro's DFIR in Go, programmed by hand or
// produced by the hydro language.
//
// # Usage
//
// Build a graph with the generic operator functions; each returns the typed
// port of its output, so a type mismatch does not compile:
//
//	g := dfir.New()
//	in, words := dfir.SourceInput[string](g)
//	lens := dfir.Map(words, func(w string) int { return len(w) })
//	total := dfir.Fold(lens, func() int { return 0 }, func(acc *int, n int) { *acc += n })
//	out := dfir.SinkOutput(total)
//	if err := g.Compile(); err != nil { ... }
//
// Then the shell (the code that owns sockets, timers and goroutines) drives
// it: push inputs, run a tick, drain outputs.
//
//	in.Push("hello")
//	g.RunTick()
//	fmt.Println(out.Drain(nil)) // [5]
//
// RunAvailable runs ticks while Pending reports work; Tick counts ticks run.
//
// # Ticks and strata
//
// A tick processes what is available at its start to completion. Within a
// tick, operators run in strata: a blocking operator (Fold, Reduce, the
// keyed folds, Sort, Zip, ZipLongest, the lattice folds, PersistMut,
// NextStratum, and the negative input of AntiJoin and Difference) sees all
// of its input for the tick, so it runs in a later stratum than everything
// that feeds it. This makes negation and aggregation well defined
// (stratified). A cycle within a tick runs to a fixpoint: it must not pass
// through a blocking input, and Compile rejects one that does, naming the
// operators. The lattice folds (LatticeFold, LatticeFoldFrom) are the
// exception: their value only grows, so on a cycle they emit as it grows. A
// cycle through DeferTick spans ticks instead and may contain anything.
//
// Stateful operators keep their state for the tick (PerTick, the default) or
// across ticks (Static), DFIR's 'tick and 'static. A Static aggregation emits
// its accumulated value every tick; a Static join emits every tick all the
// matches among everything it has received.
//
// # Subgraphs and handoffs
//
// Compile cuts the graph where data must wait: at stratum boundaries, on one
// edge of every cycle, and at DeferTick. Each cut is a handoff, a pair of
// reusable slices; everything between cuts is fused into a subgraph whose
// operators call each other directly on batches of up to 1,024 items. A
// chain of Maps over one type rewrites each batch in place. Nothing on the
// path of an item starts a goroutine, sends on a channel or allocates per
// item. Mermaid and DOT draw the result; Stats counts subgraph runs and
// handoff traffic.
//
// Operators may rewrite the batches they receive and must not keep them:
// what an operator stores, it copies. Tee gives every consumer but the last
// its own copy.
//
// # Determinism
//
// The runtime starts no goroutine and reads no clock, socket or global
// random source. Given the same graph and the same inputs pushed before the
// same ticks, it produces the same outputs in the same order: keyed
// operators emit keys in the order they first arrived, never in map order.
// Everything non-deterministic (when a tick runs, what it contains) is
// decided by the shell, which is what lets a simulator drive the very same
// graph.
//
// # Concurrency
//
// A Graph, its Inputs and Outputs are used by one goroutine at a time: a
// shell that drives it from several (a deployed node runs each tick on the
// goroutine that read the frames) holds a lock around each use. The
// functions given to operators are called on the goroutine that runs
// RunTick.
package dfir
