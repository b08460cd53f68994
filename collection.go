// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// KV is a key and a value: the element of keyed collections.
type KV[K comparable, V any] = dfir.KV[K, V]

// Pair is two values side by side: what joins and cross products emit.
type Pair[A, B any] = dfir.Pair[A, B]

// NonDet is the reason the user gives for a non-deterministic operator: why
// the program is correct whatever the operator's choice (where a batch ends,
// how stale a snapshot is). Every such operator takes one; the simulator
// shows it next to each choice it makes.
//
//	hydro.Batch(requests, tick, hydro.NonDet("requests are independent"))
type NonDet string

// Stream is a live sequence of items of type T at location L. Its other
// guarantees (bounded or not, ordered or not, exactly-once or at-least-once)
// are tracked by the flow and checked by Compile.
type Stream[T any, L Location] struct {
	n *ir.Node
	l L
}

// KeyedStream is a stream of (key, value) pairs whose order is kept per key
// only.
type KeyedStream[K comparable, V any, L Location] struct {
	n *ir.Node
	l L
}

// Singleton is exactly one value of type T at location L. At a tick it is the
// value for that tick; at a process it may change over time.
type Singleton[T any, L Location] struct {
	n *ir.Node
	l L
}

// Optional is zero or one value of type T at location L.
type Optional[T any, L Location] struct {
	n *ir.Node
	l L
}

// KeyedSingleton is one value of type V per key K at location L.
type KeyedSingleton[K comparable, V any, L Location] struct {
	n *ir.Node
	l L
}

// Location returns where the stream lives.
func (s Stream[T, L]) Location() L { return s.l }

// Location returns where the stream lives.
func (s KeyedStream[K, V, L]) Location() L { return s.l }

// Location returns where the singleton lives.
func (s Singleton[T, L]) Location() L { return s.l }

// Location returns where the optional lives.
func (s Optional[T, L]) Location() L { return s.l }

// Location returns where the keyed singleton lives.
func (s KeyedSingleton[K, V, L]) Location() L { return s.l }

// Named names the stream in drawings and, for a stream a networking
// operator made, its channel in the nodes' logs. A named channel's id
// comes from its name and the locations it joins, not from where its
// operator sits in the flow: two builds of a program (the old and the new
// version of a rolling upgrade) agree on it, so that their nodes talk to
// each other over it, while unnamed channels are numbered in the order
// the flow made them. It returns the stream.
func (s Stream[T, L]) Named(name string) Stream[T, L] { nameNode(s.node(), name); return s }

// Named names the keyed stream, as Stream.Named does.
func (s KeyedStream[K, V, L]) Named(name string) KeyedStream[K, V, L] {
	nameNode(s.node(), name)
	return s
}

// nameNode names n, and a networking node's channel (see Stream.Named).
func nameNode(n *ir.Node, name string) {
	n.Name = name
	if n.Net != nil && name != "" {
		n.Net.Channel = ir.ChannelID(name, n.Inputs[0].Loc.Root().Name, n.Loc.Root().Name)
	}
}

// Named names the singleton in drawings.
func (s Singleton[T, L]) Named(name string) Singleton[T, L] { s.node().Name = name; return s }

// Named names the optional in drawings.
func (s Optional[T, L]) Named(name string) Optional[T, L] { s.node().Name = name; return s }

// Named names the keyed singleton in drawings.
func (s KeyedSingleton[K, V, L]) Named(name string) KeyedSingleton[K, V, L] {
	s.node().Name = name
	return s
}

func (s Stream[T, L]) node() *ir.Node            { return must(s.n) }
func (s KeyedStream[K, V, L]) node() *ir.Node    { return must(s.n) }
func (s Singleton[T, L]) node() *ir.Node         { return must(s.n) }
func (s Optional[T, L]) node() *ir.Node          { return must(s.n) }
func (s KeyedSingleton[K, V, L]) node() *ir.Node { return must(s.n) }

func must(n *ir.Node) *ir.Node {
	if n == nil {
		panic("hydro: use of a zero collection; collections come from sources and operators")
	}
	return n
}

// build appends a node producing elements of type T at l, consuming ins,
// that lowers with impl (a value of package compile) and the user's
// function fn (nil if it takes none). What an operator requires of its
// inputs, the builder records on the node (see need); Compile checks it.
//
// NB: only the element type needs T; build is a facade over addNode so that
// an operator instantiated for a user's type compiles one call, not this.
func build[T any](l Location, op string, props ir.Props, ins []*ir.Node, impl, fn any) *ir.Node {
	return addNode(l, op, props, ins, impl, fn, compile.Type[T]{})
}

// addNode is build, with the element type's compile.Type given.
func addNode(l Location, op string, props ir.Props, ins []*ir.Node, impl, fn, elem any) *ir.Node {
	f := l.flow()
	file, line := callSite()
	if props.Kind == ir.Singleton || props.Kind == ir.Optional {
		// One value has one order and cannot repeat.
		props.Ordered, props.ExactlyOnce = true, true
	}
	return f.ir.Add(&ir.Node{Op: op, Loc: l.loc(), Props: props, Inputs: ins, File: file, Line: line,
		Fn: fn, Impl: impl, Elem: elem})
}

// sink appends a node that consumes in, of element type T, and produces
// nothing.
func sink[T any](l Location, op string, in *ir.Node, impl, fn any) *ir.Node {
	return build[T](l, op, ir.Props{Kind: ir.Sink}, []*ir.Node{in}, impl, fn)
}

// stream wraps a node as a collection of each kind.
func stream[T any, L Location](n *ir.Node, l L) Stream[T, L] { return Stream[T, L]{n: n, l: l} }

func keyedStream[K comparable, V any, L Location](n *ir.Node, l L) KeyedStream[K, V, L] {
	return KeyedStream[K, V, L]{n: n, l: l}
}

func singleton[T any, L Location](n *ir.Node, l L) Singleton[T, L] {
	return Singleton[T, L]{n: n, l: l}
}

func optional[T any, L Location](n *ir.Node, l L) Optional[T, L] {
	return Optional[T, L]{n: n, l: l}
}

func keyedSingleton[K comparable, V any, L Location](n *ir.Node, l L) KeyedSingleton[K, V, L] {
	return KeyedSingleton[K, V, L]{n: n, l: l}
}

// props of the collections operators make.
func streamProps(bounded, ordered, exactlyOnce bool) ir.Props {
	return ir.Props{Kind: ir.Stream, Bounded: bounded, Ordered: ordered, ExactlyOnce: exactlyOnce}
}

func withKind(p ir.Props, k ir.Kind) ir.Props {
	p.Kind = k
	return p
}
