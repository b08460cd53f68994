// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"time"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Time never comes from inside a graph: the shell running the flow owns the
// clock (real in a deployment, virtual in Local and the simulator) and pushes
// timer events into inputs the operators below declare. When a timer fires
// relative to other arrivals is a non-deterministic choice, hence NonDet.

// timer lowers to an input the shell pushes the elapsed time into every
// period.
func timer(c *ir.Ctx, n *ir.Node, period time.Duration) dfir.Port[time.Duration] {
	h, p := dfir.SourceInput[time.Duration](c.Graph)
	c.Timers = append(c.Timers, ir.Timer{Node: n, Period: int64(period), Push: func(nanos int64) { h.Push(time.Duration(nanos)) }})
	return p
}

func checkPeriod(f *Flow, n *ir.Node, period time.Duration) {
	if period <= 0 {
		f.misuse(n, "give a positive duration", "hydro: %s needs a positive period, got %v", n.Op, period)
	}
}

// SourceInterval emits, every period of the shell's clock, the time elapsed
// since the flow started.
func SourceInterval[L Location](l L, period time.Duration, nd NonDet) Stream[time.Duration, L] {
	var n *ir.Node
	n = build(l, "source_interval", streamProps(false, true, true), nil, false, func(c *ir.Ctx, _ []any) dfir.Port[time.Duration] {
		return timer(c, n, period)
	})
	n.Label = period.String()
	checkNonDet(l.flow(), n, nd)
	checkPeriod(l.flow(), n, period)
	return stream[time.Duration](n, l)
}

// SampleEvery emits the value of x every period of the shell's clock.
func SampleEvery[T any, L Location](x Singleton[T, L], period time.Duration, nd NonDet) Stream[T, L] {
	in := x.node()
	var n *ir.Node
	n = build(x.l, "sample_every", streamProps(false, true, true), []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[T] {
		both := dfir.CrossJoin(timer(c, n, period), port[T](ins, 0))
		return dfir.Map(both, func(p Pair[time.Duration, T]) T { return p.Right })
	})
	n.Label = period.String()
	checkNonDet(x.l.flow(), n, nd)
	checkPeriod(x.l.flow(), n, period)
	return stream[T](n, x.l)
}

// Timeout has a value while s has been silent for a whole period d of the
// shell's clock: a failure detector over heartbeats. It turns on at the
// first timer event not preceded, within d, by an item of s, and off at the
// next item.
func Timeout[T any, L Location](s Stream[T, L], d time.Duration, nd NonDet) Optional[struct{}, L] {
	in := s.node()
	var n *ir.Node
	n = build(s.l, "timeout", ir.Props{Kind: ir.Optional}, []*ir.Node{in}, false, func(c *ir.Ctx, ins []any) dfir.Port[struct{}] {
		count := func() int { return 0 }
		inc := func(acc *int, _ T) { *acc++ }
		beats := dfir.Fold(port[T](ins, 0), count, inc)
		fires := dfir.Fold(timer(c, n, d), count, func(acc *int, _ time.Duration) { *acc++ })
		type state struct{ seen, out bool }
		st := dfir.Fold(dfir.Zip(beats, fires), func() state { return state{seen: true} }, func(acc *state, p Pair[int, int]) {
			if p.Left > 0 {
				acc.seen, acc.out = true, false
			}
			if p.Right > 0 {
				acc.out, acc.seen = !acc.seen, false
			}
		}, dfir.Static)
		return dfir.FilterMap(st, func(s state) (struct{}, bool) { return struct{}{}, s.out })
	})
	n.Blocking = 1
	n.Label = d.String()
	checkNonDet(s.l.flow(), n, nd)
	checkPeriod(s.l.flow(), n, d)
	return optional[struct{}](n, s.l)
}
