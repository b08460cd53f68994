// SPDX-License-Identifier: Apache-2.0

package node

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Idle is what a node reports each time it becomes idle (Node.Idle): the
// frames it has handed to each peer's connection and those it has taken
// from each peer, since it started. A deployer that holds, for every node
// of a fleet, an Idle report as its latest, and finds for every pair of
// nodes that what one sent the other received, knows that the fleet is
// done: see Finished.
type Idle struct {
	Sent     map[string]uint64 // frames sent, by peer
	Received map[string]uint64 // frames received, by peer
}

// idleState is the node's part of termination detection; the lock guards
// it.
type idleState struct {
	sent, received map[string]uint64
	reported       bool // a report was made and nothing moved since
}

// countSent counts a frame handed to peer name's connection (or held for
// it: it is the node's to deliver). The lock is held.
func (s *idleState) countSent(name string) {
	if s.sent == nil {
		s.sent = map[string]uint64{}
	}
	s.sent[name]++
	s.reported = false
}

// countReceived counts a frame taken from peer name. The lock is held.
func (s *idleState) countReceived(name string) {
	if s.received == nil {
		s.received = map[string]uint64{}
	}
	s.received[name]++
	s.reported = false
}

// reportIdle calls Node.Idle if the node is idle and has not reported
// since it last sent or received: no work in its graph, nothing queued in
// its inbox or held for a peer, and no input that may come by itself (a
// timer, a Go channel, an external port). The lock is held.
func (n *node) reportIdle() {
	if n.self.Idle == nil || n.stopped || n.idle.reported {
		return
	}
	g := n.g
	if len(g.Timers) > 0 || len(g.Wakes) > 0 || len(g.Ports) > 0 {
		return
	}
	if g.Graph.Pending() || !n.in.empty() || len(n.retry) > 0 {
		return
	}
	n.idle.reported = true
	n.self.Idle(Idle{Sent: maps.Clone(n.idle.sent), Received: maps.Clone(n.idle.received)})
}

// String encodes the report on one line: "sent PEER=N,... received
// PEER=N,...", peers in order, "-" for none. ParseIdle reads it.
func (r Idle) String() string {
	enc := func(m map[string]uint64) string {
		if len(m) == 0 {
			return "-"
		}
		var b strings.Builder
		for i, k := range slices.Sorted(maps.Keys(m)) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(strconv.FormatUint(m[k], 10))
		}
		return b.String()
	}
	return "sent " + enc(r.Sent) + " received " + enc(r.Received)
}

// ParseIdle reads a report String wrote; ok is false for anything else.
func ParseIdle(s string) (r Idle, ok bool) {
	f := strings.Fields(s)
	if len(f) != 4 || f[0] != "sent" || f[2] != "received" {
		return Idle{}, false
	}
	dec := func(s string) (map[string]uint64, bool) {
		m := map[string]uint64{}
		if s == "-" {
			return m, true
		}
		for _, kv := range strings.Split(s, ",") {
			k, v, found := strings.Cut(kv, "=")
			n, err := strconv.ParseUint(v, 10, 64)
			if !found || k == "" || err != nil {
				return nil, false
			}
			m[k] = n
		}
		return m, true
	}
	var ok1, ok2 bool
	r.Sent, ok1 = dec(f[1])
	r.Received, ok2 = dec(f[3])
	return r, ok1 && ok2
}

// Finished reports whether a fleet whose nodes are names is done, given
// each node's latest report: every node has reported idle, and for every
// pair, what one reports sent to the other is what the other reports
// received from it.
//
// NB: the reports need not be of one moment. If they all match, every frame
// a report counts as sent was received before its receiver's report; so a
// node could only have moved after its report by receiving a frame sent
// after its sender's report, which moved after its own report in turn: a
// chain with no first link. Nothing moves without a frame, since an idle
// node has no work and no input that comes by itself.
func Finished(names []string, latest map[string]Idle) bool {
	for _, a := range names {
		ra, ok := latest[a]
		if !ok {
			return false
		}
		for peer, n := range ra.Sent {
			if latest[peer].Received[a] != n {
				return false
			}
		}
		for peer, n := range ra.Received {
			if latest[peer].Sent[a] != n {
				return false
			}
		}
	}
	return true
}
