// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hydro-go/hydro/internal/callsite"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Flow is a whole program: its locations and the operators on their
// collections. Build it by calling operators, then Compile it.
type Flow struct {
	ir         ir.Flow
	compiled   bool
	compileErr error
}

// NewFlow returns an empty flow.
func NewFlow() *Flow { return &Flow{} }

// ErrInvalid matches every error Compile returns for a flow that misuses the
// language.
var ErrInvalid = errors.New("hydro: invalid flow")

// CompileError lists every problem found in a flow, each with the user's
// file:line and a hint. It matches ErrInvalid with errors.Is.
type CompileError struct {
	Problems []error
}

func (e *CompileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hydro: invalid flow (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteByte('s')
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *CompileError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the individual problems.
func (e *CompileError) Unwrap() []error { return e.Problems }

// Compile checks the flow and lowers every location to a dfir graph. It
// returns all problems at once as a *CompileError. Compile is idempotent;
// operators added after it are not part of the compiled program.
func (f *Flow) Compile() error {
	if f.compiled || f.compileErr != nil {
		return f.compileErr
	}
	errs := append([]error(nil), f.ir.Errors...)
	errs = append(errs, f.checkCycles()...)
	if len(errs) > 0 {
		f.compileErr = &CompileError{Problems: errs}
		return f.compileErr
	}
	// Lowering once checks that every location builds; each run lowers
	// again for its own state.
	if _, err := compile.Lower(&f.ir, compile.Env{}); err != nil {
		f.compileErr = err
		return err
	}
	f.compiled = true
	return nil
}

// MustCompile is Compile for examples and tests: it panics with the error.
func (f *Flow) MustCompile() {
	if err := f.Compile(); err != nil {
		panic(err)
	}
}

// lower builds a fresh program from the flow: each run of a flow (a local
// run, a simulated execution) gets its own state.
func (f *Flow) lower(env compile.Env) (*compile.Program, error) {
	if err := f.Compile(); err != nil {
		return nil, err
	}
	return compile.Lower(&f.ir, env)
}

// problem records a misuse at the call site of the operator being built.
type problem struct {
	file string
	line int
	msg  string
	hint string
}

func (p *problem) Error() string {
	s := fmt.Sprintf("%s:%d: %s", p.file, p.line, p.msg)
	if p.hint != "" {
		s += "\n\t\thint: " + p.hint
	}
	return s
}

// misuse records a problem for the operator at n.
func (f *Flow) misuse(n *ir.Node, hint, format string, args ...any) {
	f.ir.Errors = append(f.ir.Errors, &problem{file: n.File, line: n.Line, msg: fmt.Sprintf(format, args...), hint: hint})
}

var hydroDir = callsite.Dir()

// callSite returns the first caller outside this package's own sources.
func callSite() (string, int) { return callsite.Find(2, hydroDir) }

// checkCycles reports forward references never completed, and operators
// that need all of an input for the tick (aggregations, sorts, negations)
// whose input depends on their own output within the same tick: such a
// cycle has no well-defined result.
func (f *Flow) checkCycles() []error {
	var errs []error
	for _, n := range f.ir.Nodes {
		if n.NewCycle != nil && n.Inputs[0] == nil {
			errs = append(errs, &problem{file: n.File, line: n.Line,
				msg:  fmt.Sprintf("hydro: %s is never completed", n.Op),
				hint: "call Complete with the collection that defines it"})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// reaches[m] is the set of nodes whose output reaches m within a tick.
	// Only same-tick forward references close such cycles, so start from
	// each of them and walk forward to the nodes fed by it.
	consumers := make(map[*ir.Node][]*ir.Node)
	for _, n := range f.ir.Nodes {
		for _, in := range n.Inputs {
			consumers[in] = append(consumers[in], n)
		}
	}
	for _, ref := range f.ir.Nodes {
		if ref.Op != "forward_ref" || !inTick(ref.Loc) {
			continue
		}
		// Nodes downstream of ref (same tick), then those among them that
		// lead back to ref's input.
		down := map[*ir.Node]bool{ref: true}
		queue := []*ir.Node{ref}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, c := range consumers[n] {
				if !down[c] && c.NewCycle == nil {
					down[c] = true
					queue = append(queue, c)
				}
			}
		}
		onCycle := map[*ir.Node]bool{}
		var back func(n *ir.Node) bool
		seen := map[*ir.Node]bool{}
		back = func(n *ir.Node) bool {
			if n == ref {
				return true
			}
			if seen[n] || !down[n] {
				return onCycle[n]
			}
			seen[n] = true
			for _, in := range n.Inputs {
				if back(in) {
					onCycle[n] = true
				}
			}
			return onCycle[n]
		}
		back(ref.Inputs[0])
		for _, n := range f.ir.Nodes {
			if !onCycle[n] || n.Blocking == 0 {
				continue
			}
			for i, in := range n.Inputs {
				if n.Blocking&(1<<i) != 0 && (onCycle[in] || in == ref) {
					errs = append(errs, &problem{file: n.File, line: n.Line,
						msg:  fmt.Sprintf("hydro: %s needs all of its input for the tick, but that input depends on its own output within the tick, through the cycle closed by the forward reference at %s", n.Op, ref.Pos()),
						hint: "carry the result to the next tick with TickCycle or DeferTick, or move the aggregation out of the cycle"})
					break
				}
			}
		}
	}
	return errs
}
