// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"fmt"
	"strings"
)

// Mermaid draws the compiled graph as a Mermaid flowchart: operators grouped
// into subgraphs inside strata; fused edges solid, handoffs dashed and
// labelled with their kind. An invalid graph is drawn without grouping.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	g.drawGroups(&b, func(b *strings.Builder, depth int, open string, n *node) {
		ind := strings.Repeat("    ", depth)
		switch {
		case n != nil:
			fmt.Fprintf(b, "%sn%d[\"%s\"]\n", ind, n.id, mermaidText(n.label()))
		case open != "":
			fmt.Fprintf(b, "%ssubgraph %s [%q]\n", ind, strings.ReplaceAll(open, " ", ""), open)
		default:
			fmt.Fprintf(b, "%send\n", ind)
		}
	})
	for _, e := range g.edges() {
		arrow := "-->"
		if e.kind != edgeFused {
			arrow = "-.->"
		}
		if label := e.label(); label != "" {
			fmt.Fprintf(&b, "    n%d %s|\"%s\"| n%d\n", e.src.id, arrow, mermaidText(label), e.dst.id)
		} else {
			fmt.Fprintf(&b, "    n%d %s n%d\n", e.src.id, arrow, e.dst.id)
		}
	}
	return b.String()
}

// DOT draws the compiled graph in Graphviz's language, grouped as Mermaid
// groups it.
func (g *Graph) DOT() string {
	var b strings.Builder
	b.WriteString("digraph dfir {\n    node [shape=box, fontname=monospace];\n")
	g.drawGroups(&b, func(b *strings.Builder, depth int, open string, n *node) {
		ind := strings.Repeat("    ", depth)
		switch {
		case n != nil:
			fmt.Fprintf(b, "%sn%d [label=%q];\n", ind, n.id, n.label())
		case open != "":
			fmt.Fprintf(b, "%ssubgraph cluster_%s {\n%s    label=%q;\n", ind, strings.ReplaceAll(open, " ", "_"), ind, open)
		default:
			fmt.Fprintf(b, "%s}\n", ind)
		}
	})
	for _, e := range g.edges() {
		var attrs []string
		if label := e.label(); label != "" {
			attrs = append(attrs, fmt.Sprintf("label=%q", label))
		}
		if e.kind != edgeFused {
			attrs = append(attrs, "style=dashed")
		}
		fmt.Fprintf(&b, "    n%d -> n%d", e.src.id, e.dst.id)
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// drawGroups walks strata, subgraphs and operators in order, calling emit with
// a group name to open a group, an operator to draw it, or neither to close.
func (g *Graph) drawGroups(b *strings.Builder, emit func(b *strings.Builder, depth int, open string, n *node)) {
	if g.Compile() != nil {
		for _, n := range g.nodes {
			emit(b, 1, "", n)
		}
		return
	}
	stratum := -1
	for _, sg := range g.plan.subgraphs {
		if sg.stratum != stratum {
			if stratum >= 0 {
				emit(b, 1, "", nil)
			}
			stratum = sg.stratum
			emit(b, 1, fmt.Sprintf("stratum %d", stratum), nil)
		}
		emit(b, 2, fmt.Sprintf("subgraph %d", sg.id), nil)
		for _, n := range sg.nodes {
			emit(b, 3, "", n)
		}
		emit(b, 2, "", nil)
	}
	if stratum >= 0 {
		emit(b, 1, "", nil)
	}
}

func (g *Graph) edges() []*edge {
	var es []*edge
	for _, n := range g.nodes {
		for _, o := range n.outs {
			es = append(es, o.consumers...)
		}
	}
	return es
}

// label names the ports of multi-port operators and the kind of a handoff.
func (e *edge) label() string {
	var parts []string
	if len(e.src.outs) > 1 {
		parts = append(parts, fmt.Sprintf("out %d", e.srcPort))
	}
	if len(e.dst.ins) > 1 {
		parts = append(parts, fmt.Sprintf("in %d", e.dstPort))
	}
	if e.kind != edgeFused {
		parts = append(parts, e.kind.String())
	} else if e.delay != edgeFused {
		parts = append(parts, e.delay.String())
	}
	return strings.Join(parts, ", ")
}

// mermaidText escapes text for a quoted Mermaid label, which takes HTML
// entities rather than backslashes.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", "<br>").Replace(s)
}
