// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/hydro-go/hydro/internal/ir"
)

// Plan is a set of rewrites chosen when a flow is deployed rather than
// written into it: the same binary runs with or without them. Apply makes
// them; the deployer (package deploy, run -plan FILE) applies a plan to
// the flow of the deployer and of every node, before Compile.
//
// Its JSON (or YAML) form has one key per kind of rewrite:
//
//	{"decouple": [{"names": ["parse", "count"], "to": "Counter"}]}
//
// A plan is read strictly: an unknown key is an error. Partitioning will
// take a key of its own beside decouple.
type Plan struct {
	// Decouple moves collections of a process to another, in order: see
	// Decouple.
	Decouple []DecouplePlan `json:"decouple,omitempty"`
}

// DecouplePlan is one Decouple: the collections named Names (by Named),
// moved to the process named To. When the flow has no location of that
// name, Apply makes a process of it; a name the flow gives a cluster or
// another kind of location is refused.
type DecouplePlan struct {
	Names []string `json:"names"`
	To    string   `json:"to"`
}

// ErrPlan matches every error ParsePlan returns for a plan it cannot read.
var ErrPlan = errors.New("hydro: bad plan")

// processName is what a process made by a plan may be called: a role's
// name in the deployer's environment, in certificates and in DNS names.
var processName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)

// ParsePlan reads a plan in its JSON form, strictly: an unknown key, a
// trailing value, a step without names or without a target, or a target
// that cannot name a process is an error matching ErrPlan.
func ParsePlan(data []byte) (*Plan, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPlan, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: more than one value", ErrPlan)
	}
	for i, d := range p.Decouple {
		switch {
		case len(d.Names) == 0:
			return nil, fmt.Errorf("%w: decouple[%d] names no collection", ErrPlan, i)
		case !processName.MatchString(d.To):
			return nil, fmt.Errorf("%w: decouple[%d]: to %q: want a process name (a letter, then letters, digits or _)", ErrPlan, i, d.To)
		}
	}
	return &p, nil
}

// JSON returns the plan's JSON form, as ParsePlan reads it.
func (p *Plan) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// Apply makes the plan's rewrites on f, which must not be compiled yet, in
// order. It stops at the first rewrite refused, returning an error that
// matches ErrRewrite and says which step; the rewrites before it stay
// made. A process the plan makes is gone again if its step is refused.
func (p *Plan) Apply(f *Flow) error {
	for i, d := range p.Decouple {
		if err := f.decouplePlanned(d); err != nil {
			return fmt.Errorf("hydro: plan: decouple[%d] %q to %s: %w", i, d.Names, d.To, err)
		}
	}
	return nil
}

// decouplePlanned makes one DecouplePlan, making its process if needed.
func (f *Flow) decouplePlanned(d DecouplePlan) error {
	var to *ir.Location
	for _, l := range f.ir.Locations {
		if l.Name != d.To || l.Kind == ir.Tick {
			continue
		}
		if l.Kind != ir.Process || l.Parent != nil {
			return fmt.Errorf("%w: %s is a %v, and only a process takes operators", ErrRewrite, d.To, l.Kind)
		}
		to = l
	}
	made := to == nil
	if made {
		if !processName.MatchString(d.To) {
			return fmt.Errorf("%w: %q cannot name a process", ErrRewrite, d.To)
		}
		to = f.newLocation(ir.Process, d.To, nil)
	}
	if err := decouple(f, to, d.Names); err != nil {
		if made {
			f.ir.Locations = f.ir.Locations[:len(f.ir.Locations)-1]
		}
		return err
	}
	return nil
}
