// SPDX-License-Identifier: Apache-2.0

// Package lang lets the shells of this module (package sim, package deploy)
// reach what the language keeps to itself: a flow's IR, a location's, and
// the engine under a hydro.Local. The root package fills these in when it
// is initialized, so any package that imports it may call them; their
// arguments are the language's own types, passed as any because this
// package cannot import the package that defines them.
package lang

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/engine"
	"github.com/hydro-go/hydro/internal/ir"
)

var (
	// Flow compiles a *hydro.Flow and returns its IR, or the compile
	// error.
	Flow func(f any) (*ir.Flow, error)
	// Location returns the IR of a hydro.Location.
	Location func(l any) *ir.Location
	// Option returns a hydro.LocalOption that applies set to the engine
	// configuration of the Local it configures.
	Option func(set func(*engine.Config)) any
	// Engine returns the engine of a *hydro.Local.
	Engine func(r any) *engine.Run
	// Codec returns how a hydro.Codec[T] delimits its messages on a
	// connection and the largest message it allows.
	Codec func(c any) (f compile.Framing, maxMessage int)
)
