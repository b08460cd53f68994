// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/engine"
	"github.com/hydro-go/hydro/internal/lang"
)

// Versions starts several builds of one program side by side, under this
// execution's choices, as Local starts one: the old and the new version of
// a rolling upgrade, each a *hydro.Flow built by its own code. Every
// process and cluster member runs one of them: the one Runs names for it,
// else the first of flows that has its location. The nodes know each
// other by name (a process by its tag, a member by its cluster's tag and
// index), whichever flow they run, so a cluster's members are those of
// every version (hydro.SizeOf sizes the cluster in all of them).
//
// A channel between nodes of two versions is the channel of the same id
// in each: a named one (Stream.Named) has the same id in every build, an
// unnamed one the number of its operator in its flow, as a deployed node
// matches them. Versions refuses, as a flow error, two versions whose
// channel of one id comes from different locations or carries types the
// receiver cannot decode (transport.Compatible names the field). At run
// time a message for a channel the receiving version does not have is
// dropped, as a deployed node drops it ("has no channel" in the trace),
// and one the receiver cannot decode ends the execution as failed, naming
// both nodes and their versions.
//
//	old, new := hydro.NewFlow(), hydro.NewFlow()
//	a, b := buildV1(old), buildV2(new)
//	r := s.Versions([]*hydro.Flow{old, new}, sim.Runs(b.workers, 2), hydro.SizeOf[Worker](3))
//
// runs the leader and workers 0 and 1 on the old build and worker 2 on the
// new one. Each build's inputs and outputs drive the nodes that run it.
func (s *Sim) Versions(flows []*hydro.Flow, opts ...hydro.LocalOption) *hydro.Local {
	fs := make([]any, len(flows))
	for i, f := range flows {
		fs[i] = f
	}
	os := make([]any, 0, len(opts)+2)
	for _, o := range append(opts, s.Chooser(), checkClaims) {
		os = append(os, o)
	}
	r, err := lang.Versions(fs, os)
	if err != nil {
		panic(flowError{err})
	}
	l := r.(*hydro.Local)
	s.locals = append(s.locals, l)
	return l
}

// Runs makes members of l's process or cluster run the build l belongs
// to, in a run that Versions starts: all of them when members is empty.
// A later Runs for the same member wins.
func Runs(l hydro.Location, members ...int) hydro.LocalOption {
	ms := make([]uint32, len(members))
	for i, m := range members {
		ms[i] = uint32(m)
	}
	loc := lang.Location(l)
	return option(func(c *engine.Config) { c.Assign = append(c.Assign, engine.Assign{Loc: loc, Members: ms}) })
}
