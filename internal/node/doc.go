// SPDX-License-Identifier: Apache-2.0

// Package node is the shell that drives one compiled location of a flow over
// TCP: the process, or the one cluster member, that a deployed binary plays.
// Package deploy starts it (deploy.RunNode, and each node deploy.Main
// launches).
//
// # Usage
//
// Run drives the graph of one process, or of one member of a cluster, until
// its context ends. Its peers are named "Leader" or "Worker/3" (NameOf), and
// Node gives the address of each. The node
//
//   - listens for its peers (transport/tcp) and runs a tick as soon as
//     frames arrive, together with the frames that arrived with them;
//   - after every tick, sends each peer what the tick addressed to it, in
//     one write, over one connection per pair of nodes, which carries both
//     directions; frames a peer's connection refuses (its queue is full)
//     are kept and sent first after the next tick;
//   - runs a tick when a timer of the graph fires (hydro.SourceInterval), a
//     value arrives on a channel it reads (hydro.SourceChan), or a client of
//     an external port connects, sends or leaves;
//   - serves the graph's external ports, each on a listener of its own,
//     with one reader and one writer goroutine per client so that a slow
//     client never stalls the graph;
//   - tells the graph which members of the clusters it watches are up,
//     from the state of its connections to them, polled every 200 ms.
//
// What a peer sends is checked before it reaches the graph: a frame for a
// channel the graph does not have, from a peer other than the sender it
// claims, or that does not decode, is logged and dropped, and the node
// serves on.
package node
