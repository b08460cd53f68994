// SPDX-License-Identifier: Apache-2.0

package lang

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/engine"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/viewer"
)

var (
	// Flow compiles a *hydro.Flow and returns its IR, or the compile
	// error.
	Flow func(f any) (*ir.Flow, error)
	// Location returns the IR of a hydro.Location.
	Location func(l any) *ir.Location
	// Output returns the IR node of a *hydro.Output[T]: its sink, whose
	// input is the collection it drains.
	Output func(o any) *ir.Node
	// Option returns a hydro.LocalOption that applies set to the engine
	// configuration of the Local it configures.
	Option func(set func(*engine.Config)) any
	// Versions starts a *hydro.Local of several *hydro.Flow, builds of one
	// program that run side by side (engine.NewVersions), with
	// hydro.LocalOption values.
	Versions func(flows []any, opts []any) (any, error)
	// Codec returns how a hydro.Codec[T] delimits its messages on a
	// connection and the largest message it allows.
	Codec func(c any) (f compile.Framing, maxMessage int)
	// View returns what the viewer's page shows of a *hydro.Flow (the
	// page hydro.Flow.HTML writes), for a shell to title it or add a
	// node's live counts.
	View func(f any) (*viewer.Model, error)
	// Split returns how a hydro.Codec[T] with compile.FrameSplit finds
	// where each message ends (nil for the other framings).
	Split func(c any) compile.Split
)
