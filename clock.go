// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"time"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Time never comes from inside a graph: the shell running the flow owns the
// clock (real in a deployment, virtual in Local and the simulator) and pushes
// timer events into inputs the operators below declare. When a timer fires
// relative to other arrivals is a non-deterministic choice, hence NonDet.

// needPeriod records n's period, which must be positive.
func needPeriod(n *ir.Node, period time.Duration) {
	n.Period = period
	n.Label = period.String()
	n.Need(ir.NeedPeriod, 0, "", "")
}

// SourceInterval emits, every period of the shell's clock, the time elapsed
// since the flow started.
func SourceInterval[L Location](l L, period time.Duration, nd NonDet) Stream[time.Duration, L] {
	n := build[time.Duration](l, "source_interval", streamProps(false, true, true), nil, compile.Interval{}, nil)
	needPeriod(n, period)
	needNonDet(n, nd)
	return stream[time.Duration](n, l)
}

// SampleEvery emits the value of x every period of the shell's clock.
func SampleEvery[T any, L Location](x Singleton[T, L], period time.Duration, nd NonDet) Stream[T, L] {
	n := build[T](x.l, "sample_every", streamProps(false, true, true), []*ir.Node{x.node()}, compile.SampleEvery[T]{}, nil)
	n.Need(ir.NeedOutsideTick, 0, "SampleEvery", "")
	needPeriod(n, period)
	needNonDet(n, nd)
	return stream[T](n, x.l)
}

// Timeout has a value while s has been silent for a whole period d of the
// shell's clock: a failure detector over heartbeats. It turns on at the
// first timer event not preceded, within d, by an item of s, and off at the
// next item.
func Timeout[T any, L Location](s Stream[T, L], d time.Duration, nd NonDet) Optional[struct{}, L] {
	n := build[struct{}](s.l, "timeout", ir.Props{Kind: ir.Optional}, []*ir.Node{s.node()}, compile.Timeout[T]{}, nil)
	n.Blocking = 1
	needPeriod(n, d)
	needNonDet(n, nd)
	return optional[struct{}](n, s.l)
}
