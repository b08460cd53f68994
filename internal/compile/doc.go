// SPDX-License-Identifier: Apache-2.0

// Package compile checks a flow's IR, rewrites it, and lowers each of its
// locations to a dfir graph.
//
// # Usage
//
// The hydro package builds an ir.Flow whose nodes hold values of this
// package: an Impl (Map[T, U]{}, Fold[T, A]{}, ...) that says how the node
// lowers, and an Elem (Type[T]{}) that splits, discards and sends the
// node's output. Flow.Compile calls Check, which returns every misuse as a
// *Problem at the user's file:line, then Lower. Lower walks the nodes
// (ir.Flow.Walk), gives every node the ports of its inputs (splitting a port
// shared by several consumers with a Tee, ending an unused one with Null),
// builds each channel's sending and receiving halves, closes forward
// references last, and compiles every graph.
//
// Rewrites change the IR between Check and Lower: Relocate moves a chain
// of operators from one process to another, inserting the channels its cut
// edges need. Partition turns a process into a cluster of n partitions:
// every channel into it routes each item by the hash of its key
// (ir.ByKey: the Key of a KV item, or a KeyBy function the user named),
// and Partition follows that key through the process's operators, refusing
// one that needs every key's data in one place (a global fold, Enumerate,
// Scan, Sort, a cross product), a keyed operator whose key an opaque
// function may have changed, a source, an ordered output, or a batch of an
// ordered stream. The simulator's sim.Equivalent checks a rewrite's result
// against the original's.
//
// # Determinism
//
// Checking and lowering depend only on the IR: the same flow lowers to the
// same graphs. Nothing here starts a goroutine or touches the clock.
package compile
