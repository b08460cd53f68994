// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/internal/callsite"
)

// Graph is a dataflow graph: operators joined by typed ports. Build it with
// the package's generic functions, then Compile it (or let the first RunTick
// compile it) and drive it tick by tick.
//
// A Graph is not safe for concurrent use: the shell pushes inputs, runs
// ticks and drains outputs from one goroutine at a time.
type Graph struct {
	nodes     []*node
	buildErrs []error
	inputs    []handoff // the buffers of SourceInput handles
	plan      *plan
	planErr   error
	wiring    []nodeRuntime // only while compiling
	tick      uint64
	posFile   string // set by SetPosition
	posLine   int
	posColl   string   // set by SetCollection
	obs       Observer // set by Observe
}

// New returns an empty graph.
func New() *Graph { return &Graph{} }

// SetPosition makes the operators built from now on report file:line as
// where they were built, instead of their caller: for code that builds graphs
// on behalf of a user, such as the hydro compiler. An empty file restores
// the default.
func (g *Graph) SetPosition(file string, line int) {
	g.posFile, g.posLine = file, line
}

// SetCollection makes the operators built from now on report name as the
// collection they were built for (OperatorStats.Collection): for code that
// lowers a higher-level program, such as the hydro compiler, whose
// collections the user names. An empty name restores the default, none.
func (g *Graph) SetCollection(name string) { g.posColl = name }

// Port is an operator's output carrying elements of type T. Each port is
// consumed by exactly one operator; use Tee to feed several.
type Port[T any] struct {
	n   *node
	idx int
}

// Named gives the port's operator a name, shown in drawings, statistics and
// errors, and returns the port.
func (p Port[T]) Named(name string) Port[T] {
	p.node().name = name
	return p
}

// Graph returns the graph the port belongs to.
func (p Port[T]) Graph() *Graph { return p.node().g }

func (p Port[T]) node() *node {
	if p.n == nil {
		panic("dfir: use of a zero Port; ports come from the operator functions")
	}
	return p.n
}

// node is one operator. Its wire function, set by the typed builder, installs
// the operator's input sinks and registers its entries once the graph is
// compiled and every downstream sink is known.
type node struct {
	g        *Graph
	id       int
	op       string
	name     string
	file     string
	line     int
	ins      []*edge
	blocking []bool // per input: must the producer finish its stratum first?
	// passes marks blocking inputs that flow straight on (NextStratum,
	// Chain's first input) rather than into the operator's state.
	passes []bool
	// monotone marks blocking inputs that may sit on a fixpoint cycle
	// because the operator only grows (LatticeFold); Compile sets inCycle
	// when one does.
	monotone []bool
	inCycle  bool
	// forwards marks operators that pass every input item on unchanged
	// (DeferTick, Cycle, NextStratum, Union).
	forwards  bool
	outs      []outPort
	lifetimes []Lifetime
	wire      func()
	inSinks   []any // func([]T) per input, set by wire
	// kept is the state the operator carries across ticks (see keep);
	// opaque marks an operator whose effects leave the graph as they
	// happen (ForEach, Inspect), so that its state cannot be hashed.
	kept   []any
	opaque bool

	coll  string // the collection it was built for (SetCollection)
	items uint64 // items received on every input; a source's, items emitted

	stratum int
	sub     *subgraph
	// order, set by routing operators, is filled in by Compile when the
	// operator's outputs meet again downstream (see planOrder).
	order *orderPlan
}

type outPort struct {
	consumers  []*edge
	newHandoff func(e *edge) handoff
}

type edgeKind uint8

const (
	edgeFused    edgeKind = iota // a direct call inside a subgraph
	edgeStratum                  // a handoff to a later stratum of the same tick
	edgeCycle                    // a handoff closing a cycle inside one stratum
	edgeTick                     // defer_tick: a handoff to the next tick
	edgeTickLazy                 // defer_tick_lazy: as edgeTick, without asking for a tick
)

func (k edgeKind) String() string {
	return [...]string{"fused", "stratum", "cycle", "defer_tick", "defer_tick_lazy"}[k]
}

type edge struct {
	src     *node
	srcPort int
	dst     *node
	dstPort int
	delay   edgeKind // edgeTick or edgeTickLazy when the edge crosses ticks, else edgeFused
	kind    edgeKind // decided by Compile
	h       handoff
}

