// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/engine"
	"github.com/hydro-go/hydro/internal/lang"
)

// The faults an execution may inject. Each is an option of Sim.Local, and
// each fault is a step the Sim chooses like any other: when, and where.
// They have no effect on a Local that no Sim drives.

func option(set func(*engine.Config)) hydro.LocalOption {
	return lang.Option(set).(hydro.LocalOption)
}

// Crashes lets the Sim crash up to n nodes during the run, at any step. A
// crashed node loses its state (unless its location is Durable) and the
// messages it had not yet received, and what it had sent but not yet
// delivered is lost too (the fail-stop prefix of a TCP channel); later it
// restarts, with fresh state or, if Durable, the state it had. Members of
// its cluster are told it left, then joined again. With only, just the
// nodes of those locations may crash.
func Crashes(n int, only ...hydro.Location) hydro.LocalOption {
	return option(func(c *engine.Config) {
		c.Faults.Crashes = n
		for _, l := range only {
			c.Faults.Crashable = append(c.Faults.Crashable, lang.Location(l))
		}
	})
}

// Durable makes the nodes of the given processes and clusters keep their
// state across a crash, as if it were on disk: a crash then loses only the
// messages in flight, and the node restarts with the state it had.
//
// NB: this is a promise of the simulated run only. A deployment does not
// persist state yet: a deployed node that restarts starts afresh. Use it to
// test a protocol's recovery on the assumption of stable storage, not to
// claim a deployed flow has it.
func Durable(locations ...hydro.Location) hydro.LocalOption {
	return option(func(c *engine.Config) {
		for _, l := range locations {
			c.Faults.Durable = append(c.Faults.Durable, lang.Location(l))
		}
	})
}

// Partitions lets the Sim cut the network between two nodes up to n times
// during the run. While cut, what either sends the other is lost, as is
// what was on its way (a TCP connection broken by a partition loses its
// unacknowledged suffix); later the cut heals.
func Partitions(n int) hydro.LocalOption {
	return option(func(c *engine.Config) { c.Faults.Partitions = n })
}

// StaleSnapshots lets the Sim show each Snapshot any of the versions of the
// last two ticks, never older than what it showed before, the value before
// any input included: the staleness a snapshot's NonDet allows. It is off by default, because a flow whose only
// reader is a snapshot may then end on a stale value when no tick follows;
// turn it on to test what a flow promises about stale reads.
func StaleSnapshots() hydro.LocalOption {
	return option(func(c *engine.Config) { c.Faults.Stale = true })
}

// Loss lets the Sim lose up to n messages during the run, on lossy channels
// only (hydro.SendLossy): the only channels whose type allows it.
func Loss(n int) hydro.LocalOption {
	return option(func(c *engine.Config) { c.Faults.Losses = n })
}

// Duplicates lets the Sim deliver up to n messages twice, on lossy
// (at-least-once) channels only.
func Duplicates(n int) hydro.LocalOption {
	return option(func(c *engine.Config) { c.Faults.Duplicates = n })
}

// WholeArrivals makes the items pushed into an input together (one Push,
// or what waits on a Go channel source) arrive in one tick, as items sent
// in one message do. Without it the Sim may split them over several
// ticks, oldest first: a deployed node may read part of them before a
// tick and the rest after it.
func WholeArrivals() hydro.LocalOption {
	return option(func(c *engine.Config) { c.WholeArrivals = true })
}
