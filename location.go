// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"reflect"

	"github.com/hydro-go/hydro/internal/ir"
)

// Location is where a live collection lives: a *Process, a *Tick of a
// location, and (with the network) clusters and external clients. Every
// collection carries its location as a type parameter, so combining
// collections from two locations does not compile. Only this package
// implements Location.
type Location interface {
	loc() *ir.Location
	flow() *Flow
}

// Process is a single machine, named by its tag type: an empty struct type
// that names a role.
//
//	type Leader struct{}
//	leader := hydro.NewProcess[Leader](f)
type Process[Tag any] struct {
	f *Flow
	l *ir.Location
}

// NewProcess adds a process to the flow.
func NewProcess[Tag any](f *Flow) *Process[Tag] {
	return &Process[Tag]{f: f, l: f.newLocation(ir.Process, tagName[Tag](), nil)}
}

func (p *Process[Tag]) loc() *ir.Location { return p.l }
func (p *Process[Tag]) flow() *Flow       { return p.f }

// String names the process.
func (p *Process[Tag]) String() string { return p.l.String() }

// Tick is a logical clock domain inside a location: collections at a tick
// are bounded, one batch per tick, and operators on them see the whole batch.
// A Tick is itself a location, so a tick's collection is a different Go type
// from its parent's: only Batch and Snapshot lead in, AllTicks and Latest
// lead out.
type Tick[L Location] struct {
	parent L
	l      *ir.Location
}

// NewTick returns a new clock domain inside parent.
func NewTick[L Location](parent L) *Tick[L] {
	t := &Tick[L]{parent: parent, l: parent.flow().newLocation(ir.Tick, "tick", parent.loc())}
	return t
}

// Parent returns the location the tick runs in.
func (t *Tick[L]) Parent() L { return t.parent }

func (t *Tick[L]) loc() *ir.Location { return t.l }
func (t *Tick[L]) flow() *Flow       { return t.parent.flow() }

// String names the tick.
func (t *Tick[L]) String() string { return t.l.String() }

func (f *Flow) newLocation(kind ir.LocKind, name string, parent *ir.Location) *ir.Location {
	file, line := callSite()
	l := &ir.Location{ID: len(f.ir.Locations), Kind: kind, Name: name, Parent: parent, File: file, Line: line, Flow: &f.ir}
	f.ir.Locations = append(f.ir.Locations, l)
	return l
}

func tagName[Tag any]() string {
	t := reflect.TypeFor[Tag]()
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// inTick reports whether l is a tick.
func inTick(l *ir.Location) bool { return l.Kind == ir.Tick }
