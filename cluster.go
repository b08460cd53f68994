// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Cluster is a set of identical members, named by a tag type: every member
// runs the same part of the flow (SPMD). How many members there are is
// chosen when the flow is deployed, not in the program.
//
//	type Worker struct{}
//	workers := hydro.NewCluster[Worker](f)
type Cluster[Tag any] struct {
	f *Flow
	l *ir.Location
}

// NewCluster adds a cluster to the flow.
func NewCluster[Tag any](f *Flow) *Cluster[Tag] {
	return &Cluster[Tag]{f: f, l: f.newLocation(ir.Cluster, tagName[Tag](), nil)}
}

func (c *Cluster[Tag]) loc() *ir.Location { return c.l }
func (c *Cluster[Tag]) flow() *Flow       { return c.f }

// String names the cluster.
func (c *Cluster[Tag]) String() string { return c.l.String() }

// MemberID identifies one member of a cluster of tag Tag: member ids of
// different clusters are different types.
type MemberID[Tag any] uint32

// String formats the id as the tag and index, e.g. Worker/3.
func (m MemberID[Tag]) String() string { return fmt.Sprintf("%s/%d", tagName[Tag](), uint32(m)) }

// SelfID is, at every member, that member's own id.
func (c *Cluster[Tag]) SelfID() Singleton[MemberID[Tag], *Cluster[Tag]] {
	n := build[MemberID[Tag]](c, "self_id", ir.Props{Kind: ir.Singleton, Bounded: true}, nil, compile.SelfID[MemberID[Tag]]{}, nil)
	return singleton[MemberID[Tag]](n, c)
}

// Membership is a change in a cluster's membership.
type Membership uint8

const (
	// Joined: the member is up.
	Joined Membership = iota + 1
	// Left: the member is gone.
	Left
)

func (m Membership) String() string {
	switch m {
	case Joined:
		return "joined"
	case Left:
		return "left"
	}
	return fmt.Sprintf("Membership(%d)", uint8(m))
}

// Members is the membership of cluster c as seen at l: a keyed stream of
// joined and left events per member. The shell running l reports the
// members present when it starts as joined, then every change it observes.
func Members[Tag any, L Location](c *Cluster[Tag], at L) KeyedStream[MemberID[Tag], Membership, L] {
	n := build[KV[MemberID[Tag], Membership]](at, "members", ir.Props{Kind: ir.KeyedStream, Ordered: true, ExactlyOnce: true}, nil, compile.Members[MemberID[Tag], Membership]{}, nil)
	n.Params = c.l
	n.Label = c.l.String()
	return keyedStream[MemberID[Tag], Membership](n, at)
}
