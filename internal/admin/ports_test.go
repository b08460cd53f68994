// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"strings"
	"testing"
)

// Each port's counters are a sample of each family, labelled with the
// port's name, and typed as counters or gauges.
func TestPortMetrics(t *testing.T) {
	n := newFakeNode(t)
	s := Watch(n.g, nameOf)
	var text strings.Builder
	if err := s.WriteMetrics(&text, Labels{Node: "Server", Location: "Server"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "hydro_port_") {
		t.Errorf("metrics of a node without ports name ports:\n%s", text.String())
	}

	s.WatchPorts(func() []PortCounts {
		return []PortCounts{
			{Port: "Chat", Clients: 3, Accepted: 10, Refused: 2, AuthFailed: 4, BytesIn: 100, BytesOut: 2000, Dropped: 5, Slow: 1, TimedOut: 6, Paused: 7, Full: 8, RateLimited: 9, QueuedPeak: 4096},
			{Port: `odd"name`, Accepted: 1},
		}
	})
	text.Reset()
	if err := s.WriteMetrics(&text, Labels{Node: "Server", Location: "Server"}); err != nil {
		t.Fatal(err)
	}
	types, samples := parseProm(t, text.String())
	for name, want := range map[string]float64{
		"hydro_port_clients": 3, "hydro_port_accepted_total": 10, "hydro_port_refused_total": 2,
		"hydro_port_auth_failures_total": 4, "hydro_port_received_bytes_total": 100, "hydro_port_sent_bytes_total": 2000,
		"hydro_port_dropped_total": 5, "hydro_port_slow_closed_total": 1, "hydro_port_timed_out_total": 6,
		"hydro_port_paused_total": 7, "hydro_port_full_total": 8, "hydro_port_rate_limited_total": 9,
		"hydro_port_queued_peak_bytes": 4096,
	} {
		if got := value(t, samples, name, map[string]string{"port": "Chat", "node": "Server"}); got != want {
			t.Errorf("%s{port=Chat} = %v; want %v", name, got, want)
		}
		typ := "counter"
		if !strings.HasSuffix(name, "_total") {
			typ = "gauge"
		}
		if types[name] != typ {
			t.Errorf("%s is a %q; want %s", name, types[name], typ)
		}
	}
	if got := value(t, samples, "hydro_port_accepted_total", map[string]string{"port": `odd\"name`}); got != 1 {
		t.Errorf(`hydro_port_accepted_total{port="odd\"name"} = %v; want 1`, got)
	}
}
