// SPDX-License-Identifier: Apache-2.0

// Package ir is the high-level intermediate representation the hydro
// language builds: one node per operator call, as data. A node records its
// operator (Op), its inputs, its location, the kind and guarantees of the
// live collection it produces (Props), the user's call site, the user's
// function (Fn, the only field holding a closure), its other arguments, what
// it requires of its inputs (Needs, Claims, a forward reference's
// Completions), and, as opaque values of package compile, how it lowers
// (Impl) and what its element type needs (Elem). A networking node carries
// its channel as data (Net: id, lossy, route).
//
// # Usage
//
// The hydro package appends nodes to a Flow as the user calls operators.
// Passes in package compile walk it (Flow.Walk: inputs before consumers),
// check it, rewrite it (Flow.Consumers, Node.ReplaceInput, Flow.Add) and
// lower each location to a dfir graph. Nothing here runs anything, and
// nothing here imports dfir or a transport.
package ir
