// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/replica"
)

// maxQueued is how many lines a connection may have waiting behind the
// one in flight; beyond it, a line is answered with an error at once.
const maxQueued = 1024

// frontEvent is what happens to the front: its timer, a client's line, a
// connection closing, or a replica's answer.
type frontEvent struct {
	Tick      bool
	Conn      hydro.ConnID
	Line      string
	HasLine   bool
	Gone      bool
	Answer    replica.Response[string]
	HasAnswer bool
}

// frontStep is what the front does on an event: requests to send to the
// proposers, answers to send to connections.
type frontStep struct {
	send   []replica.Request[replica.KVOp]
	answer []hydro.KV[hydro.ConnID, string]
}

// queued is a line parsed: an operation, or the error to answer it with.
type queued struct {
	op  replica.KVOp
	err string
}

// conn is one connection's lines: the one in flight, and those waiting.
type conn struct {
	seq      uint64 // the sequence number of the last request sent
	inflight *replica.Request[replica.KVOp]
	waiting  []queued
}

// frontState is the front's state: each connection is a client of the
// replicas (replica.Request.Client is its ConnID) with one request in
// flight, sent again every period until a replica answers it.
type frontState struct {
	conns map[hydro.ConnID]*conn
}

func newFrontState() *frontState { return &frontState{conns: map[hydro.ConnID]*conn{}} }

func (s *frontState) step(e frontEvent) frontStep {
	var out frontStep
	switch {
	case e.Tick:
		for _, id := range slices.Sorted(maps.Keys(s.conns)) {
			if r := s.conns[id].inflight; r != nil {
				out.send = append(out.send, *r)
			}
		}
	case e.HasLine:
		c := s.conn(e.Conn)
		if len(c.waiting) >= maxQueued {
			out.answer = append(out.answer, hydro.KV[hydro.ConnID, string]{Key: e.Conn, Val: fmt.Sprintf("error: more than %d lines waiting", maxQueued)})
			break
		}
		c.waiting = append(c.waiting, parse(e.Line))
		s.pump(e.Conn, c, &out)
	case e.Gone:
		delete(s.conns, e.Conn)
	case e.HasAnswer:
		id := hydro.ConnID(e.Answer.Client)
		c, ok := s.conns[id]
		if !ok || c.inflight == nil || c.inflight.Seq != e.Answer.Seq {
			break // another replica's answer, or a retry's
		}
		out.answer = append(out.answer, hydro.KV[hydro.ConnID, string]{Key: id, Val: describe(c.inflight.Op, e.Answer.Result)})
		c.inflight = nil
		s.pump(id, c, &out)
	}
	return out
}

func (s *frontState) conn(id hydro.ConnID) *conn {
	c, ok := s.conns[id]
	if !ok {
		c = &conn{}
		s.conns[id] = c
	}
	return c
}

// pump answers the errors at the head of a connection's queue and sends
// its next operation, unless one is in flight.
func (s *frontState) pump(id hydro.ConnID, c *conn, out *frontStep) {
	for c.inflight == nil && len(c.waiting) > 0 {
		q := c.waiting[0]
		c.waiting = c.waiting[1:]
		if q.err != "" {
			out.answer = append(out.answer, hydro.KV[hydro.ConnID, string]{Key: id, Val: q.err})
			continue
		}
		c.seq++
		c.inflight = &replica.Request[replica.KVOp]{Client: uint64(id), Seq: c.seq, Op: q.op}
		out.send = append(out.send, *c.inflight)
	}
}

// parse reads "put KEY VALUE" or "get KEY".
func parse(line string) queued {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch strings.ToLower(verb) {
	case "put":
		k, v, ok := strings.Cut(rest, " ")
		if !ok || k == "" {
			return queued{err: "error: put needs a key and a value: put KEY VALUE"}
		}
		return queued{op: replica.KVOp{Put: true, Key: k, Value: v}}
	case "get":
		if rest == "" || strings.Contains(rest, " ") {
			return queued{err: "error: get needs one key: get KEY"}
		}
		return queued{op: replica.KVOp{Key: rest}}
	}
	return queued{err: fmt.Sprintf("error: unknown command %q; want put or get", verb)}
}

// describe is the answer to op: "ok" for a put, the value quoted for a
// get ("" for a missing key).
func describe(op replica.KVOp, result string) string {
	if op.Put {
		return "ok"
	}
	return fmt.Sprintf("%q", result)
}
