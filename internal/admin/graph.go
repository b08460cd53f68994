// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/hydro-go/hydro/internal/viewer"
)

// livePath is where the page served at /graph fetches fresh counts.
const livePath = "/graph/live.json"

// page returns the flow's page for this node: m, with the node's own
// location drawn from the graph it runs, so that the live counts line up
// with its subgraphs and handoffs one for one. It reads the graph's
// structure, so it must run before the graph does.
func (s *Stats) page(m *viewer.Model) (*viewer.Model, error) {
	own, err := viewer.NewLocation(s.g.Dest.Loc, s.g.Graph)
	if err != nil {
		return nil, err
	}
	p := *m
	p.Locations = slices.Clone(m.Locations)
	if i := slices.IndexFunc(p.Locations, func(l viewer.Location) bool { return l.ID == own.ID }); i >= 0 {
		p.Locations[i] = own
	} else {
		p.Locations = append(p.Locations, own)
	}
	return &p, nil
}

// Live returns the node's counts as the viewer shows them, as of a recent
// tick (see the package's Concurrency section).
func (s *Stats) Live(node string) *viewer.Live {
	gs, nanos := s.fresh()
	s.mu.Lock()
	sent := maps.Clone(s.mu.sent)
	received := maps.Clone(s.mu.received)
	s.mu.Unlock()
	lv := &viewer.Live{Node: node, Location: s.g.Dest.Loc.ID, Ticks: s.ticks.Load(), Poll: livePath,
		Subgraphs: []viewer.SubgraphCount{}, Handoffs: []viewer.HandoffCount{}, Operators: []viewer.OperatorCount{}, Traffic: []viewer.Traffic{}}
	for _, sg := range gs.Subgraphs {
		lv.Subgraphs = append(lv.Subgraphs, viewer.SubgraphCount{ID: sg.ID, Runs: sg.Runs, Items: sg.Items})
	}
	for i, o := range gs.Operators {
		lv.Operators = append(lv.Operators, viewer.OperatorCount{ID: o.ID, Items: o.Items, Seconds: seconds(nanos, i)})
	}
	for _, h := range gs.Handoffs {
		lv.Handoffs = append(lv.Handoffs, viewer.HandoffCount{Items: h.Items, Buffered: h.Buffered})
	}
	for _, dir := range []struct {
		sent bool
		m    map[channelPeer]*traffic
	}{{true, sent}, {false, received}} {
		for _, k := range sortedPeers(dir.m) {
			t := dir.m[k]
			lv.Traffic = append(lv.Traffic, viewer.Traffic{Channel: k.channel, Peer: k.peer, Sent: dir.sent,
				Frames: t.frames.Load(), Bytes: t.bytes.Load()})
		}
	}
	s.scraped()
	return lv
}

// sortedPeers lists m's keys in the order of channel and peer.
func sortedPeers(m map[channelPeer]*traffic) []channelPeer {
	return slices.SortedFunc(maps.Keys(m), func(a, b channelPeer) int {
		if a.channel != b.channel {
			return int(a.channel) - int(b.channel)
		}
		return strings.Compare(a.peer, b.peer)
	})
}

// graphHandlers serves the page at /graph, with the counts of the moment,
// and fresh counts at /graph/live.json for the page to poll.
func graphHandlers(mux *http.ServeMux, s *Stats, node string, page *viewer.Model) {
	mux.HandleFunc("GET /graph", func(w http.ResponseWriter, r *http.Request) {
		p := *page
		p.Live = s.Live(node)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = viewer.Write(w, &p)
	})
	mux.HandleFunc("GET "+livePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(s.Live(node))
	})
}
