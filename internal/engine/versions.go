// SPDX-License-Identifier: Apache-2.0

package engine

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// IncompatibleError is what a run of several versions (NewVersions) panics
// with when a node cannot decode a message a node of another version sent
// it: the two builds disagree about what the channel carries.
type IncompatibleError struct {
	// From and To name the sending and the receiving node; FromVersion
	// and ToVersion are the flows they run.
	From, To               string
	FromVersion, ToVersion int
	// Channel is the channel's id, and Name its name where it has one;
	// Op and Pos are the receiving operator and where the receiving
	// version made it.
	Channel  uint32
	Name     string
	Op, Pos  string
	Err      error // what the decoder said
	sentType string
	recvType string
}

func (e *IncompatibleError) Error() string {
	ch := fmt.Sprintf("channel %d", e.Channel)
	if e.Name != "" {
		ch = fmt.Sprintf("channel %q", e.Name)
	}
	return fmt.Sprintf("hydro: %s (version %d) cannot decode what %s (version %d) sent on %s (%s at %s): it sends %s, it receives %s: %v",
		e.To, e.ToVersion, e.From, e.FromVersion, ch, e.Op, e.Pos, e.sentType, e.recvType, e.Err)
}

func (e *IncompatibleError) Unwrap() error { return e.Err }

