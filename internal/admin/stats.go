// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"bufio"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
)

// Stats are the counters of one instrumented graph, as of its last tick.
type Stats struct {
	g      *compile.Graph
	nameOf func(compile.Dest) string

	// Kept by the hooks, under the node's lock.
	tickStart time.Time
	sent      map[channelPeer]*traffic
	received  map[channelPeer]*traffic

	// mu guards what the hooks publish for the handlers.
	mu struct {
		sync.Mutex
		graph    dfir.Stats
		sent     map[channelPeer]traffic
		received map[channelPeer]traffic
		ticks    histogram
	}
}

// channelPeer identifies one direction of a channel with one peer.
type channelPeer struct {
	channel uint32
	peer    string
}

// traffic counts the frames of a channel with a peer and their payload
// bytes.
type traffic struct{ frames, bytes uint64 }

// Watch instruments g, which must not be running yet, and returns its
// counters. nameOf names a peer ("Worker/3") by its place in the fleet.
func Watch(g *compile.Graph, nameOf func(compile.Dest) string) *Stats {
	s := &Stats{g: g, nameOf: nameOf, sent: map[channelPeer]*traffic{}, received: map[channelPeer]*traffic{}}
	s.mu.ticks = newHistogram(tickBuckets)
	for i, o := range g.Outboxes {
		flush := o.Flush
		g.Outboxes[i].Flush = func(send func(to compile.Dest, payload []byte) error) error {
			return flush(func(to compile.Dest, payload []byte) error {
				s.count(s.sent, o.Channel, nameOf(to), len(payload))
				return send(to, payload)
			})
		}
	}
	for ch, in := range g.Inboxes {
		deliver := in.Deliver
		in.Deliver = func(from uint32, payload []byte) error {
			peer := strconv.FormatUint(uint64(from), 10)
			if in.From != nil {
				peer = nameOf(compile.Dest{Loc: in.From, Member: from})
			}
			s.count(s.received, ch, peer, len(payload))
			return deliver(from, payload)
		}
		g.Inboxes[ch] = in
	}
	// NB: the shell calls the feeders before each tick and flushes the
	// outboxes after it, all under its lock: a feeder that reads the clock
	// and a last outbox that sends nothing bracket the tick.
	g.Feeders = append(g.Feeders, func() bool {
		s.tickStart = time.Now()
		return false
	})
	g.Outboxes = append(g.Outboxes, compile.Outbox{Flush: func(func(compile.Dest, []byte) error) error {
		s.publish()
		return nil
	}})
	s.publish()
	return s
}

// count adds a frame of n bytes on channel ch with peer to m.
func (s *Stats) count(m map[channelPeer]*traffic, ch uint32, peer string, n int) {
	k := channelPeer{ch, peer}
	t := m[k]
	if t == nil {
		t = &traffic{}
		m[k] = t
	}
	t.frames++
	t.bytes += uint64(n)
}

// publish snapshots the counters for the handlers, at the end of a tick
// (or of a flush without one, which the shell makes to retry held
// messages: its duration is not a tick's).
func (s *Stats) publish() {
	gs := s.g.Graph.Stats()
	s.mu.Lock()
	defer s.mu.Unlock()
	if gs.Ticks != s.mu.graph.Ticks && !s.tickStart.IsZero() {
		s.mu.ticks.observe(time.Since(s.tickStart).Seconds())
	}
	s.mu.graph = gs
	s.mu.sent = copyTraffic(s.mu.sent, s.sent)
	s.mu.received = copyTraffic(s.mu.received, s.received)
}

func copyTraffic(dst map[channelPeer]traffic, src map[channelPeer]*traffic) map[channelPeer]traffic {
	if dst == nil {
		dst = map[channelPeer]traffic{}
	}
	for k, t := range src {
		dst[k] = *t
	}
	return dst
}

// Labels are the labels every sample of a node carries.
type Labels struct {
	Node     string // the node's role: "Leader", "Worker/1"
	Location string // its location: "Leader", "Worker"
}

// WriteMetrics writes the counters as of the last tick, in the Prometheus
// text format, each sample labelled with ls.
func (s *Stats) WriteMetrics(w io.Writer, ls Labels) error {
	s.mu.Lock()
	gs := s.mu.graph
	sent := maps.Clone(s.mu.sent)
	received := maps.Clone(s.mu.received)
	ticks := s.mu.ticks.clone()
	s.mu.Unlock()

	p := &promWriter{w: bufio.NewWriter(w), base: renderLabels(label{"node", ls.Node}, label{"location", ls.Location})}
	p.family("hydro_ticks_total", "counter", "Ticks the node has run.")
	p.sample("hydro_ticks_total", float64(gs.Ticks))
	ticks.write(p, "hydro_tick_duration_seconds", "Duration of a tick and of the sending after it.")

	p.family("hydro_subgraph_runs_total", "counter", "Activations of each subgraph: an entry or handoff that pushed data in.")
	for _, sg := range gs.Subgraphs {
		p.sample("hydro_subgraph_runs_total", float64(sg.Runs), subgraphLabels(sg)...)
	}
	p.family("hydro_subgraph_items_total", "counter", "Items pushed into each subgraph.")
	for _, sg := range gs.Subgraphs {
		p.sample("hydro_subgraph_items_total", float64(sg.Items), subgraphLabels(sg)...)
	}
	p.family("hydro_handoff_items_total", "counter", "Items passed through each handoff between subgraphs.")
	for i, h := range gs.Handoffs {
		p.sample("hydro_handoff_items_total", float64(h.Items), handoffLabels(i, h)...)
	}
	p.family("hydro_handoff_buffered", "gauge", "Items waiting in each handoff.")
	for i, h := range gs.Handoffs {
		p.sample("hydro_handoff_buffered", float64(h.Buffered), handoffLabels(i, h)...)
	}
	writeTraffic(p, "sent", "to", sent)
	writeTraffic(p, "received", "from", received)
	return p.w.Flush()
}

func subgraphLabels(sg dfir.SubgraphStats) []label {
	return []label{{"subgraph", strconv.Itoa(sg.ID)}, {"stratum", strconv.Itoa(sg.Stratum)}, {"operators", strings.Join(sg.Operators, " → ")}}
}

func handoffLabels(i int, h dfir.HandoffStats) []label {
	return []label{{"handoff", strconv.Itoa(i)}, {"from", h.From}, {"to", h.To}, {"kind", h.Kind}}
}

// writeTraffic writes the frames and bytes of each channel and peer in
// one direction, in the order of channel and peer.
func writeTraffic(p *promWriter, dir, prep string, m map[channelPeer]traffic) {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b channelPeer) int {
		if a.channel != b.channel {
			return int(a.channel) - int(b.channel)
		}
		return strings.Compare(a.peer, b.peer)
	})
	frames, bytes := "hydro_channel_"+dir+"_frames_total", "hydro_channel_"+dir+"_bytes_total"
	p.family(frames, "counter", "Frames "+dir+" on each channel, "+prep+" each peer; a frame is one tick's batch of messages.")
	for _, k := range keys {
		p.sample(frames, float64(m[k].frames), label{"channel", strconv.FormatUint(uint64(k.channel), 10)}, label{"peer", k.peer})
	}
	p.family(bytes, "counter", "Payload bytes of those frames.")
	for _, k := range keys {
		p.sample(bytes, float64(m[k].bytes), label{"channel", strconv.FormatUint(uint64(k.channel), 10)}, label{"peer", k.peer})
	}
}
