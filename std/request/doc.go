// SPDX-License-Identifier: Apache-2.0

// Package request matches the responses to requests with what the requester
// kept about each: the client side of a request/response exchange, after
// Hydro's join_responses.
//
// # Usage
//
// A requester sends requests keyed by an id, and keeps, under the same id,
// what it needs when the answer comes (the client to answer, the time it
// was sent):
//
//	answered := request.Join(pending, responses, hydro.NonDet("responses arrive in any order"))
//
// Each response is paired with the metadata of its request, which is kept
// across ticks until then and forgotten once matched. A response whose
// request is not pending (a duplicate, or one for a request never made) is
// dropped, so that no state outlives its request.
package request
