// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"iter"
	"reflect"
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Sources, sinks, timers and membership: the operators that talk to the
// shell. Time never comes from inside a graph: the shell owns the clock and
// pushes timer events into the inputs these declare.

// SourceIter emits the items of n.Params, a []T.
type SourceIter[T any] struct{}

func (SourceIter[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	return dfir.SourceIter(c.Graph, n.Params.([]T))
}

// SourceSeq emits the values of n.Fn, an iter.Seq[T].
type SourceSeq[T any] struct{}

func (SourceSeq[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	return dfir.SourceSeq(c.Graph, n.Fn.(iter.Seq[T]))
}

// SourceChan emits what arrives on n.Params, a <-chan T.
type SourceChan[T any] struct{}

func (SourceChan[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	ch := n.Params.(<-chan T)
	h, p := dfir.SourceInput[T](c.Graph)
	w := &Wake{Chan: reflect.ValueOf(ch), Push: func(v reflect.Value) { h.Push(v.Interface().(T)) }}
	c.Wakes = append(c.Wakes, w)
	c.Feeders = append(c.Feeders, func() bool {
		if w.Owned {
			return false // the shell receives and pushes
		}
		moved := false
		for {
			select {
			case v, ok := <-ch:
				if !ok {
					return moved
				}
				h.Push(v)
				moved = true
			default:
				return moved
			}
		}
	})
	return arrivals(c, n, p)
}

// arrivals splits what an input emits over ticks under c.Arrive: a shell,
// such as a simulator, then decides how many of the pending items enter
// each tick, oldest first. Deployed, what arrived before a tick enters it.
func arrivals[T any](c *Ctx, n *ir.Node, p dfir.Port[T]) dfir.Port[T] {
	if c.Arrive == nil {
		return p
	}
	arrive := c.Arrive
	return dfir.Release(p, func(pending int) int { return arrive(n, pending) })
}

// Input is a dfir input, left in the handles under n.Params, the user's
// handle.
type Input[T any] struct{}

func (Input[T]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	h, p := dfir.SourceInput[T](c.Graph)
	c.Handles[n.Params] = h
	return arrivals(c, n, p)
}

// Output is a dfir output, left in the handles under n.Params: a sink.
type Output[T any] struct{}

func (Output[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	c.Handles[n.Params] = dfir.SinkOutput(port[T](ins, 0))
	return nil
}

// timer lowers to an input the shell pushes the elapsed time into every
// n.Period.
func timer(c *Ctx, n *ir.Node) dfir.Port[time.Duration] {
	h, p := dfir.SourceInput[time.Duration](c.Graph)
	c.Timers = append(c.Timers, Timer{Node: n, Period: int64(n.Period), Push: func(nanos int64) { h.Push(time.Duration(nanos)) }})
	return p
}

// Interval emits the elapsed time every n.Period.
type Interval struct{}

func (Interval) Lower(c *Ctx, n *ir.Node, _ []any) any { return timer(c, n) }

// SampleEvery emits a singleton's value every n.Period.
type SampleEvery[T any] struct{}

func (SampleEvery[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	both := dfir.CrossJoin(timer(c, n), port[T](ins, 0))
	return dfir.Map(both, func(p dfir.Pair[time.Duration, T]) T { return p.Right })
}

// Timeout has a value while its input has been silent for a whole
// n.Period.
type Timeout[T any] struct{}

func (Timeout[T]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	count := func() int { return 0 }
	inc := func(acc *int, _ T) { *acc++ }
	beats := dfir.Fold(port[T](ins, 0), count, inc)
	fires := dfir.Fold(timer(c, n), count, func(acc *int, _ time.Duration) { *acc++ })
	type state struct{ seen, out bool }
	st := dfir.Fold(dfir.Zip(beats, fires), func() state { return state{seen: true} }, func(acc *state, p dfir.Pair[int, int]) {
		if p.Left > 0 {
			acc.seen, acc.out = true, false
		}
		if p.Right > 0 {
			acc.out, acc.seen = !acc.seen, false
		}
	}, dfir.Static)
	return dfir.FilterMap(st, func(s state) (struct{}, bool) { return struct{}{}, s.out })
}

// SelfID is the member's own id, of type K.
type SelfID[K ~uint32] struct{}

func (SelfID[K]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	return dfir.Persist(dfir.SourceIter(c.Graph, []K{K(c.Self)}))
}

// Members is the membership of the cluster n.Params (an *ir.Location): an
// event E per change, 1 for joined and 2 for left, keyed by member.
type Members[K ~uint32, E ~uint8] struct{}

func (Members[K, E]) Lower(c *Ctx, n *ir.Node, _ []any) any {
	h, p := dfir.SourceInput[dfir.KV[K, E]](c.Graph)
	c.Membership = append(c.Membership, MembershipInput{Cluster: n.Params.(*ir.Location), Push: func(m uint32, joined bool) {
		ev := E(2)
		if joined {
			ev = E(1)
		}
		h.Push(dfir.KV[K, E]{Key: K(m), Val: ev})
	}})
	return p
}
