// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"maps"
	"slices"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Resize sets the number of members of cluster l to n, overriding the size
// function NewView was given: a cluster whose members come and go with an
// orchestrator's scale (a Kubernetes StatefulSet). Members lists 0 to n-1
// from then on, less those seen as left, and the node running with this
// View (Node.View) follows, on Run's goroutine:
//
//   - a member added is seen as left until a connection to it is up, and
//     then as joined (the graph's membership inputs are told); the node
//     dials it at the address Node.Peers or Node.AddrOf gives;
//   - a member removed is seen as left at once, and what the node holds or
//     later sends for it is dropped, as for a member that failed.
//
// Resize may be called from any goroutine, before or while Run runs.
func (v *View) Resize(l *ir.Location, n int) {
	v.mu.Lock()
	if v.mu.sizes == nil {
		v.mu.sizes = map[*ir.Location]int{}
	}
	v.mu.sizes[l] = max(n, 0)
	v.mu.Unlock()
	select {
	case v.resized <- struct{}{}:
	default:
	}
}

// Size returns the number of members of cluster l: what Resize set last,
// or else what the View's size function says.
func (v *View) Size(l *ir.Location) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.sizeLocked(l)
}

func (v *View) sizeLocked(l *ir.Location) int {
	if n, ok := v.mu.sizes[l]; ok {
		return n
	}
	return v.size(l)
}

// resizedSizes returns what Resize set, by cluster.
func (v *View) resizedSizes() map[*ir.Location]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.mu.sizes)
}

// resize brings the watched members in line with the View's sizes: it
// stops watching the members of a resized cluster past its size, reporting
// those seen as joined as left, and starts watching those it lacks below
// it, as left until their connection is up (checkMembers reports them
// joined then). It reports whether it reported anything, which needs a
// tick. The lock is held.
func (n *node) resize(ctx context.Context) bool {
	v := n.self.View
	moved := false
	sizes := v.resizedSizes()
	for _, l := range slices.SortedFunc(maps.Keys(sizes), func(a, b *ir.Location) int { return a.ID - b.ID }) {
		size := sizes[l]
		// Members past the size: left, and no longer watched. Their Conn
		// stays (closing it here could wait for its reader, which may be
		// waiting for this lock); what is sent to them is dropped, since
		// they stay in n.left.
		n.watched = slices.DeleteFunc(n.watched, func(w watch) bool {
			if !n.isMember(w.name, l) || int(w.member) < size {
				return false
			}
			if w.up {
				n.report(&w, false)
				moved = true
			}
			n.dropLocked(w.name)
			return true
		})
		for m := range size {
			name := NameOf(compile.Dest{Loc: l, Member: uint32(m)})
			if name == n.self.Name || slices.ContainsFunc(n.watched, func(w watch) bool { return w.name == name }) {
				continue
			}
			c, err := n.conn(ctx, name)
			if err != nil {
				n.log.Warn("cannot watch a member", "member", name, "err", err)
				continue
			}
			w := watch{name: name, member: uint32(m), conn: c, up: false, downs: downs(c.Stats())}
			for _, in := range n.g.Membership {
				if in.Cluster == l {
					w.ins = append(w.ins, in)
				}
			}
			if n.left == nil {
				n.left = map[string]bool{}
			}
			n.left[name] = true
			v.set(name, true)
			n.watched = append(n.watched, w)
			n.log.Info("member added", "member", name)
		}
	}
	// A member whose connection is already up joins at once.
	return n.checkMembers() || moved
}

// isMember reports whether the fleet name of a node is that of a member of
// cluster l.
func (n *node) isMember(name string, l *ir.Location) bool {
	return len(name) > len(l.Name) && name[:len(l.Name)] == l.Name && name[len(l.Name)] == '/'
}
