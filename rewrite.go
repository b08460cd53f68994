// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// ErrRewrite matches every error Decouple returns for a rewrite it refuses.
var ErrRewrite = errors.New("hydro: rewrite refused")

// Decouple moves the operators that made the named collections (see
// Named) from their process to another, without changing the flow's code:
// a rewrite of the compiled program that keeps its meaning. Each edge the
// move cuts becomes a channel, which keeps order and loses nothing before a
// failure, as the operators' own data did; the moved operators then run on
// the other process's machine, in parallel with the rest.
//
// Decouple refuses, changing nothing, when the move would change what the
// flow computes, and says why: an operator inside a tick (its batch is the
// tick's), a source or sink (bound to their machine), a forward reference
// or a port's operator (their state would be split), a cut that carries a
// singleton or an optional (a value per tick, not a stream), or a move
// after which the flow would fail Compile. It must be called before
// Compile. Every name must name a collection of the flow.
func Decouple[P any](f *Flow, to *Process[P], names ...string) error {
	if f.compiled || f.compileErr != nil {
		return fmt.Errorf("%w: Decouple after Compile: the compiled program is fixed", ErrRewrite)
	}
	if to.f != f {
		return fmt.Errorf("%w: Decouple to %v, a process of another flow", ErrRewrite, to)
	}
	return decouple(f, to.l, names)
}

// decouple moves the named collections to the process to.
func decouple(f *Flow, to *ir.Location, names []string) error {
	if f.compiled || f.compileErr != nil {
		return fmt.Errorf("%w: Decouple after Compile: the compiled program is fixed", ErrRewrite)
	}
	var chain []*ir.Node
	for _, name := range names {
		i := slices.IndexFunc(f.ir.Nodes, func(n *ir.Node) bool { return n.Name == name })
		if i < 0 {
			return fmt.Errorf("%w: Decouple: no collection named %q (the flow names %s)", ErrRewrite, name, namedIn(&f.ir))
		}
		chain = append(chain, f.ir.Nodes[i])
	}
	if err := compile.Relocate(&f.ir, chain, to); err != nil {
		return fmt.Errorf("%w: %w", ErrRewrite, err)
	}
	return nil
}

// namedIn lists the names a flow gave its collections, for errors.
func namedIn(f *ir.Flow) string {
	var names []string
	for _, n := range f.Nodes {
		if n.Name != "" {
			names = append(names, fmt.Sprintf("%q", n.Name))
		}
	}
	if len(names) == 0 {
		return "none: name them with Named"
	}
	return strings.Join(names, ", ")
}
