// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// promWriter writes metric families in the Prometheus text format.
type promWriter struct {
	w    *bufio.Writer
	base string // the labels every sample carries, rendered: node="…",location="…"
}

// label is one label of a sample.
type label struct{ name, value string }

// family writes the HELP and TYPE lines of a family.
func (p *promWriter) family(name, typ, help string) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one sample of name with the base labels and ls.
func (p *promWriter) sample(name string, v float64, ls ...label) {
	p.w.WriteString(name)
	p.w.WriteByte('{')
	p.w.WriteString(p.base)
	for _, l := range ls {
		p.w.WriteByte(',')
		p.w.WriteString(l.name)
		p.w.WriteString(`="`)
		p.w.WriteString(escapeLabel(l.value))
		p.w.WriteByte('"')
	}
	p.w.WriteString("} ")
	p.w.WriteString(formatValue(v))
	p.w.WriteByte('\n')
}

// renderLabels renders ls as they appear between a sample's braces.
func renderLabels(ls ...label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.name + `="` + escapeLabel(l.value) + `"`
	}
	return strings.Join(parts, ",")
}

// labelEscaper escapes a label value as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// formatValue writes v as the text format reads it: integers without an
// exponent, +Inf as +Inf.
func formatValue(v float64) string {
	switch {
	case v > 1e300:
		return "+Inf"
	case v == float64(int64(v)):
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
