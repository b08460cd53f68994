// SPDX-License-Identifier: Apache-2.0

package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/mem"
)

// stepper is a Run's state when stepped.
type stepper struct {
	c     Chooser
	net   *mem.Network // the channels between nodes, in memory
	trace []string
	// free is set for flows with no NonDet operator: their outputs do not
	// depend on the schedule, so steps are taken in a fixed order and only
	// faults are chosen.
	free bool
	// crashes is how many more crashes may happen; down marks the nodes
	// that are crashed.
	crashes   int
	crashable []string // the names of the locations that may crash; nil: any
	durable   map[string]bool
	// lossy marks the channels that may lose and repeat messages; losses
	// and duplicates are how many more of each may happen.
	lossy      map[uint32]bool
	losses     int
	duplicates int
	// partitions is how many more partitions may happen; cut holds the
	// pairs of nodes that cannot reach each other now.
	partitions int
	cut        map[[2]string]bool
	down       map[string]bool // by node name
	steps      []Step          // reused by Step
	// held counts, per Batch operator, the ticks in a row it let nothing
	// in: a batch may be late, but at most holdLimit ticks, so every run
	// ends.
	held map[*ir.Node]int
}

// holdLimit is how many ticks in a row a batch may let nothing in.
const holdLimit = 2

// decide is the Batch decision under a chooser: how many of the items a
// batch holds enter this tick. Nothing may enter, leaving the batch for a
// later tick, but not more than holdLimit ticks in a row.
func (s *stepper) decide(n *ir.Node, held int) int {
	var k int
	if s.held[n] >= holdLimit {
		k = 1 + s.c.Choose(held, fmt.Sprintf("batch at %s holding %d, late %d ticks: takes at least 1 (NonDet: %s)", n.Pos(), held, s.held[n], n.NonDet))
	} else {
		k = s.c.Choose(held+1, fmt.Sprintf("batch at %s holding %d (NonDet: %s)", n.Pos(), held, n.NonDet))
	}
	if k == 0 {
		s.held[n]++
	} else {
		s.held[n] = 0
	}
	s.trace = append(s.trace, fmt.Sprintf("batch at %s takes %d of %d", n.Pos(), k, held))
	return k
}

// MaxPick is how many of the items an unordered batch holds the chooser
// picks among one by one: the items after the first MaxPick-1 enter or
// stay together, so that a choice has at most 1<<MaxPick alternatives.
const MaxPick = 8

// pick is the Batch decision for an unordered stream under a chooser:
// which of the items a batch holds enter this tick, any subset of them,
// chosen as a bit mask (bit i for item i, oldest first; see MaxPick). The
// empty subset leaves everything for a later tick, but not more than
// holdLimit ticks in a row.
func (s *stepper) pick(n *ir.Node, take []bool) {
	held := len(take)
	bits := min(held, MaxPick)
	ways := 1 << bits
	var mask int
	if s.held[n] >= holdLimit {
		mask = 1 + s.c.Choose(ways-1, fmt.Sprintf("batch at %s holding %d, late %d ticks: takes a nonempty subset (NonDet: %s)", n.Pos(), held, s.held[n], n.NonDet))
	} else {
		mask = s.c.Choose(ways, fmt.Sprintf("batch at %s holding %d: takes any subset (NonDet: %s)", n.Pos(), held, n.NonDet))
	}
	if mask == 0 {
		s.held[n]++
	} else {
		s.held[n] = 0
	}
	var b strings.Builder
	fmt.Fprintf(&b, "batch at %s holding %d takes {", n.Pos(), held)
	sep, k := "", 0
	for i := range take {
		if take[i] = mask>>min(i, bits-1)&1 != 0; take[i] {
			if k++; k <= MaxPick {
				fmt.Fprintf(&b, "%s%d", sep, i+1)
				sep = ", "
			}
		}
	}
	if k > MaxPick {
		fmt.Fprintf(&b, ", … (%d in all)", k)
	}
	b.WriteByte('}')
	s.trace = append(s.trace, b.String())
}

// arrive is the decision of how the items pushed into an input (or sent
// on a Go channel source) split over ticks: how many of those pending, at
// least one, enter this tick, oldest first.
func (s *stepper) arrive(n *ir.Node, pending int) int {
	if pending == 1 {
		return 1
	}
	k := 1 + s.c.Choose(pending, fmt.Sprintf("input at %s: %d pending, how many arrive (at least 1)", n.Pos(), pending))
	s.trace = append(s.trace, fmt.Sprintf("input at %s: %d of %d arrive", n.Pos(), k, pending))
	return k
}

// action is one possible step.
type action struct {
	what  string
	do    func()
	fault bool   // a crash, restart, partition, heal, loss or duplication
	node  string // the node whose state it changes (see Step)
}