// String names the operator as errors and drawings show it: its name or
// kind, id and source position.
func (n *node) String() string {
	label := n.op
	if n.name != "" {
		label = n.name + ":" + n.op
	}
	return fmt.Sprintf("%s#%d (%s:%d)", label, n.id, n.file, n.line)
}

func (n *node) label() string {
	if n.name != "" {
		return n.name + ": " + n.op
	}
	return n.op
}

var dfirDir = callsite.Dir()

// callSite returns the first caller outside this package's own sources, so
// that errors point at the user's code.
func callSite() (string, int) { return callsite.Find(2, dfirDir) }

func (g *Graph) newNode(op string, nIn, nOut int, lts []Lifetime, maxLts int) *node {
	if g.plan != nil || g.planErr != nil {
		panic("dfir: the graph is compiled; operators can no longer be added")
	}
	n := &node{g: g, id: len(g.nodes), op: op, ins: make([]*edge, nIn), blocking: make([]bool, nIn),
		passes: make([]bool, nIn), monotone: make([]bool, nIn), outs: make([]outPort, nOut), inSinks: make([]any, nIn)}
	if g.posFile != "" {
		n.file, n.line = g.posFile, g.posLine
	} else {
		n.file, n.line = callSite()
	}
	n.coll = g.posColl
	g.nodes = append(g.nodes, n)
	switch {
	case len(lts) > maxLts:
		g.errorf("%v: takes at most %d lifetimes, got %d", n, maxLts, len(lts))
	case len(lts) == 1 && maxLts == 2:
		n.lifetimes = []Lifetime{lts[0], lts[0]}
	default:
		n.lifetimes = make([]Lifetime, maxLts)
		copy(n.lifetimes, lts)
	}
	for i, l := range lts {
		if l > Incremental {
			g.errorf("%v: lifetime %d is %d, not one of PerTick, Static or Incremental", n, i, uint8(l))
			n.lifetimes = make([]Lifetime, maxLts) // run as PerTick if errors are ignored
		}
	}
	return n
}

func (g *Graph) errorf(format string, args ...any) {
	g.buildErrs = append(g.buildErrs, fmt.Errorf("dfir: "+format, args...))
}

// lifetime returns the lifetime of the operator's i-th state.
func (n *node) lifetime(i int) Lifetime {
	if i < len(n.lifetimes) {
		return n.lifetimes[i]
	}
	return PerTick
}

// connect makes input port of dst consume p.
func connect[T any](p Port[T], dst *node, port int) {
	src := p.node()
	if src.g != dst.g {
		dst.g.errorf("%v: input %d comes from %v, which belongs to another graph", dst, port, src)
		return
	}
	e := &edge{src: src, srcPort: p.idx, dst: dst, dstPort: port}
	dst.ins[port] = e
	src.outs[p.idx].consumers = append(src.outs[p.idx].consumers, e)
}

// output declares output i of n as carrying T and returns its port.
func output[T any](n *node, i int) Port[T] {
	n.outs[i].newHandoff = func(e *edge) handoff { return newHandoff[T](e, false) }
	return Port[T]{n: n, idx: i}
}

// sink returns the function output i of n pushes into: the consumer's input
// sink for a fused edge, the handoff otherwise. Only valid while wiring.
func sink[T any](n *node, i int) func([]T) {
	e := n.outs[i].consumers[0]
	if e.kind != edgeFused {
		return e.h.(*handoffOf[T]).push
	}
	s := e.dst.inSinks[e.dstPort]
	if s == nil {
		panic(fmt.Sprintf("dfir: internal error: %v wired before its consumer %v", n, e.dst))
	}
	return s.(func([]T))
}

// setIn installs the function input i of n receives batches through,
// wrapped to count the items and to tell the graph's Observer, if any.
func setIn[T any](n *node, i int, f func([]T)) {
	g := n.g
	n.inSinks[i] = func(b []T) {
		n.items += uint64(len(b))
		if o := g.obs; o != nil {
			o.Enter(n.id)
			f(b)
			o.Exit(n.id)
			return
		}
		f(b)
	}
}

// Errors returned by Compile and by the first RunTick of an invalid graph.
var (
	// ErrInvalid wraps every problem Compile finds in a graph.
	ErrInvalid = errors.New("dfir: invalid graph")
)
