// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro/transport/tcp"
)

// TestLinkMetrics: with WatchLink, the metrics carry the link's counters,
// each connection dropped under its reason; without it, none of them.
func TestLinkMetrics(t *testing.T) {
	n := newFakeNode(t)
	st := Watch(n.g, nameOf)
	var b strings.Builder
	if err := st.WriteMetrics(&b, Labels{Node: "Worker/1", Location: "Worker"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hydro_link_") {
		t.Errorf("metrics without WatchLink have link families:\n%s", b.String())
	}
	st.WatchLink(func() tcp.ListenerStats {
		return tcp.ListenerStats{Accepted: 3, Open: 2, Frames: 40, Bytes: 4096, Keepalives: 5, Refused: 1, Idle: 2, Stalled: 3, Malformed: 4}
	})
	b.Reset()
	if err := st.WriteMetrics(&b, Labels{Node: "Worker/1", Location: "Worker"}); err != nil {
		t.Fatal(err)
	}
	types, samples := parseProm(t, b.String())
	node := map[string]string{"node": "Worker/1", "location": "Worker"}
	for name, want := range map[string]float64{
		"hydro_link_connections_total": 3, "hydro_link_connections_open": 2, "hydro_link_frames_total": 40,
		"hydro_link_bytes_total": 4096, "hydro_link_keepalives_total": 5,
	} {
		if got := value(t, samples, name, node); got != want {
			t.Errorf("%s = %v; want %v", name, got, want)
		}
	}
	for reason, want := range map[string]float64{"refused": 1, "idle": 2, "stalled": 3, "malformed": 4} {
		if got := value(t, samples, "hydro_link_dropped_total", map[string]string{"reason": reason}); got != want {
			t.Errorf("hydro_link_dropped_total{reason=%q} = %v; want %v", reason, got, want)
		}
	}
	if types["hydro_link_connections_open"] != "gauge" || types["hydro_link_dropped_total"] != "counter" {
		t.Errorf("types = %v; want the open connections a gauge, the drops a counter", types)
	}
}
