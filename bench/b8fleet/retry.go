// SPDX-License-Identifier: Apache-2.0

package main

import (
	"maps"
	"slices"

	"github.com/hydro-go/hydro/std/bench"
	"github.com/hydro-go/hydro/std/replica"
)

// echo is the replicas' machine: it answers each request with itself.
type echo struct{}

func newEcho() replica.Machine[bench.Request, bench.Request] { return echo{} }

func (echo) Apply(r bench.Request) bench.Request { return r }

// retryEvent is a virtual client's request leaving, an answer coming
// back, or the retry timer.
type retryEvent struct {
	Tick bool
	Sent bool
	Req  bench.Request
}

// retryStep is what the retrier does on an event.
type retryStep struct {
	send   []replica.Request[bench.Request]
	answer []bench.Request
}

// inFlight is a request not yet answered, and the timer periods since it
// was last sent.
type inFlight struct {
	req  bench.Request
	idle int
}

// retrier keeps each virtual client's request until a replica answers it,
// sending it again once it has waited two periods: a request that reached
// no leader is dropped. It passes on each answer once.
type retrier struct {
	pending map[uint32]*inFlight
}

func newRetrier() *retrier { return &retrier{pending: map[uint32]*inFlight{}} }

func (r *retrier) step(e retryEvent) retryStep {
	var s retryStep
	switch {
	case e.Tick:
		for _, c := range slices.Sorted(maps.Keys(r.pending)) {
			p := r.pending[c]
			if p.idle++; p.idle >= 2 {
				p.idle = 0
				s.send = append(s.send, request(p.req))
			}
		}
	case e.Sent:
		r.pending[e.Req.Client] = &inFlight{req: e.Req}
		s.send = append(s.send, request(e.Req))
	default:
		if p, ok := r.pending[e.Req.Client]; ok && p.req.Seq == e.Req.Seq {
			delete(r.pending, e.Req.Client)
			s.answer = append(s.answer, e.Req)
		}
	}
	return s
}

// request is what the replicas apply: one request per virtual client and
// sequence number, however often it was sent.
func request(b bench.Request) replica.Request[bench.Request] {
	return replica.Request[bench.Request]{Client: uint64(b.Client), Seq: b.Seq + 1, Op: b}
}
