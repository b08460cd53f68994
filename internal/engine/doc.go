// SPDX-License-Identifier: Apache-2.0

// Package engine runs a whole flow inside one goroutine: every process and
// every member of every cluster, each its own lowered dfir graph, with the
// messages between them encoded and delivered in memory. It is the engine
// under the language's plain in-process runner (hydro.Local) and under the
// simulator (package sim): only they drive it, and internal/lang names its
// configuration for them.
//
// # Usage
//
// New lowers a checked flow with a Config. Without a Chooser, RunTick runs
// one tick at every node and delivers what they sent for the receivers'
// next ticks; RunAvailable repeats that until nothing is pending; Advance
// moves the virtual clock and fires the timers it passes.
//
// With a Chooser the run is stepped: Step asks the chooser which one of the
// possible steps comes next (a tick at a node with work, a timer firing,
// the delivery of the oldest message on one channel, and the faults the
// Config's Faults allow: a crash, a restart, a partition, a heal, the loss
// or repetition of a message on a lossy channel), and every Batch and
// Snapshot asks it how much enters (which items, for a Batch of an
// unordered stream) and how stale a value it shows, and each input how
// many of the items pushed into it enter the next tick, and every
// AssumeOrdered in which order it sees each tick's items. Trace
// lists what was chosen, for a failing execution's report. A StepChooser is
// told each possible step's node and whether it is a fault, so that it can
// skip orders of steps that commute (Commutes); a StateChooser is also
// given the run's state to hash (WriteState), so that it can skip states
// it has explored.
//
// # Determinism
//
// A run reads no clock, starts no goroutine and draws no random number:
// every choice comes from the Chooser. A flow with no NonDet operator asks
// it nothing: its steps are taken in a fixed order.
package engine
