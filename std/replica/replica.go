// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
)

// Request is a client's operation, named by the client and its sequence
// number: a client numbers its requests 1, 2, 3 … and keeps one in flight,
// sending it again (with the same number) until answered. A request
// numbered 0 is applied and answered every time it is committed, and not
// remembered: for an operation every commit of which is wanted, such as
// learning a slot number no one else will learn.
type Request[Op any] struct {
	_      struct{} `cbor:",toarray"`
	Client uint64
	Seq    uint64
	Op     Op
}

// Response answers a request; Slot is the log slot that applied it.
type Response[Res any] struct {
	_      struct{} `cbor:",toarray"`
	Client uint64
	Seq    uint64
	Result Res
	Slot   int
}

// Machine is the replicated state: Apply runs one operation and returns
// its result. It must be deterministic, so that replicas applying the same
// log hold the same state.
type Machine[Op, Res any] interface {
	Apply(op Op) Res
}

// Config tunes a replica.
type Config struct {
	// Checkpoint is how many slots a replica applies between two
	// checkpoints it reports; at least 1.
	Checkpoint int
	// CatchUp is how often a replica tells the other replicas how far it
	// applied the log, so that one that missed commits fetches them from a
	// peer that applied them. 0 turns catch-up off.
	CatchUp time.Duration
	// Replicas is how many replicas there are (the cluster's size): with
	// CatchUp, a replica keeps the slots it applied until every one of
	// them has reported applying them. Required with CatchUp.
	Replicas int
	// Retain bounds how many applied slots a replica keeps for its peers
	// (0: 4096): a peer further behind than that, or behind a replica
	// that restarted, cannot catch up from it.
	Retain int
	// CatchUpBatch bounds how many slots one catch-up message carries
	// (0: 64); a peer that lags more catches up over several periods.
	CatchUpBatch int
}

func (c Config) withDefaults() Config {
	if c.Retain == 0 {
		c.Retain = 4096
	}
	if c.CatchUpBatch == 0 {
		c.CatchUpBatch = 64
	}
	if c.Checkpoint < 1 || c.CatchUp < 0 || c.CatchUp > 0 && c.Replicas < 1 || c.Retain < 1 || c.CatchUpBatch < 1 {
		panic(fmt.Sprintf("replica: Config needs Checkpoint ≥ 1, CatchUp ≥ 0, Replicas ≥ 1 with CatchUp, Retain ≥ 0 and CatchUpBatch ≥ 0; got %+v", c))
	}
	return c
}

// Streams is what Replicate returns, at every replica.
type Streams[Op, Res, R any] struct {
	// Responses answer the clients: route them by Response.Client. A
	// request is answered by every replica that applies it, and again when
	// a retry of it is committed later.
	Responses hydro.Stream[Response[Res], *hydro.Cluster[R]]
	// Applied is the log as the replica applies it: slots 0, 1, 2 … in
	// order, no-ops included.
	Applied hydro.Stream[paxos.Slot[Request[Op]], *hydro.Cluster[R]]
	// Checkpoints report every Config.Checkpoint slots that the replica
	// applied every slot below: send them to every acceptor.
	Checkpoints hydro.Stream[paxos.Checkpoint, *hydro.Cluster[R]]
}

// Replicate applies the committed log at every member of replicas, each
// with its own Machine from newMachine: slots in order, later slots held
// back until the hole before them fills, no-ops skipped, and a request
// applied at most once per client and sequence number however often it
// was committed. nd is why the caller does not mind the order in which
// commits from different proposers reach a replica (the slots fix the
// order of application).
func Replicate[Op, Res, R any](replicas *hydro.Cluster[R], log hydro.Stream[paxos.Slot[Request[Op]], *hydro.Cluster[R]], newMachine func() Machine[Op, Res], cfg Config, nd hydro.NonDet) Streams[Op, Res, R] {
	cfg = cfg.withDefaults()
	events := hydro.Map(log, func(s paxos.Slot[Request[Op]]) event[Op] { return event[Op]{kind: evCommit, slot: s} })
	var peersFwd *hydro.Forward[peerMsg[Op], *hydro.Cluster[R]]
	if cfg.CatchUp > 0 {
		var fromPeers hydro.Stream[peerMsg[Op], *hydro.Cluster[R]]
		peersFwd, fromPeers = hydro.ForwardRef[peerMsg[Op]](replicas, hydro.Unordered)
		events = hydro.Merge(events,
			hydro.Map(hydro.SourceInterval(replicas, cfg.CatchUp, nd), func(time.Duration) event[Op] { return event[Op]{kind: evStatus} }),
			hydro.Map(fromPeers, func(m peerMsg[Op]) event[Op] { return event[Op]{kind: evPeer, msg: m} }))
	}
	type in = hydro.Pair[event[Op], hydro.MemberID[R]]
	steps := hydro.Scan(hydro.CrossSingleton(hydro.AssumeOrdered(events, nd), replicas.SelfID()), func() *replica[Op, Res] { return nil },
		func(r **replica[Op, Res], e in) step[Op, Res] {
			if *r == nil {
				*r = newReplica(uint32(e.Right), newMachine(), cfg)
			}
			return (*r).handle(e.Left)
		})
	if peersFwd != nil {
		statuses := hydro.Broadcast(hydro.FlatMap(steps, func(s step[Op, Res]) []peerMsg[Op] { return s.statuses }), replicas, nd)
		fetched := hydro.FlatMap(steps, func(s step[Op, Res]) []hydro.KV[hydro.MemberID[R], peerMsg[Op]] {
			out := make([]hydro.KV[hydro.MemberID[R], peerMsg[Op]], len(s.fetched))
			for i, a := range s.fetched {
				out[i] = hydro.KV[hydro.MemberID[R], peerMsg[Op]]{Key: hydro.MemberID[R](a.to), Val: a.msg}
			}
			return out
		})
		peersFwd.Complete(hydro.Merge(statuses, hydro.Demux(hydro.IntoKeyed(fetched), replicas)))
	}
	return Streams[Op, Res, R]{
		Responses:   hydro.FlatMap(steps, func(s step[Op, Res]) []Response[Res] { return s.responses }),
		Applied:     hydro.FlatMap(steps, func(s step[Op, Res]) []paxos.Slot[Request[Op]] { return s.applied }),
		Checkpoints: hydro.FlatMap(steps, func(s step[Op, Res]) []paxos.Checkpoint { return s.checkpoints }),
	}
}

