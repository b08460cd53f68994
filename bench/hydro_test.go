// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"github.com/hydro-go/hydro"
)

// The language's implementations of B1 and B4's join: the same work as the
// dfir ones, written with the hydro package and run by hydro.Local. The goal
// is that the language adds no more than 10% over hand-built dfir.

type benchProc struct{}

// hydroChain is B1: an input through 20 Maps into an output.
func hydroChain(fs []func(int) int, data, want func() []int, n int) impl {
	return impl{"hydro", func() iteration {
		d, w := data(), want()
		f := hydro.NewFlow()
		p := hydro.NewProcess[benchProc](f)
		in, s := hydro.NewInput[int](p)
		for _, fn := range fs {
			s = hydro.Map(s, fn)
		}
		out := hydro.NewOutput(s)
		r := hydro.MustLocal(f)
		res := make([]int, 0, n)
		return iteration{run: func() error {
			in.Push(r, d...)
			r.RunTick()
			res = out.DrainInto(r, res[:0])
			return checkEqual(res, w)
		}}
	}}
}

// hydroJoin is B4's join: both sides batched into a tick and joined there,
// so that, like the dfir version, the join keeps state for one tick.
func hydroJoin(data func() ([]kvInt, []kvInt), want func() digest, n int) impl {
	return impl{"hydro", func() iteration {
		left, right := data()
		w := want()
		f := hydro.NewFlow()
		p := hydro.NewProcess[benchProc](f)
		tick := hydro.NewTick(p)
		lin, l := hydro.NewInput[kvInt](p)
		rin, rs := hydro.NewInput[kvInt](p)
		lb := hydro.IntoKeyed(hydro.Batch(l, tick, "one tick per iteration"))
		rb := hydro.IntoKeyed(hydro.Batch(rs, tick, "one tick per iteration"))
		out := hydro.NewOutput(hydro.AllTicks(hydro.Join(lb, rb).Entries()))
		r := hydro.MustLocal(f)
		res := make([]joinOut, 0, n)
		return iteration{run: func() error {
			lin.Push(r, left...)
			rin.Push(r, right...)
			r.RunTick()
			res = out.DrainInto(r, res[:0])
			return checkDigest(joinDigest(res), w)
		}}
	}}
}
