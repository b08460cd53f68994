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
	// finiteAt is where Finite was called, for its problems.
	finiteAt string
}

// NewFlow returns an empty flow.
func NewFlow() *Flow {
	f := &Flow{}
	f.ir.File, f.ir.Line = callSite()
	return f
}

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
	errs := compile.Check(&f.ir)
	errs = append(errs, f.checkFinite()...)
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

var hydroDir = callsite.Dir()

// callSite returns the first caller outside this package's own sources.
func callSite() (string, int) { return callsite.Find(2, hydroDir) }

// Operators record what they require as facts on their nodes; the checks
// of package compile read them when the flow is compiled.

// needOrder records that n, an order- and duplicate-sensitive operator,
// needs its input totally ordered and exactly-once.
func needOrder(n *ir.Node, op string) {
	n.Need(ir.NeedOrdered, 0, op, "")
	n.Need(ir.NeedExactlyOnce, 0, op, "")
}

// needBounded records that n needs input i bounded.
func needBounded(n *ir.Node, i int, op string) { n.Need(ir.NeedBounded, i, op, "") }

// needNonDet records the reason the user gave n, which needs one.
func needNonDet(n *ir.Node, nd NonDet) {
	n.NonDet = string(nd)
	n.Need(ir.NeedNonDet, 0, "", "")
}

// needTick records that n, which enters a tick, needs that tick to be one
// of its input's location.
func needTick(n *ir.Node) {
	n.Crosses = true
	n.Need(ir.NeedTickOf, 0, "", "")
}
