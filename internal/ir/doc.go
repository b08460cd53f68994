// SPDX-License-Identifier: Apache-2.0

// Package ir is the high-level intermediate representation the hydro
// language builds: one node per operator call, with its location, the kind
// and guarantees of the live collection it produces, the user's call site,
// and the typed closures that lower it to dfir.
//
// # Usage
//
// The hydro package appends nodes to a Flow as the user calls operators;
// package compile checks the flow and lowers each location to a dfir graph.
// Nothing here runs anything.
package ir
