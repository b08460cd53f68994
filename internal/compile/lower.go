// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// Env is what the shell running a flow tells lowering about its deployment.
type Env struct {
	// Size returns how many members a cluster has; 1 if nil.
	Size func(l *ir.Location) int
	// Members returns a cluster's current members, when a tick's
	// messages are sent; all of 0..Size-1 if nil.
	Members func(l *ir.Location) []uint32
	// Decide, if set, makes the choices timing makes in a deployment
	// (see Ctx.Decide).
	Decide func(n *ir.Node, held int) int
	// Pick, if set, chooses which items enter a Batch of an unordered
	// stream (Ctx.Pick).
	Pick func(n *ir.Node, take []bool)
	// Arrive, if set, splits an input's arrivals over ticks
	// (Ctx.Arrive).
	Arrive func(n *ir.Node, pending int) int
	// Stale, if set, chooses how stale each Snapshot is (Ctx.Stale).
	Stale func(n *ir.Node, versions int) int
	// Order, if set, chooses the order an AssumeOrdered sees each tick's
	// items in (Ctx.Order).
	Order func(n *ir.Node, perm []int)
	// Codec encodes channel values; transport.DefaultLimits if nil.
	Codec *transport.Codec
	// CheckClaims, if set, makes the aggregations test the claims made of
	// their functions (Ctx.CheckClaims).
	CheckClaims bool
}

// Program is a lowered flow: one dfir graph per running copy of a location.
type Program struct {
	Graphs []*Graph
}

// Graph is the dfir graph of one process, or of one member of a cluster,
// with what its shell needs to drive it.
type Graph struct {
	Dest       Dest
	Graph      *dfir.Graph
	Handles    map[any]any
	Timers     []Timer
	Feeders    []func() bool
	Wakes      []*Wake
	Membership []MembershipInput
	// Outboxes are flushed after every tick; Inboxes receive by channel.
	Outboxes []Outbox
	Inboxes  map[uint32]Inbox
	// Ports are the external ports the location serves.
	Ports []*PortBinding
}

