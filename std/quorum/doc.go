// SPDX-License-Identifier: Apache-2.0

// Package quorum waits for enough responses to a request: the building
// block of replication protocols (Paxos's phases, a write acknowledged by a
// majority), after Hydro's collect_quorum.
//
// # Usage
//
// Each request has a key (a ballot, a slot, a request id); the responses to
// it arrive as a keyed stream, each a success or an error:
//
//	done, errs := quorum.Collect(responses, 2, 3, hydro.NonDet("responses arrive in any order"))
//
// done emits a request's key once, when its min-th success arrives; errs
// passes every error on as it comes. A request stays tracked until max
// responses (successes and errors) have arrived, so the stragglers after a
// quorum neither emit it again nor leave state behind. A request that
// reached its quorum but whose last responders never answer (one died) is
// forgotten once Remembered to 2·Remembered later requests reached theirs:
// the state held is bounded, and each response costs one step, however
// many requests are tracked. A request that never gets min successes nor
// max responses stays tracked. Responses must arrive exactly once: a
// duplicate would count twice.
//
// # Determinism
//
// Responses are counted in the order they arrive (the NonDet says why the
// caller does not mind it); which response completes a quorum depends on
// that order, but whether and how often a key is emitted does not:
// exactly once, when min successes have arrived (a straggler that comes
// after its key was forgotten starts a new round).
package quorum