// Kinds of event a replica handles.
const (
	evCommit uint8 = iota + 1
	evStatus
	evPeer
)

// event is a committed slot, the catch-up timer, or a peer's message.
type event[Op any] struct {
	kind uint8
	slot paxos.Slot[Request[Op]]
	msg  peerMsg[Op]
}

// step is what one event made a replica do.
type step[Op, Res any] struct {
	responses   []Response[Res]
	applied     []paxos.Slot[Request[Op]]
	checkpoints []paxos.Checkpoint
	statuses    []peerMsg[Op]   // for every replica
	fetched     []addressed[Op] // for one replica each
}

// replica is one replica's state machine.
type replica[Op, Res any] struct {
	self    uint32
	machine Machine[Op, Res]
	cfg     Config
	next    int                      // the first slot not yet applied
	held    map[int][]Request[Op]    // committed slots above a hole
	last    map[uint64]Response[Res] // per client, its latest answer

	kept     retained[Op]   // with catch-up: applied slots peers may lack
	peerNext map[uint32]int // with catch-up: per replica, how far it applied
}

func newReplica[Op, Res any](self uint32, m Machine[Op, Res], cfg Config) *replica[Op, Res] {
	return &replica[Op, Res]{self: self, machine: m, cfg: cfg, held: map[int][]Request[Op]{}, last: map[uint64]Response[Res]{}, peerNext: map[uint32]int{}}
}

// handle handles one event.
func (r *replica[Op, Res]) handle(e event[Op]) step[Op, Res] {
	var out step[Op, Res]
	switch e.kind {
	case evCommit:
		r.takeInto(e.slot, &out)
	case evStatus:
		r.status(&out)
	case evPeer:
		r.peer(e.msg, &out)
	}
	return out
}

// take holds a committed slot and applies every slot it makes contiguous.
func (r *replica[Op, Res]) take(s paxos.Slot[Request[Op]]) step[Op, Res] {
	var out step[Op, Res]
	r.takeInto(s, &out)
	return out
}

// takeInto is take, adding to out. A slot seen before (committed again by
// a new leader, or sent by a peer) changes nothing.
func (r *replica[Op, Res]) takeInto(s paxos.Slot[Request[Op]], out *step[Op, Res]) {
	if _, dup := r.held[s.Slot]; dup || s.Slot < r.next {
		return
	}
	r.held[s.Slot] = s.Batch
	for {
		batch, ok := r.held[r.next]
		if !ok {
			return
		}
		delete(r.held, r.next)
		for _, req := range batch {
			r.apply(req, out)
		}
		out.applied = append(out.applied, paxos.Slot[Request[Op]]{Slot: r.next, Batch: batch})
		if r.cfg.CatchUp > 0 {
			r.kept.add(r.next, batch, r.cfg.Retain)
		}
		r.next++
		if r.next%r.cfg.Checkpoint == 0 {
			out.checkpoints = append(out.checkpoints, paxos.Checkpoint{Replica: r.self, Slot: r.next})
		}
	}
}

// apply runs a request unless its client already had it applied: a retry
// of the latest request is answered again from memory, an older one not
// at all (its client has moved on). A request numbered 0 always runs.
func (r *replica[Op, Res]) apply(req Request[Op], out *step[Op, Res]) {
	if req.Seq == 0 {
		out.responses = append(out.responses, Response[Res]{Client: req.Client, Result: r.machine.Apply(req.Op), Slot: r.next})
		return
	}
	if prev, ok := r.last[req.Client]; ok && req.Seq <= prev.Seq {
		if req.Seq == prev.Seq {
			out.responses = append(out.responses, prev)
		}
		return
	}
	resp := Response[Res]{Client: req.Client, Seq: req.Seq, Result: r.machine.Apply(req.Op), Slot: r.next}
	r.last[req.Client] = resp
	out.responses = append(out.responses, resp)
}
