// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/viewer"
)

// Drawing a flow: Mermaid, DOT and JSON views of the operators a flow holds,
// before it is compiled (or even valid). The drawings share one layout:
//
//   - every process, cluster and external location is a group, and each of
//     its ticks is a group nested inside it;
//   - a node is labelled with its operator (and its arguments, if it has
//     any), the collection it produces (ir.Props), the NonDet reason of a
//     non-deterministic operator, and the user's file:line;
//   - sinks are drawn as terminals (a stadium in Mermaid, a rounded box in
//     DOT);
//   - an edge runs from each input to its consumer; it is dashed when it
//     crosses from one location to another (batch, snapshot, all_ticks,
//     latest, and networking); a forward reference's input is its back edge,
//     labelled "cycle", and is left out while the reference is incomplete;
//   - the inputs of an operator with several are labelled "in 0", "in 1", …
//
// Everything is emitted in the order the flow was built: the same program
// draws the same bytes every time.

// Mermaid draws the flow as a Mermaid flowchart (paste it into
// https://mermaid.live, or into a Markdown file inside a ```mermaid block).
// Node ids are "n" and the node's index in the flow; location groups are
// "loc" and the location's index, as in JSON. Labels name the file of each
// call site without its directory; JSON has the whole recorded file.
func (f *Flow) Mermaid() string {
	d := newDrawing(&f.ir)
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	d.walk(drawer{
		open: func(depth int, l *ir.Location) {
			fmt.Fprintf(&b, "%ssubgraph loc%d [\"%s\"]\n", indent(depth), l.ID, mermaidText(d.title(l)))
		},
		node: func(depth int, n *ir.Node) {
			lo, hi := "[", "]"
			if n.Props.Kind == ir.Sink {
				lo, hi = "([", "])"
			}
			fmt.Fprintf(&b, "%sn%d%s\"%s\"%s\n", indent(depth), n.ID, lo, mermaidText(nodeLabel(n)), hi)
		},
		close: func(depth int) {
			fmt.Fprintf(&b, "%send\n", indent(depth))
		},
	})
	for _, e := range d.edges() {
		arrow := "-->"
		if e.crossing {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "    n%d %s", e.from.ID, arrow)
		if label := e.label(); label != "" {
			fmt.Fprintf(&b, "|\"%s\"|", mermaidText(label))
		}
		fmt.Fprintf(&b, " n%d\n", e.to.ID)
	}
	return b.String()
}

// DOT draws the flow in Graphviz's language (render it with
// `dot -Tsvg`): locations are clusters, ticks are clusters nested in their
// location, and back edges do not constrain the ranking, so that cycles do
// not distort the layout. Node and cluster names follow Mermaid's.
func (f *Flow) DOT() string { return f.dot(false) }

