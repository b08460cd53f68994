// SPDX-License-Identifier: Apache-2.0

package ir

import (
	"fmt"
	"hash/fnv"
	"reflect"
	"time"
)

// Kind is the shape of a live collection.
type Kind uint8

const (
	// Stream is a sequence of items.
	Stream Kind = iota
	// KeyedStream is a stream of (key, value) pairs ordered per key only.
	KeyedStream
	// Singleton is exactly one value (that may change over time).
	Singleton
	// Optional is zero or one value.
	Optional
	// KeyedSingleton is one value per key.
	KeyedSingleton
	// Sink consumes a collection and produces nothing.
	Sink
)

func (k Kind) String() string {
	return [...]string{"Stream", "KeyedStream", "Singleton", "Optional", "KeyedSingleton", "Sink"}[k]
}

// Props are the guarantees of a live collection that the Go types do not
// carry: Compile checks operators against them.
type Props struct {
	Kind Kind
	// Bounded collections are complete: a tick's batch, a finite source.
	Bounded bool
	// Ordered collections have a deterministic order (per key, for keyed
	// ones).
	Ordered bool
	// ExactlyOnce collections hold no duplicates caused by retries.
	ExactlyOnce bool
}

func (p Props) String() string {
	b := "unbounded"
	if p.Bounded {
		b = "bounded"
	}
	o := "unordered"
	if p.Ordered {
		o = "ordered"
	}
	r := "at-least-once"
	if p.ExactlyOnce {
		r = "exactly-once"
	}
	if p.Kind == Singleton || p.Kind == Optional || p.Kind == KeyedSingleton || p.Kind == Sink {
		return fmt.Sprintf("%v, %s", p.Kind, b)
	}
	return fmt.Sprintf("%v, %s, %s, %s", p.Kind, b, o, r)
}

// LocKind is the kind of a location.
type LocKind uint8

const (
	// Process is a single machine.
	Process LocKind = iota
	// Cluster is a set of identical members.
	Cluster
	// External is a client outside the flow.
	External
	// Tick is a logical clock domain inside another location.
	Tick
	// Atomic is the atomic region of a tick: collections there grow as at
	// the tick's location, and are computed in the tick's steps, so what
	// leaves the region is released with the state it read.
	Atomic
)

func (k LocKind) String() string {
	return [...]string{"Process", "Cluster", "External", "Tick", "Atomic"}[k]
}

// Location is a place where collections live.
type Location struct {
	ID     int
	Kind   LocKind
	Name   string    // the tag type's name, or "tick" for ticks
	Parent *Location // the enclosing location of a tick
	// File and Line are where the user made the location.
	File string
	Line int
	// Flow is the flow the location belongs to: a collection of one flow
	// must not reach an operator of another.
	Flow *Flow
	// Tick is the tick of an atomic region, whose Parent is the tick's.
	Tick *Location
	// Partitions is set on a process that a rewrite partitioned: it is
	// now a cluster of exactly this many members, each holding the keys
	// its channels route to it, whatever size a shell would give it.
	Partitions int
}

// Root returns the process, cluster or external location that holds l.
func (l *Location) Root() *Location {
	for l.Parent != nil {
		l = l.Parent
	}
	return l
}

func (l *Location) String() string {
	if l.Kind == Tick || l.Kind == Atomic {
		return fmt.Sprintf("%v[%v]", l.Kind, l.Parent)
	}
	return fmt.Sprintf("%v[%s]", l.Kind, l.Name)
}

// Node is one operator call, as data: what it is (Op), what it consumes
// (Inputs), where it runs (Loc), what it produces (Props), where the user
// called it (File, Line), the user's function (Fn), its other arguments
// (Params, Period), and, as opaque values of package compile, how it lowers
// (Impl) and how its output's element type is split, discarded, cycled and
// sent (Elem). Passes read and rewrite nodes; nothing here runs anything.
type Node struct {
	ID     int
	Op     string
	Loc    *Location
	Props  Props
	Inputs []*Node // a forward reference's input is nil until completed
	File   string
	Line   int
	// NonDet is the reason the user gave for a non-deterministic operator.
	NonDet string
	// Label describes the operator's arguments in drawings.
	Label string
	// Name is the name the user gave the collection (Named): shown in
	// drawings, and in logs about a channel.
	Name string
	// Blocking has bit i set when the operator needs all of input i for
	// the tick before it emits (an aggregation, a sort, a negation): such
	// an input must not depend on the operator's output in the same tick.
	Blocking uint8

	// Fn is the user's function, or a struct of them where the operator
	// takes several (Fold's init and combine). It is the only field that
	// holds a closure.
	Fn any
	// Params holds the operator's other arguments that lowering needs: the
	// items of a SourceIter, a Go channel, the handle of an Input or a port.
	Params any
	// Period is a timer's period.
	Period time.Duration
	// Wire is the type a channel or an external port encodes, for the
	// check that it can travel (NeedWire).
	Wire reflect.Type
	// Impl is how the node lowers: a value of package compile whose type
	// carries the element types (compile.Map[T, U]{}).
	Impl any
	// Elem gives Tee, Null, cycles and channels for the node's output
	// element type: a compile.Type[T]{}.
	Elem any
	// Crosses is set on operators whose input lives at another location by
	// design: Batch and Snapshot into a tick, AllTicks and Latest out of
	// one, and networking operators (which also set Net).
	Crosses bool
	// Net is set on networking operators: their input lives at another
	// location, and they lower in two halves, one in each.
	Net *Net
	// Cycle is set on forward references.
	Cycle *Cycle
	// Needs are what the operator requires of its inputs or arguments:
	// facts the checks of package compile read.
	Needs []Need
	// Claims are the algebraic properties the user claims for the
	// operator's function (Fold's hydro.Commutative).
	Claims Claims
}

