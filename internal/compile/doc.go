// SPDX-License-Identifier: Apache-2.0

// Package compile checks a flow's IR and lowers each of its locations to a
// dfir graph.
//
// # Usage
//
// The hydro package calls Lower from Flow.Compile. Each operator's node
// carries typed closures that build its dfir operators; Lower walks the nodes
// in the order they were built, gives every node the ports of its inputs
// (splitting a port shared by several consumers with a Tee, ending an unused
// one with Null), closes forward references last, and compiles every graph.
//
// # Determinism
//
// Lowering depends only on the IR: the same flow lowers to the same graphs.
// Nothing here starts a goroutine or touches the clock.
package compile
