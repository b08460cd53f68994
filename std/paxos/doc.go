// SPDX-License-Identifier: Apache-2.0

// Package paxos is Multi-Paxos as a component of a flow: a cluster of
// proposers and a cluster of 2F+1 acceptors that sequence payloads into a
// log, every slot of which holds one value for good.
//
// # Usage
//
// A flow names the two clusters, hands the proposers the payloads and the
// acceptors the replicas' checkpoints, and gets back the committed log at
// the proposers:
//
//	proposers := hydro.NewCluster[paxos.Proposer](f)
//	acceptors := hydro.NewCluster[paxos.Acceptor](f)
//	ckptFwd, ckpts := hydro.ForwardRef[paxos.Checkpoint](acceptors, hydro.Unordered)
//	log := paxos.Sequence(proposers, acceptors, payloads, ckpts, cfg, hydro.NonDet("the leader changes"))
//	atReplicas := hydro.Broadcast(log, replicas, nd)
//	... apply atReplicas in slot order (package replica), then
//	ckptFwd.Complete(hydro.Broadcast(checkpoints, acceptors, nd))
//
// Run the proposers with any number of members (two tolerate one
// failure) and the acceptors with 2F+1.
//
// # The protocol
//
// Ballots are (number, proposer) pairs. The leader sends a heartbeat every
// Config.Period; a proposer that hears none at the highest ballot it knows
// for Config.Timeout periods (plus Config.Stagger more per member id, so
// that candidates rarely collide) runs for leader: it picks a ballot above
// every ballot it has heard of and sends phase 1 (p1a) to the acceptors.
// An acceptor promises a ballot strictly above every one it promised
// before, and answers (p1b) with its log. With F+1 promises the proposer
// leads: it proposes again, at its ballot, every slot the quorum's logs
// hold, each with the value accepted at the highest ballot, and fills the
// holes below the highest such slot with no-ops. Then each tick's payloads
// become one batch in the next free slot (phase 2, p2a); an acceptor
// accepts unless it promised a higher ballot (p2b), and a slot is
// committed once F+1 acceptors accepted it at the leader's ballot, counted
// by package quorum (with an acceptor dead, a slot's tally waits for its
// last p2b only within quorum.Remembered's bound). Any refusal carries the higher ballot, on which a
// leader steps down.
//
// A replica that applied every slot below s reports a Checkpoint; once all
// Config.Replicas replicas have reported, an acceptor forgets its log
// below the lowest report, and a new leader recovers from the highest such
// point of its quorum upwards.
//
// # Compartmentalized Paxos
//
// SequenceCompartmentalized is the same protocol with the leader's work
// spread out, after Whittaker et al., "Scaling Replicated State Machines
// with Compartmentalization": a cluster of ProxyLeader members and the
// acceptors arranged in a Grid.
//
//	proxies := hydro.NewCluster[paxos.ProxyLeader](f)
//	log := paxos.SequenceCompartmentalized(proposers, proxies, acceptors, payloads, ckpts, ccfg, nd)
//	atReplicas := hydro.Broadcast(log, replicas, nd) // from the proxy leaders
//
// The leader sends each slot's p2a to one proxy leader instead of to every
// acceptor; the proxy leader sends it to one column of the grid, counts
// the p2bs, and once the
// whole column accepted it, announces the slot (the log is returned at the
// proxy leaders) and tells the leader. Every column is a write quorum; a
// read quorum, which a candidate needs to lead, is any set with an
// acceptor in every column (every row is one), so it meets every write
// quorum. Phase 2 load on each acceptor falls with the number of columns.
// A slot whose proxy leader crashed, or whose column lost an acceptor,
// is sent again after CompartmentConfig.Retry periods with the next try,
// through another proxy leader or to another column, and new slots avoid
// that route for a while. Batchers and
// unbatchers of the paper are not part of it.
//
// # Faults
//
// Safety (one value per slot) holds under any crash, partition or delay,
// as long as an acceptor keeps its promises and log across a restart
// (sim.Durable in the simulator) and every payload is distinct or
// idempotent for whoever applies it: a payload a client retries may be
// committed twice. Progress needs a quorum of acceptors and one proposer
// up and connected for Timeout+Stagger·id periods.
//
// NB: a deployed node does not persist its state yet, so a deployed
// acceptor that restarts forgets its promises; and a replica that restarts
// cannot catch up once the acceptors collected the log below it, since
// there is no state transfer. Test recovery in the simulator.
//
// # Determinism
//
// Each proposer and acceptor is a state machine that takes one event at a
// time (its Scan); which proposer leads, when, and how payloads are
// batched depend on timing, which the caller's NonDet accepts.
package paxos
