// SPDX-License-Identifier: Apache-2.0

// Package mem is the in-memory twin of transport/tcp: a network of named
// endpoints whose messages move only when the caller says so, for tests and
// for the simulator.
//
// # Usage
//
//	net := mem.NewNetwork(transport.DefaultLimits, mem.Hooks{})
//	leader, worker := net.Endpoint("Leader"), net.Endpoint("Worker/0")
//	worker.Send("Leader", frame1, frame2) // queued on the link Worker/0->Leader
//	for len(net.InFlight()) > 0 {
//		m := net.Deliver(0) // or an index chosen from a seed
//	}
//	in, ok := leader.Receive() // in.From == "Worker/0"
//
// Each ordered pair of endpoints has a FIFO link, like a TCP connection.
// InFlight lists the head of every non-empty link; Deliver moves one head
// into its receiver's inbox; DeliverAll delivers round-robin until nothing
// is in flight. Hooks drop, duplicate, delay (and so reorder) or rewrite
// each frame as it is sent; Partition and Heal cut and restore the links
// between two endpoints; Crash loses what is queued to and from one.
//
// Endpoint.Link gives a transport.Sender bound to one peer, so shell code
// written against transport.Sender runs over mem and over tcp alike.
//
// # Determinism
//
// Nothing moves unless a method is called, and every method's result
// depends only on the calls made before it and on what the Hooks return:
// InFlight is ordered by (sender, receiver) name, never by map order, and
// Seq numbers frames in the order they were sent. The same calls with the
// same deterministic Hooks give the same deliveries, which is what lets the
// simulator replay a run from its seed.
//
// # Concurrency
//
// The package starts no goroutine. A Network and its Endpoints belong to
// one goroutine; Hooks run on it, inside Send, and must not call the
// Network.
package mem
