// SPDX-License-Identifier: Apache-2.0

package dfir

// RunTick runs one tick: it makes the inputs pushed since the last tick and
// the data deferred by the last tick available, then runs each stratum in
// order. Within a stratum, blocking inputs are loaded into their operators'
// state first, so that nothing reaches a negation or aggregation before all
// of its blocking input has; then Static operators replay what they kept
// from earlier ticks; then blocking inputs that flow straight on (NextStratum,
// the first input of Chain) pass; then every entry (sources, handoffs from
// earlier strata and ticks, emitters of aggregated state) pushes its data
// through its subgraph; then handoffs that close cycles are drained until
// none holds data: the fixpoint. At the end of the tick per-tick state
// is cleared and the tick counter advances.
//
// RunTick compiles the graph if Compile was not called, and panics with the
// compile error if the graph is invalid: call Compile first to handle it
// (Pending, RunAvailable and Stats do the same). A panic raised by an
// operator's function during a tick leaves the graph unusable.
func (g *Graph) RunTick() {
	p := g.mustPlan()
	for _, h := range p.delayed {
		h.release()
	}
	for _, s := range p.strata {
		for _, e := range s.loads {
			e.count(g.enter(e))
		}
		for _, e := range s.replays {
			e.count(g.enter(e))
		}
		for _, e := range s.passes {
			e.count(g.enter(e))
		}
		for _, e := range s.entries {
			e.count(g.enter(e))
		}
		for quiet := false; !quiet; {
			quiet = true
			for _, e := range s.cycles {
				if n := g.enter(e); n > 0 {
					e.count(n)
					quiet = false
				}
			}
		}
	}
	for _, f := range p.tickEnd {
		f()
	}
	g.tick++
}

// count records an entry's run and, if it brought data, pushes on what its
// subgraph's operators gathered into partial batches.
func (e entry) count(n int) {
	if n > 0 {
		if e.source {
			e.node.items += uint64(n)
		}
		e.sub.runs++
		e.sub.items += uint64(n)
		for _, f := range e.sub.flushers {
			f()
		}
	}
}

// RunAvailable runs ticks while work is pending (see Pending) and returns how
// many it ran. Data held by DeferTickLazy does not make work pending, but if
// it is all there is when RunAvailable is called, RunAvailable runs one tick
// for it: DFIR's run_available runs whatever work is queued when it is
// called, and starts a further tick only for new input or DeferTick data.
// So a counter carried through DeferTickLazy advances one tick per call.
//
// NB: a graph that defers data to the next tick on every tick (a counter
// through DeferTick) never runs out of work; drive such graphs with RunTick,
// or defer lazily.
func (g *Graph) RunAvailable() int {
	n := 0
	if !g.Pending() && g.lazyHeld() {
		g.RunTick()
		n++
	}
	for g.Pending() {
		g.RunTick()
		n++
	}
	return n
}

// lazyHeld reports whether a DeferTickLazy holds data for the next tick.
func (g *Graph) lazyHeld() bool {
	for _, h := range g.mustPlan().lazy {
		if h.buffered() > 0 {
			return true
		}
	}
	return false
}

// Pending reports whether the next tick has work: the first tick (when
// sources emit) has not run, an input holds data, a DeferTick holds data for
// the next tick, or a Release holds items back. Data held by DeferTickLazy
// waits for a tick but does not ask for one (but see RunAvailable).
func (g *Graph) Pending() bool {
	p := g.mustPlan()
	if g.tick == 0 {
		return true
	}
	for _, h := range p.wakers {
		if h.buffered() > 0 {
			return true
		}
	}
	for _, f := range p.pending {
		if f() {
			return true
		}
	}
	return false
}

// Tick returns the number of ticks run so far: the index of the next tick.
func (g *Graph) Tick() uint64 { return g.tick }

func (g *Graph) mustPlan() *plan {
	if g.plan == nil {
		if err := g.Compile(); err != nil {
			panic(err)
		}
	}
	return g.plan
}
