// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"fmt"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
)

// Request is a client's operation, named by the client and its sequence
// number: a client numbers its requests 1, 2, 3 … and keeps one in flight,
// sending it again (with the same number) until answered.
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
	if cfg.Checkpoint < 1 {
		panic(fmt.Sprintf("replica: Config.Checkpoint must be at least 1; got %d", cfg.Checkpoint))
	}
	type in = hydro.Pair[paxos.Slot[Request[Op]], hydro.MemberID[R]]
	steps := hydro.Scan(hydro.CrossSingleton(hydro.AssumeOrdered(log, nd), replicas.SelfID()), func() *replica[Op, Res] { return nil },
		func(r **replica[Op, Res], s in) step[Op, Res] {
			if *r == nil {
				*r = newReplica(uint32(s.Right), newMachine(), cfg.Checkpoint)
			}
			return (*r).take(s.Left)
		})
	return Streams[Op, Res, R]{
		Responses:   hydro.FlatMap(steps, func(s step[Op, Res]) []Response[Res] { return s.responses }),
		Applied:     hydro.FlatMap(steps, func(s step[Op, Res]) []paxos.Slot[Request[Op]] { return s.applied }),
		Checkpoints: hydro.FlatMap(steps, func(s step[Op, Res]) []paxos.Checkpoint { return s.checkpoints }),
	}
}

// step is what one committed slot made a replica do.
type step[Op, Res any] struct {
	responses   []Response[Res]
	applied     []paxos.Slot[Request[Op]]
	checkpoints []paxos.Checkpoint
}

// replica is one replica's state machine.
type replica[Op, Res any] struct {
	self    uint32
	machine Machine[Op, Res]
	every   int
	next    int                      // the first slot not yet applied
	held    map[int][]Request[Op]    // committed slots above a hole
	last    map[uint64]Response[Res] // per client, its latest answer
}

func newReplica[Op, Res any](self uint32, m Machine[Op, Res], every int) *replica[Op, Res] {
	return &replica[Op, Res]{self: self, machine: m, every: every, held: map[int][]Request[Op]{}, last: map[uint64]Response[Res]{}}
}

// take holds a committed slot and applies every slot it makes contiguous.
// A slot seen before (committed again by a new leader) changes nothing.
func (r *replica[Op, Res]) take(s paxos.Slot[Request[Op]]) step[Op, Res] {
	var out step[Op, Res]
	if _, dup := r.held[s.Slot]; dup || s.Slot < r.next {
		return out
	}
	r.held[s.Slot] = s.Batch
	for {
		batch, ok := r.held[r.next]
		if !ok {
			return out
		}
		delete(r.held, r.next)
		for _, req := range batch {
			r.apply(req, &out)
		}
		out.applied = append(out.applied, paxos.Slot[Request[Op]]{Slot: r.next, Batch: batch})
		r.next++
		if r.next%r.every == 0 {
			out.checkpoints = append(out.checkpoints, paxos.Checkpoint{Replica: r.self, Slot: r.next})
		}
	}
}

// apply runs a request unless its client already had it applied: a retry
// of the latest request is answered again from memory, an older one not
// at all (its client has moved on).
func (r *replica[Op, Res]) apply(req Request[Op], out *step[Op, Res]) {
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
