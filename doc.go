// SPDX-License-Identifier: Apache-2.0

// Package hydro is a language for distributed programs: one ordinary Go
// program describes where every piece of data lives and how it flows, and
// each location compiles to a fast single-threaded dataflow graph (package
// dfir).
//
// # Live collections
//
// A program is built from live collections: values that change over time as
// data arrives. A Stream is a sequence of items; a KeyedStream groups items
// by key; a Singleton is one value (a count, a maximum); an Optional is at
// most one; a KeyedSingleton is one value per key. Operators build new
// collections from old ones:
//
//	lengths := hydro.Map(words, func(w string) int { return len(w) })
//	total := hydro.Fold(lengths, func() int { return 0 }, func(acc *int, n int) { *acc += n })
//
// Nothing runs while the program is built. Each operator call adds a node to
// the Flow, remembering the caller's file and line; Flow.Compile checks the
// whole flow and reports every problem at once, each at the line that
// caused it, with a hint.
//
// Besides its element type, each collection knows whether it is bounded
// (complete: a finite source, or one tick's batch), ordered (its order is
// deterministic) and exactly-once (no item repeats because of a retry).
// Operators that depend on order or on exactly-once delivery (ForEach,
// Enumerate, Scan, First, Last, Collect, Fold with an ordinary function)
// are refused on collections without them; Fold and Reduce accept an
// unordered stream when told the function is Commutative (and, on an
// at-least-once stream, Idempotent). The simulator tests these claims on the
// items it sees. A value known to only grow (a Count, a Fold claimed
// Monotone) can be compared with a bound without a NonDet: Threshold.
//
// # Locations
//
// Every collection lives at a location, which is part of its Go type:
// Stream[T, *Process[Leader]] and Stream[T, *Process[Worker]] are different
// types, so joining them does not compile. A process is named by an empty
// tag type:
//
//	type Leader struct{}
//	f := hydro.NewFlow()
//	leader := hydro.NewProcess[Leader](f)
//	words := hydro.SourceIter(leader, []string{"a", "bb"})
//
// # Ticks
//
// At a location's top level, collections grow without end: a Fold there is
// the fold of everything so far. To act on a consistent slice of data (to
// answer a request with the current count, to find what is new), batch a
// stream into a Tick, a logical clock domain inside the location. A tick's
// collections are bounded: each tick sees one batch, aggregations over it
// restart every tick, and blocking operators (Sort, IsEmpty, AntiJoin's
// keys) are allowed. A Tick is itself a location, so tick collections are
// distinct types: Batch and Snapshot lead into a tick, AllTicks and Latest
// lead back out. DeferTick and TickCycle carry data from one tick to the
// next; ForwardRef uses a collection before it is defined (a cycle). An
// atomic region of a tick (BeginAtomic, EndAtomic, SnapshotAtomic) releases
// what it computes only with the state it read, so that a read after an
// acknowledgement sees the acknowledged write.
//
// # Non-determinism
//
// Some results depend on timing: where a batch ends, how fresh a snapshot
// is, when a timer fires. Every operator that exposes such a choice takes a
// NonDet reason, written by the programmer to say why the program is correct
// whatever the choice:
//
//	batch := hydro.Batch(requests, tick, hydro.NonDet("each request is answered on its own"))
//
// The reasons mark every place where runs may differ. The graph itself never
// decides: the shell that runs it does (the arrival of data in a deployment,
// a seeded choice in a simulator), so a test can explore the choices.
//
// # Clusters and networking
//
// A Cluster is a set of identical members, each running the same part of the
// flow; how many there are is decided when the flow is deployed. Members
// are named by typed ids (MemberID[Worker]); a member knows its own
// (SelfID) and any location can watch a cluster's membership (Members).
// Data moves between locations only through networking operators: Send
// (process to process), Gather (cluster to process, keyed by sender), Demux
// (to the member a key names), Broadcast and RoundRobin (NonDet: they depend
// on membership). Each lowers to a channel that carries, after every tick,
// one batch of CBOR values per destination: TCP, ordered and exactly-once up
// to a failure. SendLossy offers a channel typed unordered and at-least-once,
// which the simulator may make lose and repeat messages. External clients reach a
// process through ports (SourceExternal, SinkExternal, BidiExternal) with a
// codec: lines, length-prefixed bytes or CBOR values.
//
// # Modularity
//
// A piece of flow is an ordinary Go function, generic over the locations it
// touches, and is reused by calling it; see Example_component.
//
// # Running
//
// This package is the language alone: it builds and checks flows, and runs
// a whole flow in the calling goroutine. The shells that run a flow live
// beside it: package deploy makes one binary the deployer and every node of
// a fleet (deploy.Main), package sim explores a flow's choices and faults.
//
//	func main() { deploy.Main(Build) }   // go run . -cluster Worker=4
//
// NewLocal runs a whole flow in the calling goroutine on a virtual clock,
// for tests and examples: push into inputs made with NewInput, run ticks,
// drain outputs made with NewOutput. Under package sim the same Local runs
// step by step, every non-deterministic choice taken by the simulator, with
// crashes and partitions if asked. Mermaid, DOT and JSON draw the flow.
//
// A flow runs until it is stopped, unless Flow.Finite declares that it
// finishes: then Local.Finish runs it until no location has work and no
// message is in flight, and a localhost fleet stops by itself, with
// status 0, once every node is idle and every message sent was received.
//
// # Generators, keyed and optional operators
//
// Each states what it needs of its input and what its result guarantees:
//
//   - Generator and ScanWhile (a state machine that may end the stream)
//     need a totally ordered, exactly-once stream and keep its guarantees.
//   - GeneratorKeyed, ScanKeyed and EnumerateKeyed run per key: they need
//     per-key order and exactly-once, and keep them. FoldEarlyStop gives a
//     keyed singleton whose values, once there, never change.
//   - ValueCounts needs exactly-once only; ReduceWatermark needs what
//     ReduceKeyed does and forgets keys up to a watermark.
//   - SortValues (bounded input) orders each key; ChainKeyed keeps per-key
//     order if both inputs have it; MergeKeyed and DropKeyPrefix give an
//     unordered result; PrefixKey, CrossSingletonKeyed, Lookup and
//     RepeatWithKeys keep each key's order (their singleton or keyed
//     singleton must be bounded).
//   - The keyed singleton operators (MapKeyedSingleton, FilterKeyNotIn,
//     IntoKeyedStream, KeyCount, IntoMap, Get, GetMaxKey) work on what
//     it holds; those that read it whole need it bounded.
//   - MergeOrdered (NonDet) needs two ordered streams and gives an ordered
//     one. None, OptionalFirstTick, DeferTickOptional, DeferTickSingleton,
//     LatestOptional and Persist carry optionals and streams across ticks.
//
// # Determinism
//
// Building and compiling a flow start no goroutine and read no clock: the
// same program compiles to the same graphs. Given the same inputs pushed
// before the same ticks, a Local run produces the same outputs.
package hydro