// Lower builds and compiles a graph for every process and every member of
// every cluster. The flow must have passed the language's checks: every
// forward reference completed, no aggregation on a same-tick cycle, no
// recorded misuse.
func Lower(f *ir.Flow, env Env) (*Program, error) {
	if err := env.Fill(); err != nil {
		return nil, err
	}
	p := &Program{}
	var errs []error
	for _, l := range f.Locations {
		if l.Parent != nil || l.Kind == ir.External {
			continue
		}
		n := 1
		if l.Kind == ir.Cluster {
			n = env.Size(l)
		}
		for m := range n {
			g, err := LowerOne(f, Dest{Loc: l, Member: uint32(m)}, env)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			p.Graphs = append(p.Graphs, g)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Fill gives every unset field of env its default. Lower and LowerOne call
// it; a shell that needs the same membership the graph sees calls it first.
func (env *Env) Fill() error {
	if env.Codec == nil {
		c, err := transport.NewCodec(transport.DefaultLimits)
		if err != nil {
			return err
		}
		env.Codec = c
	}
	if env.Size == nil {
		env.Size = func(*ir.Location) int { return 1 }
	}
	env.Size = Sized(env.Size)
	if env.Members == nil {
		size := env.Size
		env.Members = func(l *ir.Location) []uint32 {
			ms := make([]uint32, size(l))
			for i := range ms {
				ms[i] = uint32(i)
			}
			return ms
		}
	}
	return nil
}

// Sized returns size, but for a partitioned process (ir.Location's
// Partitions), whose number of members the flow fixes.
func Sized(size func(l *ir.Location) int) func(l *ir.Location) int {
	return func(l *ir.Location) int {
		if l.Partitions > 0 {
			return l.Partitions
		}
		return size(l)
	}
}

// LowerOne builds and compiles the graph of one copy of a root location. It
// walks the flow (ir.Flow.Walk), gives each node here the ports of its
// inputs, splitting a port several nodes here consume with its Elem's Tee
// and ending one nobody consumes with Null, builds the sending half of every
// channel whose input is here and the receiving half of every channel that
// ends here, and closes forward references once every node is built.
func LowerOne(f *ir.Flow, at Dest, env Env) (*Graph, error) {
	if err := env.Fill(); err != nil {
		return nil, err
	}
	c := &Ctx{Graph: dfir.New(), Handles: make(map[any]any), Self: at.Member, Members: env.Members, Codec: env.Codec, Decide: env.Decide, Pick: env.Pick, Arrive: env.Arrive, Stale: env.Stale, Order: env.Order, CheckClaims: env.CheckClaims}
	g := &Graph{Dest: at, Graph: c.Graph, Handles: c.Handles, Inboxes: make(map[uint32]Inbox)}
	here := func(n *ir.Node) bool { return n != nil && n.Loc.Root() == at.Loc }
	sends := func(n *ir.Node) bool { return n.Net != nil && here(n.Inputs[0]) }
	order := f.Order()

	// Count the consumers here of every node here, so that shared ports
	// are split with Tee.
	consumers := make(map[*ir.Node]int)
	for _, n := range order {
		switch {
		case sends(n):
			consumers[n.Inputs[0]]++
		case here(n) && n.Net == nil:
			for _, in := range n.Inputs {
				consumers[in]++
			}
		}
	}
	handed := make(map[*ir.Node][]any) // ports still to hand out, per producer
	take := func(n *ir.Node) any {
		ps := handed[n]
		handed[n] = ps[1:]
		return ps[0]
	}
	hand := func(n *ir.Node, port any) error {
		e, err := elemOf(n)
		if err != nil {
			return err
		}
		switch k := consumers[n]; k {
		case 0:
			e.Null(port)
		case 1:
			handed[n] = []any{port}
		default:
			handed[n] = e.Tee(port, k)
		}
		return nil
	}

	// NB: every dfir operator built on behalf of node n reports n's
	// position, the Tee or Null after it and a channel's sending half
	// included: positionAt sets it, and lowerNode for n itself.
	cycles := make(map[*ir.Node]any)
	for _, n := range order {
		if sends(n) {
			net, err := netOf(n)
			if err != nil {
				return nil, err
			}
			positionAt(c, n)
			g.Outboxes = append(g.Outboxes, net.Send(c, n, take(n.Inputs[0])))
		}
		if !here(n) {
			continue
		}
		port, err := lowerNode(c, g, n, cycles, here, take)
		if err != nil {
			return nil, err
		}
		if n.Props.Kind != ir.Sink {
			positionAt(c, n)
			if err := hand(n, port); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range order {
		if n.Cycle != nil && here(n) {
			positionAt(c, n)
			n.Impl.(Cycler).Close(c, n, cycles[n], take(n.Inputs[0]))
		}
	}
	positionAt(c, nil)
	g.Timers, g.Feeders, g.Wakes, g.Membership = c.Timers, c.Feeders, c.Wakes, c.Membership
	g.Ports = c.Ports
	if err := g.Graph.Compile(); err != nil {
		return nil, fmt.Errorf("hydro: internal error lowering %v: %w", at.Loc, err)
	}
	return g, nil
}

// positionAt makes the dfir operators built from now on report n's
// position, the user's call that n records, and the collection n is (its
// name, if Named gave it one); nil restores dfir's defaults.
func positionAt(c *Ctx, n *ir.Node) {
	if n == nil {
		c.Graph.SetPosition("", 0)
		c.Graph.SetCollection("")
		return
	}
	c.Graph.SetPosition(n.File, n.Line)
	c.Graph.SetCollection(n.Name)
}

// lowerNode builds node n, which lives here, and returns its port.
func lowerNode(c *Ctx, g *Graph, n *ir.Node, cycles map[*ir.Node]any, here func(*ir.Node) bool, take func(*ir.Node) any) (any, error) {
	positionAt(c, n)
	defer positionAt(c, nil)
	switch {
	case n.Net != nil:
		net, err := netOf(n)
		if err != nil {
			return nil, err
		}
		in, port := net.Recv(c, n)
		g.Inboxes[in.Channel] = in
		return port, nil
	case n.Cycle != nil:
		cy, ok := n.Impl.(Cycler)
		if !ok {
			return nil, fmt.Errorf("%s: hydro: internal error: forward reference %s lowers with %T, not a Cycler", n.Pos(), n.Op, n.Impl)
		}
		var port any
		cycles[n], port = cy.NewCycle(c, n)
		return port, nil
	}
	impl, ok := n.Impl.(Impl)
	if !ok {
		return nil, fmt.Errorf("%s: hydro: internal error: %s lowers with %T, not an Impl", n.Pos(), n.Op, n.Impl)
	}
	ins := make([]any, len(n.Inputs))
	for i, in := range n.Inputs {
		if !here(in) {
			return nil, fmt.Errorf("%s: hydro: internal error: %s takes an input from %v without a network operator", n.Pos(), n.Op, in.Loc.Root())
		}
		ins[i] = take(in)
	}
	return impl.Lower(c, n, ins), nil
}

func elemOf(n *ir.Node) (Elem, error) {
	e, ok := n.Elem.(Elem)
	if !ok {
		return nil, fmt.Errorf("%s: hydro: internal error: %s has element type value %T, not an Elem", n.Pos(), n.Op, n.Elem)
	}
	return e, nil
}

// netOf returns how networking node n lowers: its Impl if that is a Net,
// else its element type's plain channel.
func netOf(n *ir.Node) (Net, error) {
	if net, ok := n.Impl.(Net); ok {
		return net, nil
	}
	if net, ok := n.Elem.(Net); ok {
		return net, nil
	}
	return nil, fmt.Errorf("%s: hydro: internal error: channel %s has no Net", n.Pos(), n.Op)
}