// Step takes one step under the run's chooser: a tick at a node with work,
// or the delivery of the oldest message on one channel. It reports false
// when no step is possible. Without a chooser it runs a round of ticks.
func (r *Run) Step() bool {
	s := r.step
	if s == nil {
		if !r.pending() {
			return false
		}
		r.RunTick()
		return true
	}
	var acts []action
	for _, g := range r.prog.Graphs {
		if !s.down[NodeName(g.Dest)] && (feed(g.Feeders) || g.Graph.Pending()) {
			acts = append(acts, action{what: "tick " + NodeName(g.Dest), do: func() { r.tickOne(g) }, node: NodeName(g.Dest)})
		}
	}
	r.forDueTimers(func(g *compile.Graph, t compile.Timer, fire func()) {
		if !s.down[NodeName(g.Dest)] {
			acts = append(acts, action{what: fmt.Sprintf("timer fires at %s (%s)", NodeName(g.Dest), t.Node.Pos()), do: fire, node: NodeName(g.Dest)})
		}
	})
	for i, g := range r.prog.Graphs {
		switch {
		case s.down[NodeName(g.Dest)]:
			acts = append(acts, action{what: "restart " + NodeName(g.Dest), do: func() { r.restart(i) }, fault: true})
		case s.crashes > 0 && s.mayCrash(g.Dest.Loc):
			acts = append(acts, action{what: "crash " + NodeName(g.Dest), do: func() { r.crash(g) }, fault: true})
		}
	}
	for i, a := range r.prog.Graphs {
		for _, b := range r.prog.Graphs[i+1:] {
			p := pair(a.Dest, b.Dest)
			switch {
			case s.cut[p]:
				acts = append(acts, action{what: "heal " + NodeName(a.Dest) + " | " + NodeName(b.Dest), do: func() {
					delete(s.cut, p)
					s.net.Heal(NodeName(a.Dest), NodeName(b.Dest))
				}, fault: true})
			case s.partitions > 0:
				acts = append(acts, action{what: "partition " + NodeName(a.Dest) + " | " + NodeName(b.Dest), do: func() { r.partition(a, b) }, fault: true})
			}
		}
	}
	for i, m := range s.net.InFlight() {
		what := fmt.Sprintf("%s → %s (channel %d, %d bytes)", m.From, m.To, m.Frame.Channel, len(m.Frame.Payload))
		acts = append(acts, action{what: "deliver " + what, do: func() { r.deliver(i, 1) }, node: m.To})
		if s.lossy[m.Frame.Channel] {
			if s.losses > 0 {
				acts = append(acts, action{what: "lose " + what, do: func() { s.losses--; r.deliver(i, 0) }, fault: true})
			}
			if s.duplicates > 0 {
				acts = append(acts, action{what: "duplicate " + what, do: func() { s.duplicates--; r.deliver(i, 2) }, fault: true})
			}
		}
	}
	if len(acts) == 0 {
		return false
	}
	// A flow with NonDet operators may take any possible step next. One
	// without has a fixed schedule, its first possible step, since its
	// outputs do not depend on the schedule; what remains to choose is
	// whether a fault strikes before that step, and which.
	cand := make([]int, 0, len(acts))
	fixed := -1
	for j, a := range acts {
		switch {
		case !s.free || a.fault:
			cand = append(cand, j)
		case fixed < 0:
			fixed = j
		}
	}
	if fixed >= 0 {
		cand = append([]int{fixed}, cand...)
	}
	var i int
	switch sc, ok := s.c.(StepChooser); {
	case ok:
		steps := s.steps[:0]
		for _, c := range cand {
			a := acts[c]
			// A delivery is the same step as long as its link's head is:
			// its key leaves out the head's channel and size.
			key, _, _ := strings.Cut(a.what, " (channel ")
			steps = append(steps, Step{What: a.what, Key: key, Node: a.node, Fault: a.fault})
		}
		s.steps = steps
		i = cand[r.chooseStep(sc, steps)]
	case len(cand) == 1:
		i = cand[0]
	default:
		names := make([]string, len(cand))
		for j, c := range cand {
			names[j] = acts[c].what
		}
		i = cand[s.c.Choose(len(cand), "next step: "+strings.Join(names, " | "))]
	}
	s.trace = append(s.trace, acts[i].what)
	acts[i].do()
	return true
}

// Trace returns the steps and batch decisions taken when stepped, in
// order: what a failing simulation prints.
func (r *Run) Trace() []string {
	if r.step == nil {
		return nil
	}
	return r.step.trace
}

func (r *Run) tickOne(g *compile.Graph) {
	type described interface {
		Len() int
		Describe(from, max int) string
	}
	before := map[any]int{}
	if r.cfg.Output != nil {
		for h, v := range g.Handles {
			if d, ok := v.(described); ok {
				before[h] = d.Len()
			}
		}
	}
	feed(g.Feeders)
	g.Graph.RunTick()
	// What the tick yielded, output by output, in the order the flow made
	// them.
	var lines []string
	for h, n := range before {
		d := g.Handles[h].(described)
		o, ok := r.cfg.Output(h)
		if !ok || d.Len() == n {
			continue
		}
		lines = append(lines, fmt.Sprintf("%08d\x00output at %s yields %s", o.ID, o.Pos(), d.Describe(n, 8)))
	}
	slices.Sort(lines)
	for _, l := range lines {
		r.step.trace = append(r.step.trace, l[strings.IndexByte(l, 0)+1:])
	}
	r.flush(g)
}

