// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"github.com/hydro-go/hydro"
)

// ProxyLeader tags the cluster of proxy leaders of compartmentalized
// Paxos: each takes phase 2 of some slots off the leader, sending the p2a
// to a column of the acceptor grid, counting the p2bs, and announcing
// the slot once the column accepted it.
type ProxyLeader struct{}

// Kinds of event a proxy leader handles.
const (
	pxP2a uint8 = iota + 1
	pxP2b
	pxTimer
)

// proxyEvent is one thing that happened to a proxy leader: a leader's p2a,
// an acceptor's p2b, or its timer.
type proxyEvent[P any] struct {
	Kind  uint8
	P2a   toAcceptor[P]
	Reply reply[P]
}

// proxyActions is what a proxy leader does in answer to one event.
type proxyActions[P any] struct {
	ToAcceptors []hydro.KV[hydro.MemberID[Acceptor], toAcceptor[P]]
	Commits     []Slot[P]
	Committed   []hydro.KV[hydro.MemberID[Proposer], commitKey]
	Refusals    []hydro.KV[hydro.MemberID[Proposer], reply[P]]
}

// tally is what a proxy leader knows of one slot: the value proposed, at
// which ballot, and the acceptors that accepted it.
type tally[P any] struct {
	ballot Ballot
	batch  []P
	acks   uint64 // a set of acceptors (Grid.set)
	idle   int    // timer periods without news of it
}

// proxy is one proxy leader's state machine. It holds a tally per slot
// in flight; a tally that hears nothing for forget timer periods goes (the
// leader sends its slot again by then, if it still leads).
type proxy[P any] struct {
	self    hydro.MemberID[ProxyLeader]
	grid    Grid
	proxies int
	forget  int
	open    map[int]*tally[P]
}

func newProxy[P any](self hydro.MemberID[ProxyLeader], grid Grid, proxies, forget int) *proxy[P] {
	return &proxy[P]{self: self, grid: grid, proxies: proxies, forget: forget, open: map[int]*tally[P]{}}
}

// route is the proxy leader and the column that try t of slot s takes:
// route (s+t) mod Proxies·Cols, numbered proxy leader first, so that
// Proxies·Cols tries take every pair, and one dead proxy leader and one
// broken column cannot stop a slot.
func route(s int, t uint32, proxies, cols int) (proxy, col int) {
	r := (s + int(t)) % (proxies * cols)
	return r % proxies, r / proxies
}

func (x *proxy[P]) step(ev proxyEvent[P]) proxyActions[P] {
	var a proxyActions[P]
	switch ev.Kind {
	case pxP2a:
		x.onP2a(ev.P2a, &a)
	case pxP2b:
		x.onP2b(ev.Reply, &a)
	case pxTimer:
		for s, t := range x.open {
			if t.idle++; t.idle >= x.forget {
				delete(x.open, s)
			}
		}
	}
	return a
}

// onP2a sends the leader's p2a to the column its try routes it to (see
// route): slots spread over the columns, and retries move on.
func (x *proxy[P]) onP2a(m toAcceptor[P], a *proxyActions[P]) {
	t := x.open[m.Slot]
	switch {
	case t == nil || t.ballot.Less(m.Ballot):
		t = &tally[P]{ballot: m.Ballot, batch: m.Batch}
		x.open[m.Slot] = t
	case m.Ballot.Less(t.ballot):
		return // a deposed leader's
	}
	t.idle = 0
	m.From = uint32(x.self)
	_, col := route(m.Slot, m.Try, x.proxies, x.grid.Cols)
	for _, id := range x.grid.Column(col) {
		a.ToAcceptors = append(a.ToAcceptors, hydro.KV[hydro.MemberID[Acceptor], toAcceptor[P]]{Key: id, Val: m})
	}
}

// onP2b counts an acceptance; once a whole column accepted the slot at
// its ballot, the slot is chosen. A refusal goes to the leader, which
// steps down before the higher ballot.
func (x *proxy[P]) onP2b(r reply[P], a *proxyActions[P]) {
	if !r.OK {
		a.Refusals = append(a.Refusals, hydro.KV[hydro.MemberID[Proposer], reply[P]]{Key: r.Ballot.Proposer, Val: r})
		return
	}
	t := x.open[r.Slot]
	if t == nil || t.ballot != r.Ballot || int(r.Acceptor) >= x.grid.Size() {
		return
	}
	t.acks |= 1 << uint(r.Acceptor)
	t.idle = 0
	if !x.grid.write(t.acks) {
		return
	}
	delete(x.open, r.Slot)
	a.Commits = append(a.Commits, Slot[P]{Slot: r.Slot, Batch: t.batch})
	a.Committed = append(a.Committed, hydro.KV[hydro.MemberID[Proposer], commitKey]{Key: r.Ballot.Proposer, Val: commitKey{Slot: r.Slot, Ballot: r.Ballot}})
}
