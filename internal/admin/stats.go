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
	"sync/atomic"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/transport/tcp"
)

// snapshotEvery is how often, at most, the end of a tick takes a snapshot
// of the graph's counters (dfir.Stats, which costs about 2 µs and a few
// allocations): the first tick after a scrape takes one anyway.
const snapshotEvery = time.Millisecond

// Stats are the counters of one instrumented graph.
type Stats struct {
	g      *compile.Graph
	nameOf func(compile.Dest) string

	// Used by the hooks only, under the node's lock.
	tickStart time.Time // set by the feeder before a tick; zero after
	lastSnap  time.Time
	names     map[compile.Dest]string
	sent      map[channelPeer]*traffic
	received  map[channelPeer]*traffic

	ports func() []PortCounts // the external ports' counters (WatchPorts)
	timer *opTimer            // times the operators

	ticks atomic.Uint64 // ticks ended
	want  atomic.Bool   // a scrape asks the next tick for a snapshot

	// mu guards what the hooks publish for the handlers.
	mu struct {
		sync.Mutex
		graph    dfir.Stats // as of the last snapshot
		nanos    []int64    // the operators' time, as of the last snapshot
		sent     map[channelPeer]*traffic
		received map[channelPeer]*traffic
		durs     histogram
		snapped  chan struct{}            // closed by the next snapshot, for a waiting scrape
		link     func() tcp.ListenerStats // WatchLink
	}
}

// channelPeer identifies one direction of a channel with one peer.
type channelPeer struct {
	channel uint32
	peer    string
}

// traffic counts the frames of a channel with a peer and their payload
// bytes: added to under the node's lock, read by the handlers.
type traffic struct{ frames, bytes atomic.Uint64 }

// Watch instruments g, which must not be running yet, and returns its
// counters. nameOf names a peer ("Worker/3") by its place in the fleet.
func Watch(g *compile.Graph, nameOf func(compile.Dest) string) *Stats {
	s := &Stats{g: g, nameOf: nameOf, names: map[compile.Dest]string{},
		sent: map[channelPeer]*traffic{}, received: map[channelPeer]*traffic{}}
	s.mu.sent, s.mu.received = map[channelPeer]*traffic{}, map[channelPeer]*traffic{}
	s.mu.durs = newHistogram(tickBuckets)
	s.mu.snapped = make(chan struct{})
	for i, o := range g.Outboxes {
		flush := o.Flush
		g.Outboxes[i].Flush = func(send func(to compile.Dest, payload []byte) error) error {
			return flush(func(to compile.Dest, payload []byte) error {
				s.count(s.sent, &s.mu.sent, o.Channel, s.name(to), len(payload))
				return send(to, payload)
			})
		}
	}
	for ch, in := range g.Inboxes {
		deliver := in.Deliver
		in.Deliver = func(from uint32, payload []byte) error {
			peer := ""
			if in.From != nil {
				peer = s.name(compile.Dest{Loc: in.From, Member: from})
			}
			s.count(s.received, &s.mu.received, ch, peer, len(payload))
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
		s.tickEnded()
		return nil
	}})
	s.timer = newOpTimer(g.Dest.Loc.Name, g.Graph.Stats().Operators)
	g.Graph.Observe(s.timer)
	s.snapshot(time.Time{}) // and the first tick takes another
	return s
}

// name names a peer, once per peer.
func (s *Stats) name(d compile.Dest) string {
	n, ok := s.names[d]
	if !ok {
		n = s.nameOf(d)
		s.names[d] = n
	}
	return n
}

// count adds a frame of n bytes on channel ch with peer to m, and to
// shared, the handlers' copy of m's keys, when it is the first.
func (s *Stats) count(m map[channelPeer]*traffic, shared *map[channelPeer]*traffic, ch uint32, peer string, n int) {
	k := channelPeer{ch, peer}
	t := m[k]
	if t == nil {
		t = &traffic{}
		m[k] = t
		s.mu.Lock()
		(*shared)[k] = t
		s.mu.Unlock()
	}
	t.frames.Add(1)
	t.bytes.Add(uint64(n))
}

