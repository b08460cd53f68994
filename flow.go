// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Flow is a whole program: its locations and the operators on their
// collections. Build it by calling operators, then Compile it.
type Flow struct {
	ir         ir.Flow
	compiled   *compile.Program
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
	if f.compiled != nil || f.compileErr != nil {
		return f.compileErr
	}
	errs := append([]error(nil), f.ir.Errors...)
	errs = append(errs, compile.Check(&f.ir)...)
	if len(errs) > 0 {
		f.compileErr = &CompileError{Problems: errs}
		return f.compileErr
	}
	p, err := compile.Lower(&f.ir)
	if err != nil {
		f.compileErr = err
		return err
	}
	f.compiled = p
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
func (f *Flow) lower() (*compile.Program, error) {
	if err := f.Compile(); err != nil {
		return nil, err
	}
	return compile.Lower(&f.ir)
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

var hydroDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}()

// callSite returns the first caller outside this package's own sources.
func callSite() (string, int) {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.File != "" && (filepath.Dir(f.File) != hydroDir || strings.HasSuffix(f.File, "_test.go")) {
			dir, base := filepath.Split(f.File)
			return filepath.Join(filepath.Base(dir), base), f.Line
		}
		if !more {
			return "?", 0
		}
	}
}
