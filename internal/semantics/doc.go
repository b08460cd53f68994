// SPDX-License-Identifier: Apache-2.0

// Package semantics is the semantics corpus: small flows on one process,
// each written once as a Case and run unchanged by three runners, as
// promqltest runs one set of scripts against every engine.
//
// # Usage
//
// A case builds its flow on the process of an Env, takes its inputs from
// Input (the items of each case tick), and returns its outputs, each with
// what it must emit at two strengths:
//
//		{Name: "Map(x*10)", Build: func(e *semantics.Env) []semantics.Out {
//			s := hydro.Map(semantics.Input(e, []int{1, 2, 3}, nil, []int{4, 5}), times(10))
//			return []semantics.Out{semantics.Ordered(s, []int{10, 20, 30}, nil, []int{40, 50})}
//		}}
//
//	  - Out.Ticks is what the output emits in each tick when every case tick
//	    is one tick: the plain runner checks it exactly (each tick as a
//	    multiset if Out.Unordered).
//	  - Out.Every is a Check that must hold in every execution, whatever the
//	    batching and delivery, on everything the output emitted, in order. By
//	    default it is the concatenation of Ticks (their multiset if
//	    unordered), right for outputs that do not depend on where ticks cut.
//	    Where they do, a case says what any cut gives: Snapshots for a value
//	    watched every tick, sums that add up (per-tick Fold or Count),
//	    Interleaves, Within, Prefix, or a Custom check of its own.
//
// A case that cannot run under a runner says why in NotUnder, and that
// runner skips it with the reason. A case with Refused set must not
// compile: every runner checks that Compile refuses it. Env.Effect checks
// side effects (Inspect's function) in the runners that share the flow's
// process. UntilIdle cases are about which work asks for a tick: the plain
// runner runs each of their case ticks until idle and checks how many
// ticks that took (Runs).
//
// # Runners
//
//   - Plain (this package's TestPlain): hydro.Local, inputs pushed with
//     hydro.NewInput before each tick, outputs drained after it; checks
//     Ticks, and Every on the same run.
//   - Sim (sim/semantics_test.go): the same flow under sim.Random with many
//     seeds. After each case tick's input the simulator chooses to wait for
//     more input, take one step or run until idle, and it chooses where
//     every Batch cuts. Checks Every on each execution.
//   - Fleet (deploy/semantics_test.go): one localhost deployment whose one
//     node holds every case side by side on one process, its inputs fed
//     through channels (hydro.SourceChan, one message per case tick, so a
//     case tick's items arrive together) and every output printed by
//     ForEach. The test waits until each Check's Done holds, then checks
//     Every. It is skipped under -short.
//
// Inputs are unbounded, ordered and exactly-once under every runner, so the
// flow, and what the compiler accepts, is the same. Items of one input
// arrive in order; across two inputs a deployment keeps no order.
//
// # Determinism
//
// Cases build fresh state on every call of Build; random inputs come from
// fixed seeds. A check that fails under the simulator prints the seed and
// choices that replay it (sim.Random).
package semantics
