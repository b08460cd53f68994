// SPDX-License-Identifier: Apache-2.0

package compile

import "fmt"

// Problem is one misuse of the language Check finds: where the user wrote
// it, what is wrong, and how to fix it.
type Problem struct {
	File string
	Line int
	Msg  string // starts with "hydro: "
	Hint string
}

func (p *Problem) Error() string {
	s := fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	if p.Hint != "" {
		s += "\n\t\thint: " + p.Hint
	}
	return s
}

// problems collects what the checks find.
type problems []error

func (ps *problems) add(file string, line int, hint, format string, args ...any) {
	*ps = append(*ps, &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint})
}