// tickEnded counts a tick and its duration, and takes a snapshot of the
// graph's counters if the last is older than snapshotEvery or a scrape
// asked for one. The shell also flushes without a tick, to retry held
// messages: that is not counted.
func (s *Stats) tickEnded() {
	if s.tickStart.IsZero() {
		return
	}
	now := time.Now()
	d := now.Sub(s.tickStart).Seconds()
	s.tickStart = time.Time{}
	s.ticks.Add(1)
	s.mu.Lock()
	s.mu.durs.observe(d)
	s.mu.Unlock()
	if s.want.Load() || now.Sub(s.lastSnap) >= snapshotEvery {
		s.snapshot(now)
	}
}

// snapshot publishes the graph's counters for the handlers.
func (s *Stats) snapshot(now time.Time) {
	gs := s.g.Graph.Stats()
	s.lastSnap = now
	s.want.Store(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.graph = gs
	s.mu.nanos = append(s.mu.nanos[:0], s.timer.nanos...)
	close(s.mu.snapped)
	s.mu.snapped = make(chan struct{})
}

// scrapeWait is how long a scrape waits for a tick to take a fresh
// snapshot of the graph's counters, when the node ticked since the last.
const scrapeWait = 50 * time.Millisecond

// fresh waits until the snapshot of the graph's counters includes every
// tick that had ended when it was called, or scrapeWait passes (the node
// is idle, and the snapshot misses at most its last snapshotEvery of
// ticks); it returns the snapshot, and the operators' time in it.
func (s *Stats) fresh() (dfir.Stats, []int64) {
	ticks := s.ticks.Load()
	s.mu.Lock()
	gs, nanos, snapped := s.mu.graph, slices.Clone(s.mu.nanos), s.mu.snapped
	s.mu.Unlock()
	if gs.Ticks >= ticks {
		return gs, nanos
	}
	s.want.Store(true)
	t := time.NewTimer(scrapeWait)
	defer t.Stop()
	select {
	case <-snapped:
	case <-t.C:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.graph, slices.Clone(s.mu.nanos)
}

// scraped asks the next tick for a snapshot, for the next scrape: a node
// that then goes idle has it.
func (s *Stats) scraped() { s.want.Store(true) }

// Labels are the labels every sample of a node carries.
type Labels struct {
	Node     string // the node's role: "Leader", "Worker/1"
	Location string // its location: "Leader", "Worker"
}

// WriteMetrics writes the counters as of the last tick, in the Prometheus
// text format, each sample labelled with ls.
func (s *Stats) WriteMetrics(w io.Writer, ls Labels) error {
	gs, nanos := s.fresh()
	s.mu.Lock()
	sent := maps.Clone(s.mu.sent)
	received := maps.Clone(s.mu.received)
	durs := s.mu.durs.clone()
	link := s.mu.link
	s.mu.Unlock()

	p := &promWriter{w: bufio.NewWriter(w), base: renderLabels(label{"node", ls.Node}, label{"location", ls.Location})}
	p.family("hydro_ticks_total", "counter", "Ticks the node has run.")
	p.sample("hydro_ticks_total", float64(s.ticks.Load()))
	durs.write(p, "hydro_tick_duration_seconds", "Duration of a tick and of the sending after it.")

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
	writeOperators(p, gs.Operators, nanos)
	writeTraffic(p, "sent", "to", sent)
	writeTraffic(p, "received", "from", received)
	s.writePorts(p)
	writeLink(p, link)
	s.scraped()
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
func writeTraffic(p *promWriter, dir, prep string, m map[channelPeer]*traffic) {
	keys := sortedPeers(m)
	frames, bytes := "hydro_channel_"+dir+"_frames_total", "hydro_channel_"+dir+"_bytes_total"
	p.family(frames, "counter", "Frames "+dir+" on each channel, "+prep+" each peer; a frame is one tick's batch of messages.")
	for _, k := range keys {
		p.sample(frames, float64(m[k].frames.Load()), label{"channel", strconv.FormatUint(uint64(k.channel), 10)}, label{"peer", k.peer})
	}
	p.family(bytes, "counter", "Payload bytes of those frames.")
	for _, k := range keys {
		p.sample(bytes, float64(m[k].bytes.Load()), label{"channel", strconv.FormatUint(uint64(k.channel), 10)}, label{"peer", k.peer})
	}
}
