// SPDX-License-Identifier: Apache-2.0

package viewer

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// The page's parts. viz-global.js is @viz-js/viz's dist/viz-global.js,
// written by fetch-viz.sh; TestVizAsset checks it against vizSHA256.
var (
	//go:embed assets/viz-global.js
	vizJS string
	//go:embed assets/app.js
	appJS string
	//go:embed assets/style.css
	styleCSS string
)

// vizSHA256 is the SHA-256 of assets/viz-global.js, as fetch-viz.sh pins it.
const vizSHA256 = "c9e0b310f9883910e01c66054b48b7ff4be3d8695141116635e72b0af152692e"

// VizVersion is the version of @viz-js/viz the page embeds.
const VizVersion = "3.31.0"

// Model is what the page shows. Its JSON is embedded in the page, where the
// script reads it.
type Model struct {
	// Title names the program, in the page's title and heading.
	Title string `json:"title"`
	// Flow is the flow's JSON description (hydro.Flow.JSON).
	Flow json.RawMessage `json:"flow"`
	// DOT draws the flow; its clusters have the ids loc<ID> and its
	// operators op<ID>, with the ids of Flow.
	DOT string `json:"dot"`
	// Problem says why the flow does not compile: the page then shows the
	// flow without its dfir graphs.
	Problem string `json:"problem,omitempty"`
	// Channels are the flow's networking edges, in the order they were
	// built (Drill fills them).
	Channels []Channel `json:"channels"`
	// Locations are the dfir graphs of the processes and clusters, in the
	// order the flow made them (Drill fills them).
	Locations []Location `json:"locations"`
	// Live holds a running node's counts; nil for a drawing.
	Live *Live `json:"live,omitempty"`
}

// Channel is a networking edge: its input at one location, its output at
// another.
type Channel struct {
	ID      uint32 `json:"id"`       // the channel id, as metrics label it
	Op      string `json:"op"`       // the networking operator
	From    int    `json:"from"`     // the node whose output is sent
	To      int    `json:"to"`       // the networking node, at the receiver
	FromLoc int    `json:"from_loc"` // the sender's location (a process or cluster)
	ToLoc   int    `json:"to_loc"`   // the receiver's location
	Route   string `json:"route"`    // which members get an item: one, by member, all, round robin
	Lossy   bool   `json:"lossy"`    // whether the channel may lose and repeat messages
}

// Location is the dfir graph of one process or cluster (of its member 0,
// with every cluster of one member: the shape is the same for any size).
type Location struct {
	ID        int        `json:"id"` // the location's id in Flow
	Name      string     `json:"name"`
	Kind      string     `json:"kind"` // Process or Cluster
	DOT       string     `json:"dot"`  // the dfir graph: strata, subgraphs, handoffs
	Strata    int        `json:"strata"`
	Subgraphs []Subgraph `json:"subgraphs"`
	Handoffs  []Handoff  `json:"handoffs"`
	Operators []Operator `json:"operators"` // by id
}

// Operator is one operator of a dfir graph.
type Operator struct {
	ID       int    `json:"id"`
	Label    string `json:"label"` // "map#3 (main.go:20)"
	Name     string `json:"name"`  // the collection's name (Named), if any
	Subgraph int    `json:"subgraph"`
}

// Subgraph is a fused pipeline of operators, run within one stratum.
type Subgraph struct {
	ID        int      `json:"id"`
	Stratum   int      `json:"stratum"`
	Operators []string `json:"operators"` // "map#3 (main.go:20)", in push order
}

// Handoff is a buffer between two subgraphs.
type Handoff struct {
	From string `json:"from"` // the producing operator
	To   string `json:"to"`   // the consuming operator
	Kind string `json:"kind"` // stratum, cycle, defer_tick or defer_tick_lazy
}

// Live is one running node's counts, as of a recent tick.
type Live struct {
	Node     string `json:"node"`     // the node's role: "Worker/1"
	Location int    `json:"location"` // the id of its location in Flow
	Ticks    uint64 `json:"ticks"`
	// Subgraphs and Handoffs are in the order of the node's location's
	// Subgraphs and Handoffs.
	Subgraphs []SubgraphCount `json:"subgraphs"`
	Handoffs  []HandoffCount  `json:"handoffs"`
	Operators []OperatorCount `json:"operators"` // in the order of the location's Operators
	Traffic   []Traffic       `json:"traffic"`
	// Poll, if set, is a URL on the same server that answers a fresh Live
	// as JSON; the page fetches it every two seconds.
	Poll string `json:"poll,omitempty"`
}

// SubgraphCount counts the work that entered a subgraph.
type SubgraphCount struct {
	ID    int    `json:"id"`
	Runs  uint64 `json:"runs"`
	Items uint64 `json:"items"`
}