// deliver moves the i-th message in flight into its receiver's next tick,
// times times: 1 normally, 0 to lose it, 2 to repeat it (lossy channels).
func (r *Run) deliver(i, times int) {
	m := r.step.net.Deliver(i)
	in, _ := r.step.net.Endpoint(m.To).Receive()
	g := r.byName[m.To]
	for range times {
		if err := g.Inboxes[in.Frame.Channel].Deliver(in.Frame.Sender, in.Frame.Payload); err != nil {
			if e := r.incompatible(m.From, m.To, in.Frame.Channel, err); e != nil {
				panic(e)
			}
			panic(err)
		}
	}
}

// flush sends what g's last tick sent: delivered at once without a chooser,
// queued on its channel with one.
func (r *Run) flush(g *compile.Graph) {
	for _, o := range g.Outboxes {
		err := o.Flush(func(to compile.Dest, payload []byte) error {
			dst, ok := r.byName[NodeName(to)]
			if !ok {
				return nil // no such member: lost, as to a crashed node
			}
			if _, ok := dst.Inboxes[o.Channel]; !ok {
				// The receiver runs a version without the channel: a
				// deployed node drops the frame.
				if r.step != nil {
					r.step.trace = append(r.step.trace, fmt.Sprintf("%s (version %d) has no channel %d: what %s (version %d) sent on it is dropped",
						NodeName(dst.Dest), r.version[NodeName(dst.Dest)], o.Channel, NodeName(g.Dest), r.version[NodeName(g.Dest)]))
				}
				return nil
			}
			if r.step != nil {
				// mem copies the payload, and loses it across a cut.
				return r.step.net.Endpoint(NodeName(g.Dest)).Send(NodeName(dst.Dest), transport.Frame{Channel: o.Channel, Sender: g.Dest.Member, Payload: payload})
			}
			return dst.Inboxes[o.Channel].Deliver(g.Dest.Member, payload)
		})
		if err != nil {
			panic(err)
		}
	}
}

func (r *Run) crash(g *compile.Graph) {
	s := r.step
	s.crashes--
	s.down[NodeName(g.Dest)] = true
	s.net.Crash(NodeName(g.Dest))
	r.announce(g.Dest, false)
}

func (r *Run) restart(i int) {
	old := r.prog.Graphs[i]
	name := NodeName(old.Dest)
	if r.step.durable[old.Dest.Loc.Name] {
		// Its state survived, as if on disk; what was in flight did not.
		delete(r.step.down, name)
		r.announce(old.Dest, true)
		return
	}
	g, err := compile.LowerOne(r.flows[r.version[name]], old.Dest, r.env)
	if err != nil {
		panic(err)
	}
	r.prog.Graphs[i] = g
	r.byDest[g.Dest] = g
	r.byName[name] = g
	delete(r.step.down, name)
	r.start(g)
	for _, m := range g.Membership {
		for _, id := range r.liveMembers(m.Cluster) {
			m.Push(id, true)
		}
	}
	r.announce(g.Dest, true)
}

// announce tells every other live node watching d's cluster that d left or
// joined.
func (r *Run) announce(d compile.Dest, joined bool) {
	if d.Loc.Kind != ir.Cluster {
		return
	}
	for _, g := range r.prog.Graphs {
		if g.Dest == d || r.step.down[NodeName(g.Dest)] {
			continue
		}
		for _, m := range g.Membership {
			if sameRoot(m.Cluster, d.Loc) {
				m.Push(d.Member, joined)
			}
		}
	}
}

func (s *stepper) mayCrash(l *ir.Location) bool {
	return s.crashable == nil || slices.Contains(s.crashable, l.Name)
}

func (r *Run) partition(a, b *compile.Graph) {
	s := r.step
	s.partitions--
	s.cut[pair(a.Dest, b.Dest)] = true
	s.net.Partition(NodeName(a.Dest), NodeName(b.Dest))
}

// pair names an unordered pair of nodes.
func pair(a, b compile.Dest) [2]string {
	x, y := NodeName(a), NodeName(b)
	if x > y {
		x, y = y, x
	}
	return [2]string{x, y}
}

// stale is the Snapshot decision under a chooser: which of the recent
// versions a snapshot shows, 0 for the newest.
func (s *stepper) stale(n *ir.Node, versions int) int {
	if versions == 1 {
		return 0
	}
	k := s.c.Choose(versions, fmt.Sprintf("snapshot at %s: one of %d versions (NonDet: %s)", n.Pos(), versions, n.NonDet))
	s.trace = append(s.trace, fmt.Sprintf("snapshot at %s shows the version %d ticks old", n.Pos(), k))
	return k
}
