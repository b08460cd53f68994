// SPDX-License-Identifier: Apache-2.0

// Package viewer writes the flow viewer: one self-contained HTML page that
// draws a flow in the browser, offline, and lets the reader drill down from
// a location to the dfir graph it lowers to.
//
// # Usage
//
// The language fills a Model (hydro.Flow.HTML does) with the flow's JSON
// description, a DOT drawing of it whose groups and nodes carry the ids the
// page looks for (loc<ID> for a location, op<ID> for an operator), and,
// when the flow compiles, what Drill finds by lowering every process and
// cluster: each location's dfir graph, its subgraphs and strata, its
// handoffs, and the flow's channels. Write turns a Model into the page:
//
//	m := &viewer.Model{Title: "counter", Flow: js, DOT: dot}
//	if err := m.Drill(fl); err != nil { ... }
//	err := viewer.Write(w, m)
//
// A node's admin port serves the same page with Live set: the node's own
// counts (ticks, each subgraph's runs and items, each handoff's items and
// backlog, each channel's frames and bytes per peer), which the page shows
// next to what they count, and, with Live.Poll, the URL on the same server
// that it fetches fresh counts from every two seconds.
//
// # The page
//
// The page embeds a pinned Graphviz compiled to WebAssembly (@viz-js/viz
// 3.31.0, MIT, fetched by fetch-viz.sh with npm pack and checked by
// SHA-256; the fetched file is committed, so that go build alone builds
// the module), its own script and style, and the Model as JSON: it loads
// nothing from the network. It draws the flow with every location as a
// box (ticks nested in their location), every operator labelled with its
// collection kind, its guarantees (bounded, ordered, exactly-once), its
// NonDet reason and its source line, and the channels between locations
// as bold blue edges. Clicking a location, or choosing it in the side bar,
// opens its dfir graph: operators fused into subgraphs inside strata,
// handoffs dashed, with a table of the subgraphs and handoffs. The URL's
// fragment names the view (#loc=3), so a view can be linked and reloaded.
//
// When the page has drawn a view it sets data-rendered on the body to the
// view's name ("flow", or "loc=3"), and data-error to what went wrong if
// drawing failed: a headless browser waits for these (see the test).
//
// # Determinism
//
// Write's output is a function of the Model; Drill's of the flow. Neither
// runs the flow: Drill lowers each location to a fresh dfir graph and
// compiles it, without a tick.
package viewer
