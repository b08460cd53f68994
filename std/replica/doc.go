// SPDX-License-Identifier: Apache-2.0

// Package replica applies a committed log to a replicated state machine:
// the replicas of a Paxos flow (package paxos), as a component of the
// flow, with a key-value store (KV) as the machine.
//
// # Usage
//
//	fwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
//	log := paxos.Sequence(proposers, acceptors, requests, ckpts, pcfg, nd)
//	out := replica.Replicate(replicas, hydro.Broadcast(log, replicas, nd), replica.NewKV, replica.Config{Checkpoint: 16}, nd)
//	fwd.Complete(hydro.Broadcast(out.Checkpoints, acceptors, nd))
//	answers := hydro.Gather(out.Responses, client)
//
// Every replica applies the slots in order: a slot that comes before the
// holes below it are filled is held until they are, a no-op (an empty
// batch) just advances, and a slot committed twice (a new leader commits
// again what its quorum held) is applied once. Each request is applied at
// most once per (client, sequence number), however often a client's
// retries got it committed, so a client may send a request to every
// proposer and send it again until answered. Every Config.Checkpoint
// slots a replica reports a paxos.Checkpoint, which lets the acceptors
// forget the log below what every replica applied.
//
// # Faults
//
// A replica misses a commit only when the message carrying it is lost (a
// crash of the leader, a partition). The next leader commits again every
// slot its quorum holds, which fills such a hole; with Config.CatchUp a
// replica need not wait for one. Every CatchUp period each replica tells
// the others how far it applied the log, and a replica that applied more
// sends it the slots it lacks, at most Config.CatchUpBatch a message,
// from the last Config.Retain slots it keeps (it forgets those every
// replica has reported applying). There is no state transfer: a replica
// further behind than that, or one that restarted without its state, does
// not catch up, so a replica must keep its state across a restart
// (sim.Durable in the simulator), since the acceptors may have collected
// the log below it.
//
// # Determinism
//
// A replica's state and answers are a function of the log, whatever order
// the commits arrive in, and whether they come from a leader or from a
// peer catching it up.
package replica
