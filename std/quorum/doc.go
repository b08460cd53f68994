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
// quorum neither emit it again nor leave state behind; a request that never
// gets max responses stays tracked.
//
// # Determinism
//
// Responses are batched into ticks (the NonDet says why the caller does not
// mind where batches end); which response completes a quorum depends on
// arrival order, but whether and how often a key is emitted does not:
// exactly once, when min successes have arrived.
package quorum
