// SPDX-License-Identifier: Apache-2.0

// Package admin serves a running node's metrics, profiles and flow graph
// over HTTP, when the deployer's -admin flag asks for it.
//
// # Usage
//
// Before the node runs its graph, Watch instruments it: it wraps the
// graph's outboxes and inboxes to count each channel's frames and bytes,
// and adds a hook at the end of every tick that publishes a snapshot of
// the graph's counters (dfir.Stats) and the tick's duration. Then Serve
// answers, on a listener of its own, until its context ends:
//
//	/metrics           the counters in the Prometheus text format (0.0.4)
//	/debug/pprof/      net/http/pprof, on this server's mux only
//	/graph             the flow viewer's page (package viewer), with the
//	                   node's live counts next to its subgraphs, handoffs
//	                   and channels
//	/graph/live.json   those counts, which the page fetches every 2 s
//
//	st := admin.Watch(g, nameOf)
//	page, _ := lang.View(f) // the page hydro.Flow.HTML writes
//	h, err := admin.Handler(st, admin.Labels{Node: "Worker/1", Location: "Worker"}, page)
//	go admin.Serve(ctx, ln, h)
//	node.Run(ctx, g, ...)
//
// Handler draws the node's own location from the graph it runs, so that
// its counts line up with the drawn subgraphs one for one: it must be
// called before the graph runs.
//
// The metrics are written by this package, without a Prometheus client
// library. Every sample carries the labels node (the role, "Worker/1")
// and location ("Worker"). The families:
//
//	hydro_ticks_total                  counter    ticks run
//	hydro_tick_duration_seconds        histogram  a tick and the sending after it
//	hydro_subgraph_runs_total          counter    activations of each subgraph
//	hydro_subgraph_items_total         counter    items pushed into each subgraph
//	hydro_handoff_items_total          counter    items through each handoff
//	hydro_handoff_buffered             gauge      items waiting in each handoff
//	hydro_operator_items_total         counter    items each operator took in (a source's: emitted)
//	hydro_operator_seconds_total       counter    time in each operator's own work
//	hydro_channel_sent_frames_total    counter    frames sent, by channel and peer
//	hydro_channel_sent_bytes_total     counter    their payload bytes
//	hydro_channel_received_frames_total counter   frames received, by channel and peer
//	hydro_channel_received_bytes_total counter    their payload bytes
//
// and, by external port (label port), when the shell hands its counters
// to WatchPorts:
//
//	hydro_port_clients                 gauge      clients served now
//	hydro_port_accepted_total          counter    clients taken in
//	hydro_port_refused_total           counter    TLS handshakes failed or too slow
//	hydro_port_auth_failures_total     counter    missing or wrong tokens
//	hydro_port_received_bytes_total    counter    bytes read from clients
//	hydro_port_sent_bytes_total        counter    bytes written to them
//	hydro_port_dropped_total           counter    messages for clients gone
//	hydro_port_slow_closed_total       counter    clients closed as too slow
//	hydro_port_timed_out_total         counter    clients closed for stalling or idling
//	hydro_port_paused_total            counter    times a reader waited for room
//	hydro_port_full_total              counter    stops at the bound on clients
//	hydro_port_rate_limited_total      counter    stops at the accept rate
//	hydro_port_queued_peak_bytes       gauge      most bytes queued at once
//
// With WatchLink (deploy gives it the node's tcp.Listener.Stats), the link
// to the node's peers too:
//
//	hydro_link_connections_total       counter    connections peers opened
//	hydro_link_connections_open        gauge      of those, open now
//	hydro_link_frames_total            counter    frames received, keepalives not counted
//	hydro_link_bytes_total             counter    their encoded bytes
//	hydro_link_keepalives_total        counter    keepalive frames received
//	hydro_link_dropped_total           counter    connections closed, by reason:
//	                                              refused, idle, stalled, malformed
//
// A subgraph is labelled with its id, stratum and the operators fused into
// it. An operator is labelled with its id in the node's dfir graph
// (operator), its kind (op: map, fold, ...), the name of its collection
// (name, what Named gave it, or empty), the user's file:line that built it
// (line) and its subgraph. Its seconds are the time the tick spent in the
// operator's own work, the operators it pushed to directly not included:
// Watch makes the graph tell a dfir.Observer of this package when each
// operator starts and stops, which reads the clock twice per batch and
// operator (about 1 µs more per tick of a small graph). The same observer
// labels the goroutine running the tick with pprof labels (location,
// operator, name), so that a CPU profile from /debug/pprof/profile splits
// the location's time by operator (go tool pprof -tagfocus, -tags).
//
// # Concurrency
//
// Watch must be called before the graph runs. The hooks it installs run
// under the node's lock, with its ticks. They count ticks, their
// durations and each channel's traffic as they go, and the handlers read
// those counts as they are. The graph's own counters (subgraphs and
// handoffs, from dfir.Stats) cost more to read: the end of a tick takes a
// snapshot of them at most every millisecond, and the first tick after a
// scrape takes one anyway. A scrape that finds the snapshot behind the
// ticks waits up to 50 ms for a tick to take a fresh one. So on a busy
// node the subgraph counts are those of a tick at most a millisecond old;
// on a node gone idle, they may miss the ticks of the last millisecond
// before it did, never more.
package admin
