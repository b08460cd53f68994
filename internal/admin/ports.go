// SPDX-License-Identifier: Apache-2.0

package admin

// PortCounts are one external port's counters, as the node's shell keeps
// them (package node's PortCounts), read at a scrape.
type PortCounts struct {
	Port              string // the port's name
	Clients           int64  // served now
	Accepted          uint64 // taken in
	Refused           uint64 // closed in their TLS handshake, or for taking too long over it
	AuthFailed        uint64 // closed for a missing or wrong token
	BytesIn, BytesOut uint64 // read from clients, written to them
	Dropped           uint64 // messages for clients already gone
	Slow              uint64 // clients closed for falling behind
	TimedOut          uint64 // clients closed for stalling or idling
	Paused            uint64 // times a client's reader waited for room
	Full, RateLimited uint64 // times accepting stopped at MaxClients, at AcceptRate
	QueuedPeak        int64  // most bytes queued for the clients at once
}

// WatchPorts has WriteMetrics report the external ports' counters, which
// ports returns at each scrape, in the order it gives them. It must be
// called before the handlers serve.
func (s *Stats) WatchPorts(ports func() []PortCounts) { s.ports = ports }

// portFamilies are the metric families of the ports: name, type, help,
// and the value of one port's counters.
var portFamilies = []struct {
	name, typ, help string
	value           func(*PortCounts) float64
}{
	{"hydro_port_clients", "gauge", "Clients each external port serves now.", func(p *PortCounts) float64 { return float64(p.Clients) }},
	{"hydro_port_accepted_total", "counter", "Clients each port took in.", func(p *PortCounts) float64 { return float64(p.Accepted) }},
	{"hydro_port_refused_total", "counter", "Connections closed in their TLS handshake: it failed, or with the AUTH line took longer than the port allows.", func(p *PortCounts) float64 { return float64(p.Refused) }},
	{"hydro_port_auth_failures_total", "counter", "Connections closed for a missing, malformed or wrong token.", func(p *PortCounts) float64 { return float64(p.AuthFailed) }},
	{"hydro_port_received_bytes_total", "counter", "Bytes read from the port's clients.", func(p *PortCounts) float64 { return float64(p.BytesIn) }},
	{"hydro_port_sent_bytes_total", "counter", "Bytes written to the port's clients.", func(p *PortCounts) float64 { return float64(p.BytesOut) }},
	{"hydro_port_dropped_total", "counter", "Messages for clients already gone, dropped.", func(p *PortCounts) float64 { return float64(p.Dropped) }},
	{"hydro_port_slow_closed_total", "counter", "Clients closed because their queue, or the port's, passed its bound.", func(p *PortCounts) float64 { return float64(p.Slow) }},
	{"hydro_port_timed_out_total", "counter", "Clients closed for stalling inside a message or idling.", func(p *PortCounts) float64 { return float64(p.TimedOut) }},
	{"hydro_port_paused_total", "counter", "Times a client's reader stopped for want of room in a queue.", func(p *PortCounts) float64 { return float64(p.Paused) }},
	{"hydro_port_full_total", "counter", "Times the port stopped accepting at its bound on clients.", func(p *PortCounts) float64 { return float64(p.Full) }},
	{"hydro_port_rate_limited_total", "counter", "Times the port stopped accepting at its accept rate.", func(p *PortCounts) float64 { return float64(p.RateLimited) }},
	{"hydro_port_queued_peak_bytes", "gauge", "Most bytes queued for the port's clients at once.", func(p *PortCounts) float64 { return float64(p.QueuedPeak) }},
}

// writePorts writes the families of the ports, if any is watched.
func (s *Stats) writePorts(p *promWriter) {
	if s.ports == nil {
		return
	}
	ports := s.ports()
	for _, f := range portFamilies {
		p.family(f.name, f.typ, f.help)
		for i := range ports {
			p.sample(f.name, f.value(&ports[i]), label{"port", ports[i].Port})
		}
	}
}