// dot draws the flow in DOT; styled adds what the viewer's page needs:
// ids it finds the drawn parts by (loc<ID> on a location, op<ID> on an
// operator, ch<ID> on a channel), a fill per kind of location, and
// channels drawn bold and blue, labelled with their id and route.
func (f *Flow) dot(styled bool) string {
	d := newDrawing(&f.ir)
	var b strings.Builder
	b.WriteString("digraph flow {\n    node [shape=box, fontname=monospace];\n")
	if styled {
		b.WriteString("    graph [fontname=\"sans-serif\", nodesep=0.3, ranksep=0.45];\n")
		// NB: Graphviz sizes boxes by the metrics it knows, which include
		// Courier's and not those of a generic "monospace": with the
		// latter, a browser's wider font overflows the boxes.
		b.WriteString("    node [fontname=Courier, style=filled, fillcolor=white, fontsize=11];\n    edge [fontname=Courier, fontsize=10];\n")
	}
	d.walk(drawer{
		open: func(depth int, l *ir.Location) {
			fmt.Fprintf(&b, "%ssubgraph cluster_loc%d {\n%s    label=\"%s\";\n", indent(depth), l.ID, indent(depth), dotText(d.title(l)))
			if styled {
				fmt.Fprintf(&b, "%s    id=\"loc%d\"; %s\n", indent(depth), l.ID, locationStyle(l.Kind))
			}
		},
		node: func(depth int, n *ir.Node) {
			fmt.Fprintf(&b, "%sn%d [label=\"%s\"", indent(depth), n.ID, dotText(nodeLabel(n)))
			if styled {
				fmt.Fprintf(&b, ", id=\"op%d\"", n.ID)
			}
			if n.Props.Kind == ir.Sink {
				if styled {
					b.WriteString(", style=\"rounded,filled\"")
				} else {
					b.WriteString(", style=rounded")
				}
			}
			b.WriteString("];\n")
		},
		close: func(depth int) {
			fmt.Fprintf(&b, "%s}\n", indent(depth))
		},
	})
	for _, e := range d.edges() {
		var attrs []string
		label := e.label()
		if styled && e.to.Net != nil && !e.back {
			attrs = append(attrs, fmt.Sprintf("id=\"ch%d\"", e.to.Net.Channel), `color="#0550ae"`, `fontcolor="#0550ae"`, "penwidth=2.2")
			ch := fmt.Sprintf("channel %d, %s", e.to.Net.Channel, e.to.Net.Route)
			if e.to.Net.Lossy {
				ch += ", lossy"
			}
			label = strings.TrimPrefix(label+"\n"+ch, "\n")
		}
		if label != "" {
			attrs = append(attrs, fmt.Sprintf("label=\"%s\"", dotText(label)))
		}
		if e.crossing && !(styled && e.to.Net != nil) {
			attrs = append(attrs, "style=dashed")
		}
		if e.back {
			attrs = append(attrs, "constraint=false")
		}
		fmt.Fprintf(&b, "    n%d -> n%d", e.from.ID, e.to.ID)
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// locationStyle fills a location's box by its kind.
func locationStyle(k ir.LocKind) string {
	switch k {
	case ir.Process:
		return `style=filled; fillcolor="#eef5ff"; color="#54aeff";`
	case ir.Cluster:
		return `style="filled,bold"; fillcolor="#fff4e5"; color="#d4a72c";`
	case ir.External:
		return `style="filled,dashed"; fillcolor="#f6f8fa"; color="#8c959f";`
	}
	return `style="filled,rounded,dashed"; fillcolor="#ffffff"; color="#8c959f";`
}

// HTML draws the flow as a page that any browser shows offline: Graphviz,
// compiled to WebAssembly, draws it in the page, with every location as a
// box, every operator labelled with its collection and call site, and the
// channels between locations in bold blue; clicking a location shows the
// dfir graph it lowers to, its subgraphs and strata. The page embeds
// everything it needs (about 1.4 MB) and loads nothing.
//
// A flow that does not compile is drawn without its dfir graphs, with its
// problems on the page; HTML fails only if lowering a location that
// compiled does, which is a bug.
func (f *Flow) HTML() ([]byte, error) {
	m, err := f.viewerModel()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := viewer.Write(&b, m); err != nil {
		return nil, fmt.Errorf("hydro: drawing the flow as HTML: %w", err)
	}
	return b.Bytes(), nil
}

func init() {
	lang.View = func(f any) (*viewer.Model, error) { return f.(*Flow).viewerModel() }
}

// viewerModel is what the viewer's page shows of the flow.
func (f *Flow) viewerModel() (*viewer.Model, error) {
	js, err := f.JSON()
	if err != nil {
		return nil, err
	}
	m := &viewer.Model{Flow: js, DOT: f.dot(true)}
	if err := f.Compile(); err != nil {
		m.Problem = err.Error()
		return m, nil
	}
	if err := m.Drill(&f.ir); err != nil {
		return nil, fmt.Errorf("hydro: drawing the flow as HTML: %w", err)
	}
	return m, nil
}

// JSON describes the flow for tools, pretty-printed. The schema is stable:
// fields may be added, never renamed or removed.
//
//	{
//	  "locations": [            // in the order they were made; id is the index
//	    {"id": 0, "kind": "Process", "name": "Leader", "parent": null},
//	    {"id": 1, "kind": "Tick", "name": "tick", "parent": 0}
//	  ],
//	  "nodes": [                // in the order they were built; id is the index
//	    {
//	      "id": 0,
//	      "op": "input",        // the operator
//	      "label": "",          // its arguments, if drawn ("3 items")
//	      "kind": "Stream",     // Stream, KeyedStream, Singleton, Optional, KeyedSingleton or Sink
//	      "bounded": false,
//	      "ordered": true,
//	      "exactly_once": true,
//	      "location": 0,        // a location id (-1 if none)
//	      "file": "cmd/order/main.go", // the call site, relative to the module root
//	      "line": 12,
//	      "nondet": "",         // the NonDet reason, for non-deterministic operators
//	      "cycle": false,       // a forward reference: its input is a back edge
//	      "inputs": [ ]         // node ids, in argument order
//	    }
//	  ]
//	}
//
// Location kinds are Process, Cluster, External and Tick; parent is the id of
// the location a tick belongs to, and null for the others. An incomplete
// forward reference has no inputs. JSON fails only if encoding does.
func (f *Flow) JSON() ([]byte, error) {
	out := vizFlow{Locations: []vizLocation{}, Nodes: []vizNode{}}
	for _, l := range f.ir.Locations {
		vl := vizLocation{ID: l.ID, Kind: l.Kind.String(), Name: l.Name}
		if l.Parent != nil {
			vl.Parent = &l.Parent.ID
		}
		out.Locations = append(out.Locations, vl)
	}
	for _, n := range f.ir.Nodes {
		vn := vizNode{
			ID:          n.ID,
			Op:          n.Op,
			Label:       n.Label,
			Kind:        n.Props.Kind.String(),
			Bounded:     n.Props.Bounded,
			Ordered:     n.Props.Ordered,
			ExactlyOnce: n.Props.ExactlyOnce,
			Location:    -1,
			File:        n.File,
			Line:        n.Line,
			NonDet:      n.NonDet,
			Cycle:       n.Cycle != nil,
			Inputs:      []int{},
		}
		if n.Loc != nil {
			vn.Location = n.Loc.ID
		}
		for _, in := range n.Inputs {
			if in != nil {
				vn.Inputs = append(vn.Inputs, in.ID)
			}
		}
		out.Nodes = append(out.Nodes, vn)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("hydro: encoding the flow as JSON: %w", err)
	}
	return append(b, '\n'), nil
}

// vizFlow is the JSON schema documented on Flow.JSON.
type vizFlow struct {
	Locations []vizLocation `json:"locations"`
	Nodes     []vizNode     `json:"nodes"`
}

type vizLocation struct {
	ID     int    `json:"id"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Parent *int   `json:"parent"`
}

type vizNode struct {
	ID          int    `json:"id"`
	Op          string `json:"op"`
	Label       string `json:"label"`
	Kind        string `json:"kind"`
	Bounded     bool   `json:"bounded"`
	Ordered     bool   `json:"ordered"`
	ExactlyOnce bool   `json:"exactly_once"`
	Location    int    `json:"location"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	NonDet      string `json:"nondet"`
	Cycle       bool   `json:"cycle"`
	Inputs      []int  `json:"inputs"`
}

// drawing indexes a flow for drawing: which nodes live at each location and
// which ticks each location holds, all in build order.
type drawing struct {
	f      *ir.Flow
	nodes  map[*ir.Location][]*ir.Node
	ticks  map[*ir.Location][]*ir.Location
	roots  []*ir.Location
	loose  []*ir.Node // nodes without a location: none in a flow built by this package
	titles map[*ir.Location]string
}

func newDrawing(f *ir.Flow) *drawing {
	d := &drawing{
		f:      f,
		nodes:  make(map[*ir.Location][]*ir.Node),
		ticks:  make(map[*ir.Location][]*ir.Location),
		titles: make(map[*ir.Location]string),
	}
	// NB: maps are only looked up, never ranged over: the order of every
	// output comes from the f.Locations and f.Nodes slices.
	known := make(map[*ir.Location]bool, len(f.Locations))
	for _, l := range f.Locations {
		known[l] = true
	}
	seen := make(map[string]int)
	for _, l := range f.Locations {
		if l.Parent != nil && known[l.Parent] {
			d.ticks[l.Parent] = append(d.ticks[l.Parent], l)
		} else {
			d.roots = append(d.roots, l)
		}
		seen[l.String()]++
	}
	// Two locations with the same name (two ticks of one process, two
	// processes with one tag) get their ids to tell them apart.
	for _, l := range f.Locations {
		t := l.String()
		if seen[t] > 1 {
			t += " #" + strconv.Itoa(l.ID)
		}
		d.titles[l] = t
	}
	for _, n := range f.Nodes {
		if n.Loc != nil && known[n.Loc] {
			d.nodes[n.Loc] = append(d.nodes[n.Loc], n)
		} else {
			d.loose = append(d.loose, n)
		}
	}
	return d
}

func (d *drawing) title(l *ir.Location) string { return d.titles[l] }

// drawer receives the groups and nodes of a drawing in order: open a
// location's group, draw a node, close the innermost open group.
type drawer struct {
	open  func(depth int, l *ir.Location)
	node  func(depth int, n *ir.Node)
	close func(depth int)
}

// walk emits every location as a group holding its nodes, then its ticks as
// nested groups; nodes without a known location come last, outside groups.
func (d *drawing) walk(w drawer) {
	for _, l := range d.roots {
		d.walkLocation(w, l, 1)
	}
	for _, n := range d.loose {
		w.node(1, n)
	}
}

func (d *drawing) walkLocation(w drawer, l *ir.Location, depth int) {
	w.open(depth, l)
	for _, n := range d.nodes[l] {
		w.node(depth+1, n)
	}
	for _, t := range d.ticks[l] {
		d.walkLocation(w, t, depth+1)
	}
	w.close(depth)
}

// edge is an input of a node.
type edge struct {
	from, to *ir.Node
	port     int  // the input's index among to's inputs
	ports    int  // how many inputs to has
	crossing bool // from and to live at different locations
	back     bool // to is a forward reference and from completes it
}

// edges lists every input of every node, in build order, skipping the
// missing input of an incomplete forward reference.
func (d *drawing) edges() []edge {
	var es []edge
	for _, n := range d.f.Nodes {
		for i, in := range n.Inputs {
			if in == nil {
				continue
			}
			es = append(es, edge{
				from:     in,
				to:       n,
				port:     i,
				ports:    len(n.Inputs),
				crossing: in.Loc != n.Loc,
				back:     n.Cycle != nil,
			})
		}
	}
	return es
}

func (e edge) label() string {
	var parts []string
	if e.ports > 1 {
		parts = append(parts, fmt.Sprintf("in %d", e.port))
	}
	if e.back {
		parts = append(parts, "cycle")
	}
	return strings.Join(parts, ", ")
}

// nodeLabel is a node's text, one fact a line: the operator and its
// arguments, the collection it makes, its NonDet reason, its call site.
func nodeLabel(n *ir.Node) string {
	op := n.Op
	if n.Label != "" {
		op += " (" + n.Label + ")"
	}
	if n.Name != "" {
		op = n.Name + ": " + op
	}
	props := n.Props.String()
	if n.Props.Kind == ir.Sink {
		// A sink makes no collection: its other properties mean nothing.
		props = n.Props.Kind.String()
	}
	lines := []string{op, props}
	if n.NonDet != "" {
		lines = append(lines, "nondet: "+n.NonDet)
	}
	lines = append(lines, fmt.Sprintf("%s:%d", filepath.Base(n.File), n.Line))
	return strings.Join(lines, "\n")
}

func indent(depth int) string { return strings.Repeat("    ", depth) }

// mermaidEscaper makes text safe inside a double-quoted Mermaid string, which
// Mermaid renders as HTML and in which it decodes "#name;" entities. A
// Replacer makes one pass, so the "#" of an inserted entity is not escaped
// again.
var mermaidEscaper = strings.NewReplacer(
	"#", "#35;",
	`"`, "#quot;",
	"<", "#lt;",
	">", "#gt;",
	"&", "#amp;",
	"\r", "",
)

// mermaidText escapes text for a quoted Mermaid label, breaking its lines
// with <br>.
func mermaidText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = mermaidEscaper.Replace(l)
	}
	return strings.Join(lines, "<br>")
}

// dotEscaper makes text safe inside a double-quoted DOT string: a backslash
// would otherwise start an escape (\n, \l, \N, …), a quote would end the
// string, and lines break with a centred \n.
var dotEscaper = strings.NewReplacer(
	`\`, `\\`,
	`"`, `\"`,
	"\n", `\n`,
	"\r", "",
)

func dotText(s string) string { return dotEscaper.Replace(s) }