// OperatorCount counts an operator's items and the time spent in its own
// work (operators it pushes to directly not included).
type OperatorCount struct {
	ID      int     `json:"id"`
	Items   uint64  `json:"items"`
	Seconds float64 `json:"seconds"`
}

// HandoffCount counts what went through a handoff.
type HandoffCount struct {
	Items    uint64 `json:"items"`
	Buffered int    `json:"buffered"`
}

// Traffic counts one direction of a channel with one peer.
type Traffic struct {
	Channel uint32 `json:"channel"`
	Peer    string `json:"peer"`
	Sent    bool   `json:"sent"` // sent to the peer, or received from it
	Frames  uint64 `json:"frames"`
	Bytes   uint64 `json:"bytes"`
}

// Drill fills m's Channels and Locations from fl, a flow that passed the
// language's checks: it lowers every process and cluster to a dfir graph
// of its own and compiles it, without running it.
func (m *Model) Drill(fl *ir.Flow) error {
	m.Channels = m.Channels[:0]
	for _, n := range fl.Nodes {
		if n.Net == nil || len(n.Inputs) == 0 || n.Inputs[0] == nil {
			continue
		}
		in := n.Inputs[0]
		m.Channels = append(m.Channels, Channel{
			ID: n.Net.Channel, Op: n.Op, From: in.ID, To: n.ID,
			FromLoc: in.Loc.Root().ID, ToLoc: n.Loc.Root().ID,
			Route: n.Net.Route.String(), Lossy: n.Net.Lossy,
		})
	}
	m.Locations = m.Locations[:0]
	for _, l := range fl.Locations {
		if l.Parent != nil || l.Kind == ir.External {
			continue
		}
		g, err := compile.LowerOne(fl, compile.Dest{Loc: l}, compile.Env{})
		if err != nil {
			return fmt.Errorf("viewer: lowering %v: %w", l, err)
		}
		loc, err := NewLocation(l, g.Graph)
		if err != nil {
			return err
		}
		m.Locations = append(m.Locations, loc)
	}
	return nil
}

// NewLocation describes the dfir graph g that location l lowered to,
// compiling g if it is not yet. It reads g's structure, so it must not
// run while g ticks.
func NewLocation(l *ir.Location, g *dfir.Graph) (Location, error) {
	if err := g.Compile(); err != nil {
		return Location{}, fmt.Errorf("viewer: compiling the dfir graph of %v: %w", l, err)
	}
	st := g.Stats()
	// NB: Graphviz knows Courier's metrics and not those of a generic
	// monospace font, which a browser draws wider than the boxes.
	dot := strings.Replace(g.DOT(), "fontname=monospace", "fontname=Courier", 1)
	loc := Location{ID: l.ID, Name: l.Name, Kind: l.Kind.String(), DOT: dot,
		Subgraphs: []Subgraph{}, Handoffs: []Handoff{}, Operators: []Operator{}}
	for _, sg := range st.Subgraphs {
		loc.Subgraphs = append(loc.Subgraphs, Subgraph{ID: sg.ID, Stratum: sg.Stratum, Operators: sg.Operators})
		loc.Strata = max(loc.Strata, sg.Stratum+1)
	}
	for _, h := range st.Handoffs {
		loc.Handoffs = append(loc.Handoffs, Handoff{From: h.From, To: h.To, Kind: h.Kind})
	}
	for _, o := range st.Operators {
		loc.Operators = append(loc.Operators, Operator{ID: o.ID, Label: o.String(), Name: o.Collection, Subgraph: o.Subgraph})
	}
	return loc, nil
}

// Write writes the page that shows m.
func Write(w io.Writer, m *Model) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("viewer: encoding the model: %w", err)
	}
	title := "Hydro flow"
	if m.Title != "" {
		title = m.Title + " · " + title
	}
	var b bytes.Buffer
	b.Grow(len(vizJS) + len(appJS) + len(data) + 4096)
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	// NB: the page may load nothing from elsewhere: the policy makes a
	// slip (a font, a stylesheet, a script from a CDN) fail in the
	// browser test instead of working online only.
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", html.EscapeString(title), styleCSS)
	// json.Marshal escapes <, > and & inside strings, so the model cannot
	// end its script element.
	b.WriteString("<script type=\"application/json\" id=\"hydro-model\">")
	b.Write(data)
	b.WriteString("</script>\n<script>\n")
	b.WriteString(vizJS)
	b.WriteString("\n</script>\n<script>\n")
	b.WriteString(appJS)
	b.WriteString("\n</script>\n</body>\n</html>\n")
	_, err = w.Write(b.Bytes())
	return err
}