// Net is a networking node's channel from the location of its input to its
// own.
type Net struct {
	Channel uint32
	// Lossy channels may lose and repeat messages: a simulator may make
	// them (a deployment never needs to).
	Lossy bool
	// Route is where each item goes.
	Route Route
	// Key, for a ByKey route, is a value of package compile that gives
	// the key of each item (nil: the Key of a KV item); Partitions is the
	// number of members keys are spread over.
	Key        any
	Partitions int
}

// ChannelID is the id of a channel the user named (Named): a hash of the
// name and of the names of the locations it goes from and to, with the top
// bit set, so that it never equals the id of an unnamed channel (its node's
// ID) and two builds of a program, say an old and a new version during a
// rolling upgrade, agree on it however their other operators changed.
func ChannelID(name, from, to string) uint32 {
	h := fnv.New32a()
	for _, s := range []string{name, from, to} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum32() | 1<<31
}

// Route says which members of the receiving location get an item.
type Route uint8

const (
	// ToOne sends every item to member 0: a process.
	ToOne Route = iota
	// ByMember sends each (member, value) pair's value to the member named.
	ByMember
	// ToAll sends every item to every current member.
	ToAll
	// RoundRobin sends each item to the next current member in turn.
	RoundRobin
	// ByKey sends each item to the member its key's hash names, modulo
	// Net.Partitions: the route into a partitioned process.
	ByKey
)

func (r Route) String() string {
	return [...]string{"one", "by member", "all", "round robin", "by key"}[r]
}

// Delay is how a forward reference's input reaches it.
type Delay uint8

const (
	// NoDelay: in the same tick, a fixpoint cycle.
	NoDelay Delay = iota
	// Eager: in the next tick, which it asks for.
	Eager
	// Lazy: in the next tick, whenever that runs.
	Lazy
)

// Cycle is what a forward reference records.
type Cycle struct {
	Delay Delay
	// Completions lists every Complete call: the first one's collection is
	// also Inputs[0].
	Completions []Completion
}

// Completion is one call of Complete on a forward reference.
type Completion struct {
	In   *Node
	File string
	Line int
}

// Pos is the user's file:line of the call.
func (c Completion) Pos() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// Requirement is something an operator needs.
type Requirement uint8

const (
	// NeedOrdered: input In totally ordered.
	NeedOrdered Requirement = iota + 1
	// NeedOrderedPerKey: input In ordered per key.
	NeedOrderedPerKey
	// NeedExactlyOnce: input In without repeats.
	NeedExactlyOnce
	// NeedBounded: input In bounded.
	NeedBounded
	// NeedAlgebra: the node's Claims cover what input In's guarantees
	// lack (Commutative where it is unordered, Idempotent where it may
	// repeat).
	NeedAlgebra
	// NeedNonDet: a NonDet reason.
	NeedNonDet
	// NeedTickOf: the node's location is a tick of input In's location.
	NeedTickOf
	// NeedPeriod: a positive Period.
	NeedPeriod
	// NeedCodec: a usable codec in Fn.
	NeedCodec
	// NeedWire: the node's Wire type can travel: encoded and decoded to
	// what was sent, nothing dropped or zeroed.
	NeedWire
	// NeedOutsideTick: the node is not at a tick.
	NeedOutsideTick
	// NeedMonotone: input In only grows (see package compile's Growth).
	NeedMonotone
	// NeedAtomicTick: the node's location is the tick of input In's
	// atomic region.
	NeedAtomicTick
)

// Need is one requirement of an operator. Op names the operator as the
// user called it, and Hint, if set, replaces the check's usual hint.
type Need struct {
	What Requirement
	In   int
	Op   string
	Hint string
}

// Claims are algebraic properties of an operator's function.
type Claims uint8

const (
	// Commutative: the result does not depend on the order of items.
	Commutative Claims = 1 << iota
	// Idempotent: applying an item twice is like applying it once.
	Idempotent
	// Monotone: an aggregation's value only grows as items arrive.
	Monotone
	// OrderPreserving: a function of a singleton gives a result that grows
	// when its argument grows, so that it keeps a value monotone.
	OrderPreserving
)

// Need records a requirement of n.
func (n *Node) Need(what Requirement, in int, op, hint string) {
	n.Needs = append(n.Needs, Need{What: what, In: in, Op: op, Hint: hint})
}

// Pos is the user's file:line.
func (n *Node) Pos() string { return fmt.Sprintf("%s:%d", n.File, n.Line) }

func (n *Node) String() string { return fmt.Sprintf("%s (%s)", n.Op, n.Pos()) }

// Flow is the whole program: every location and every operator.
type Flow struct {
	Locations []*Location
	Nodes     []*Node
	// File and Line are where the user made the flow.
	File string
	Line int
	// Finite is set for a flow that finishes (hydro's Flow.Finite): once
	// every node is idle and every message sent has been received, there
	// is nothing left for it to do, and its shells stop it.
	Finite bool
}