// lower lowers the graph of every process and cluster member, each from
// the flow it runs: locations in the order the flows first made them,
// members in order.
func (r *Run) lower() (*compile.Program, error) {
	type root struct {
		name string
		kind ir.LocKind
		size int
	}
	var roots []root
	has := func(f *ir.Flow, name string) *ir.Location {
		for _, l := range f.Locations {
			if l.Parent == nil && l.Kind != ir.External && l.Name == name {
				return l
			}
		}
		return nil
	}
	for _, f := range r.flows {
		for _, l := range f.Locations {
			if l.Parent != nil || l.Kind == ir.External {
				continue
			}
			i := slices.IndexFunc(roots, func(x root) bool { return x.name == l.Name })
			n := 1
			if l.Kind == ir.Cluster {
				n = r.env.Size(l)
			}
			if i < 0 {
				roots = append(roots, root{l.Name, l.Kind, n})
			} else if l.Kind != roots[i].kind {
				return nil, fmt.Errorf("hydro: %s is a %v in one version and a %v in another", l.Name, roots[i].kind, l.Kind)
			} else {
				roots[i].size = max(roots[i].size, n)
			}
		}
	}
	if err := checkChannels(r.flows); err != nil {
		return nil, err
	}
	var errs []error
	version := make([]int, len(r.cfg.Assign))
	for j, a := range r.cfg.Assign {
		v := slices.Index(r.flows, a.Loc.Flow)
		version[j] = v
		i := slices.IndexFunc(roots, func(x root) bool { return x.name == a.Loc.Name })
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("hydro: %v (made at %s:%d) belongs to none of the versions", a.Loc, a.Loc.File, a.Loc.Line))
		case a.Loc.Parent != nil || a.Loc.Kind == ir.External || i < 0:
			errs = append(errs, fmt.Errorf("hydro: %v (made at %s:%d) is not a process or cluster", a.Loc, a.Loc.File, a.Loc.Line))
		default:
			for _, m := range a.Members {
				if int(m) >= roots[i].size {
					errs = append(errs, fmt.Errorf("hydro: %s/%d runs version %d, but %s has %d members", a.Loc.Name, m, v, a.Loc.Name, roots[i].size))
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p := &compile.Program{}
	for _, rt := range roots {
		for m := range rt.size {
			v := slices.IndexFunc(r.flows, func(f *ir.Flow) bool { return has(f, rt.name) != nil })
			for j, a := range r.cfg.Assign {
				if a.Loc.Name == rt.name && (len(a.Members) == 0 || slices.Contains(a.Members, uint32(m))) {
					v = version[j]
				}
			}
			d := compile.Dest{Loc: has(r.flows[v], rt.name), Member: uint32(m)}
			g, err := compile.LowerOne(r.flows[v], d, r.env)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			r.version[NodeName(d)] = v
			p.Graphs = append(p.Graphs, g)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Version returns which of NewVersions' flows the node named name runs.
func (r *Run) Version(name string) int { return r.version[name] }

// incompatible describes a message that node to could not decode, when
// it came from a node of another version; nil when both run one version.
func (r *Run) incompatible(from, to string, channel uint32, err error) error {
	fv, tv := r.version[from], r.version[to]
	if fv == tv {
		return nil
	}
	e := &IncompatibleError{From: from, To: to, FromVersion: fv, ToVersion: tv, Channel: channel, Err: err}
	if n := channelNode(r.flows[tv], channel); n != nil {
		e.Name, e.Op, e.Pos, e.recvType = n.Name, n.Op, n.Pos(), fmt.Sprint(n.Wire)
	}
	if n := channelNode(r.flows[fv], channel); n != nil {
		e.sentType = fmt.Sprint(n.Wire)
	}
	return e
}

// channelNode returns the networking node of f whose channel is id.
func channelNode(f *ir.Flow, id uint32) *ir.Node {
	for _, n := range f.Nodes {
		if n.Net != nil && n.Net.Channel == id {
			return n
		}
	}
	return nil
}

// sameRoot reports whether a and b are one process or cluster, perhaps of
// two versions.
func sameRoot(a, b *ir.Location) bool { return a == b || (a.Kind == b.Kind && a.Name == b.Name) }

// checkChannels returns an error for every channel that two versions
// share (one id into one location) but disagree about: where it comes
// from, or a type one cannot decode from the other (transport.Compatible).
func checkChannels(flows []*ir.Flow) error {
	var errs []error
	for i, f := range flows {
		for _, g := range flows[i+1:] {
			j := slices.Index(flows, g)
			for _, a := range f.Nodes {
				if a.Net == nil {
					continue
				}
				for _, b := range g.Nodes {
					if b.Net == nil || b.Net.Channel != a.Net.Channel || b.Loc.Root().Name != a.Loc.Root().Name {
						continue
					}
					if err := checkChannel(a, b, i, j); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

func checkChannel(a, b *ir.Node, i, j int) error {
	ch := fmt.Sprintf("channel %d", a.Net.Channel)
	if a.Name != "" {
		ch = fmt.Sprintf("channel %q", a.Name)
	}
	from, to := a.Inputs[0].Loc.Root().Name, a.Loc.Root().Name
	if bf := b.Inputs[0].Loc.Root().Name; bf != from || a.Name != b.Name {
		return fmt.Errorf("hydro: channel %d into %s is %s from %s in version %d (%s at %s) and %s from %s in version %d (%s at %s): name the channels (Named) so that versions match them by name",
			a.Net.Channel, to, quoted(a.Name), from, i, a.Op, a.Pos(), quoted(b.Name), bf, j, b.Op, b.Pos())
	}
	if a.Wire == nil || b.Wire == nil {
		return nil
	}
	for _, d := range [][2]*ir.Node{{a, b}, {b, a}} {
		if err := transport.Compatible(d[0].Wire, d[1].Wire); err != nil {
			vs, vr := i, j
			if d[0] == b {
				vs, vr = j, i
			}
			return fmt.Errorf("hydro: %s from %s to %s: version %d (%s at %s) sends %v, which version %d (%s at %s) cannot receive as %v: %w",
				ch, from, to, vs, d[0].Op, d[0].Pos(), d[0].Wire, vr, d[1].Op, d[1].Pos(), d[1].Wire, err)
		}
	}
	return nil
}

func quoted(name string) string {
	if name == "" {
		return "unnamed"
	}
	return fmt.Sprintf("%q", name)
}
