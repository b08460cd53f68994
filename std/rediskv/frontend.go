// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"maps"
	"slices"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

// Kinds of event the front end handles.
const (
	feCommand uint8 = iota + 1
	feClosed
	feTimer
	feAnswer
)

// feEvent is one thing that happened to the front end: a client's
// command, a connection closing, its retry timer, or a replica's answer.
type feEvent struct {
	kind   uint8
	conn   hydro.ConnID
	cmd    resp.Command
	answer replica.Response[[]resp.Value]
}

// feStep is what the front end does on one event: requests for the log,
// replies for clients.
type feStep struct {
	send    []replica.Request[[]resp.Command]
	replies []hydro.KV[hydro.ConnID, resp.Value]
}

// feConn is one connection: the batch of its commands in the log's hands,
// and the commands that wait behind it.
type feConn struct {
	seq      uint64         // the number of the latest batch sent
	inFlight []resp.Command // that batch, until answered; nil when none is
	acked    []bool         // per command of inFlight, answered already (the broken variant)
	age      int            // timer periods since inFlight was sent
	queue    []resp.Command // commands behind inFlight, at most cfg.MaxPending
	refused  int            // commands behind queue, to be refused in turn
}

// frontend is the front end's state machine: each connection has at most
// one batch of commands in the log's hands at a time, so that its replies
// come in the order of its commands, and that batch is sent again until a
// replica answers it. It is deterministic: the flow feeds it events and
// sends what it returns.
//
// The replicas remember each client's last request, and connection ids
// start again from 1 when the front end restarts; so before it sends a
// command the front end learns an epoch from the log: the number of the
// slot that applied its first hello (a request numbered 0, which replicas
// apply at every commit), plus 1. No other run of the front end can learn
// that slot, so the client of connection c is epoch<<32 | c, unique
// across restarts.
type frontend struct {
	cfg   Config
	conns map[hydro.ConnID]*feConn
	epoch uint64 // 0 until the hello is answered
	hello int    // timer periods since the hello was last sent; -1 before it was
	// Connections closed in the current and the previous timer period: a
	// command that comes in the tick of its connection's close, after it,
	// must not open the connection again.
	closed, closedBefore map[hydro.ConnID]bool
}

func newFrontend(cfg Config) *frontend {
	return &frontend{cfg: cfg, conns: map[hydro.ConnID]*feConn{}, hello: -1, closed: map[hydro.ConnID]bool{}, closedBefore: map[hydro.ConnID]bool{}}
}

// helloClient is the client of the front end's hello, which no
// connection's client can be (their epoch is at least 1).
const helloClient = 0

// step handles one event.
func (fe *frontend) step(e feEvent) feStep {
	var out feStep
	if fe.hello < 0 {
		fe.sayHello(&out)
	}
	switch e.kind {
	case feCommand:
		fe.command(e.conn, e.cmd, &out)
	case feClosed:
		delete(fe.conns, e.conn)
		fe.closed[e.conn] = true
	case feTimer:
		fe.closedBefore, fe.closed = fe.closed, fe.closedBefore
		clear(fe.closed)
		if fe.epoch == 0 {
			if fe.hello++; fe.hello >= 2 {
				fe.sayHello(&out)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(fe.conns)) {
			c := fe.conns[id]
			if c.inFlight == nil {
				continue
			}
			// Sent again after a whole period unanswered: the leader it
			// reached may have lost it.
			if c.age++; c.age >= 2 {
				c.age = 0
				out.send = append(out.send, fe.request(id, c))
			}
		}
	case feAnswer:
		fe.answer(e.answer, &out)
	}
	return out
}

// command queues a client's command, and sends it at once if the
// connection has nothing in flight.
func (fe *frontend) command(id hydro.ConnID, cmd resp.Command, out *feStep) {
	if fe.closed[id] || fe.closedBefore[id] {
		return
	}
	c := fe.conns[id]
	if c == nil {
		c = &feConn{}
		fe.conns[id] = c
	}
	if c.refused > 0 || len(c.queue) >= fe.cfg.MaxPending {
		c.refused++
		return
	}
	c.queue = append(c.queue, cmd)
	fe.send(id, c, out)
}

// sayHello asks the log for an epoch.
func (fe *frontend) sayHello(out *feStep) {
	fe.hello = 0
	out.send = append(out.send, replica.Request[[]resp.Command]{Client: helloClient})
}

// send takes the next batch off the queue, if nothing is in flight and
// the epoch is known.
func (fe *frontend) send(id hydro.ConnID, c *feConn, out *feStep) {
	if fe.epoch == 0 || c.inFlight != nil || len(c.queue) == 0 {
		return
	}
	n := min(len(c.queue), fe.cfg.MaxBatch)
	c.inFlight = slices.Clone(c.queue[:n])
	c.queue = slices.Delete(c.queue, 0, n)
	c.seq++
	c.age = 0
	c.acked = make([]bool, n)
	if fe.cfg.early {
		// The broken variant: a SET is acknowledged as soon as it is
		// sent, before the log has it.
		for i, cmd := range c.inFlight {
			if cmd.Name() == "SET" {
				c.acked[i] = true
				out.replies = append(out.replies, hydro.KV[hydro.ConnID, resp.Value]{Key: id, Val: resp.Simple("OK")})
			}
		}
	}
	out.send = append(out.send, fe.request(id, c))
}

func (fe *frontend) request(id hydro.ConnID, c *feConn) replica.Request[[]resp.Command] {
	return replica.Request[[]resp.Command]{Client: fe.epoch<<32 | uint64(id), Seq: c.seq, Op: c.inFlight}
}

// answer replies to the batch in flight with a replica's answer to it,
// then sends the next batch. Answers to anything else (another replica's
// to the same batch, a retry's) are dropped.
func (fe *frontend) answer(a replica.Response[[]resp.Value], out *feStep) {
	if a.Client == helloClient {
		if fe.epoch == 0 && a.Seq == 0 {
			fe.epoch = uint64(a.Slot) + 1
			for _, id := range slices.Sorted(maps.Keys(fe.conns)) {
				fe.send(id, fe.conns[id], out)
			}
		}
		return
	}
	if a.Client>>32 != fe.epoch {
		return // for an earlier run of the front end
	}
	id := hydro.ConnID(a.Client & (1<<32 - 1))
	c := fe.conns[id]
	if c == nil || c.inFlight == nil || a.Seq != c.seq || len(a.Result) != len(c.inFlight) {
		return
	}
	for i, v := range a.Result {
		if !c.acked[i] {
			out.replies = append(out.replies, hydro.KV[hydro.ConnID, resp.Value]{Key: id, Val: v})
		}
	}
	c.inFlight, c.acked = nil, nil
	if len(c.queue) == 0 && c.refused > 0 {
		for range c.refused {
			out.replies = append(out.replies, hydro.KV[hydro.ConnID, resp.Value]{Key: id, Val: resp.Errorf("ERR too many commands pending on this connection")})
		}
		c.refused = 0
	}
	fe.send(id, c, out)
}
