// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Impl is how a node lowers: an ir.Node's Impl. Lower builds the node's
// dfir operators in c's graph, given its inputs' ports (dfir.Port values of
// the types the implementation names), reading the user's function from
// n.Fn and its other arguments from n's fields, and returns the node's own
// port (nil for a sink). Implementations are values, usually of zero-size
// generic types such as Map[T, U]{}.
type Impl interface {
	Lower(c *Ctx, n *ir.Node, ins []any) any
}

// Elem is what lowering and rewrites need of a node's output element type,
// whatever the operator: an ir.Node's Elem, a Type[T]{}.
type Elem interface {
	// Tee splits port p k ways; Null discards it.
	Tee(p any, k int) []any
	Null(p any)
	// Net gives a plain channel of the element type: see Type.Send.
	Net
}

// Net lowers a networking node in two halves: Send builds the sending half
// in a graph of the input's location, consuming the input's port, and Recv
// the receiving half in a graph of the node's location, returning it with
// the node's port.
type Net interface {
	Send(c *Ctx, n *ir.Node, in any) Outbox
	Recv(c *Ctx, n *ir.Node) (Inbox, any)
}

// Cycler lowers a forward reference in two steps: NewCycle makes the cycle
// and its port before the input exists; Close feeds the input's port into it
// once every node is lowered.
type Cycler interface {
	NewCycle(c *Ctx, n *ir.Node) (cycle, port any)
	Close(c *Ctx, n *ir.Node, cycle, in any)
}

// Type is the Elem of collections of T.
type Type[T any] struct{}

var _ Elem = Type[int]{}

// Tee splits p k ways.
func (Type[T]) Tee(p any, k int) []any {
	ps := dfir.Tee(p.(dfir.Port[T]), k)
	out := make([]any, k)
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// Null discards p.
func (Type[T]) Null(p any) { dfir.Null(p.(dfir.Port[T])) }

// Send builds the sending half of a channel that carries T as it is,
// routed as n.Net.Route says (ToOne, ToAll, RoundRobin or ByKey).
func (Type[T]) Send(c *Ctx, n *ir.Node, in any) Outbox {
	out := &items[T]{out: dfir.SinkOutput(in.(dfir.Port[T]))}
	if n.Net.Route == ir.ByKey {
		return send(c, n, byKeyOf(c, n, out))
	}
	return send(c, n, out)
}

// Recv builds the receiving half of a channel that delivers T as it is.
func (Type[T]) Recv(c *Ctx, n *ir.Node) (Inbox, any) {
	h, p := dfir.SourceInput[T](c.Graph)
	return recv(c, n, &into[T]{in: h}), p
}

// Forward lowers a forward reference of T (ForwardRef, TickCycle), whose
// input reaches it as n.Cycle.Delay says.
type Forward[T any] struct{}

// NewCycle makes the cycle.
func (Forward[T]) NewCycle(c *Ctx, n *ir.Node) (any, any) {
	return dfir.NewCycle[T](c.Graph)
}

// Close feeds in into the cycle.
func (Forward[T]) Close(c *Ctx, n *ir.Node, cycle, in any) {
	p := in.(dfir.Port[T])
	switch n.Cycle.Delay {
	case ir.Eager:
		p = dfir.DeferTick(p)
	case ir.Lazy:
		p = dfir.DeferTickLazy(p)
	}
	cycle.(*dfir.Cycle[T]).Close(p)
}

// ForwardInitial is a TickCycleWithInitial: a Forward whose first tick
// holds n.Params, a T.
type ForwardInitial[T any] struct{}

// NewCycle makes the cycle, with the initial value in the first tick.
func (ForwardInitial[T]) NewCycle(c *Ctx, n *ir.Node) (any, any) {
	cycle, prev := dfir.NewCycle[T](c.Graph)
	// The cycle is empty in the first tick only: the initial value fills
	// it then.
	return cycle, dfir.Union(prev, dfir.SourceIter(c.Graph, []T{n.Params.(T)}))
}

// Close feeds in into the cycle.
func (ForwardInitial[T]) Close(c *Ctx, n *ir.Node, cycle, in any) {
	Forward[T]{}.Close(c, n, cycle, in)
}
