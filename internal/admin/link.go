// SPDX-License-Identifier: Apache-2.0

package admin

import "github.com/hydro-go/hydro/transport/tcp"

// WatchLink makes the metrics include what the node's link to its peers
// has taken in: f returns its Listener's counters (tcp.Listener.Stats),
// zero before it listens. Call it before serving; f must be safe to call
// from any goroutine.
func (s *Stats) WatchLink(f func() tcp.ListenerStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.link = f
}

// writeLink writes the link's families, if WatchLink gave one.
func writeLink(p *promWriter, f func() tcp.ListenerStats) {
	if f == nil {
		return
	}
	ls := f()
	p.family("hydro_link_connections_total", "counter", "Connections peers opened that said hello, over TLS with a certificate accepted when TLS is on.")
	p.sample("hydro_link_connections_total", float64(ls.Accepted))
	p.family("hydro_link_connections_open", "gauge", "Of those, the connections open now.")
	p.sample("hydro_link_connections_open", float64(ls.Open))
	p.family("hydro_link_frames_total", "counter", "Frames received from peers, on every connection; keepalives are not counted.")
	p.sample("hydro_link_frames_total", float64(ls.Frames))
	p.family("hydro_link_bytes_total", "counter", "Encoded bytes of those frames.")
	p.sample("hydro_link_bytes_total", float64(ls.Bytes))
	p.family("hydro_link_keepalives_total", "counter", "Keepalive frames received from peers.")
	p.sample("hydro_link_keepalives_total", float64(ls.Keepalives))
	p.family("hydro_link_dropped_total", "counter", "Connections the node closed for what a peer sent or failed to send, by reason.")
	for _, r := range []struct {
		reason string
		n      uint64
	}{{"refused", ls.Refused}, {"idle", ls.Idle}, {"stalled", ls.Stalled}, {"malformed", ls.Malformed}} {
		p.sample("hydro_link_dropped_total", float64(r.n), label{"reason", r.reason})
	}
}
