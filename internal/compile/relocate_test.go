// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// relocFlow is a flow of two processes: at P, the numbers 1 to 6 go through
// a map (x10), a filter (multiples of 20) and a second map (+1), into an
// output; the first map also feeds a second output, and the filter a
// channel to Q, which outputs what it receives.
type relocFlow struct {
	testFlow
	p, q                *ir.Location
	src, m, fl, m2      *ir.Node
	out, side, atQ      *int // output handles
	outN, sideN, remote *ir.Node
}

func newRelocFlow() *relocFlow {
	f := &relocFlow{out: new(int), side: new(int), atQ: new(int)}
	f.p, f.q = f.loc(ir.Process, "P", nil), f.loc(ir.Process, "Q", nil)
	f.src = f.node("source_iter", f.p, total)
	f.src.Params = []int{1, 2, 3, 4, 5, 6}
	op := func(op string, impl, fn any, in *ir.Node) *ir.Node {
		n := f.node(op, f.p, total, in)
		n.Impl, n.Fn = impl, fn
		return n
	}
	f.m = op("map", Map[int, int]{}, func(x int) int { return x * 10 }, f.src)
	f.fl = op("filter", Filter[int]{}, func(x int) bool { return x%20 == 0 }, f.m)
	f.m2 = op("map", Map[int, int]{}, func(x int) int { return x + 1 }, f.fl)
	output := func(in *ir.Node, at *ir.Location, h *int) *ir.Node {
		n := f.node("output", at, ir.Props{Kind: ir.Sink}, in)
		n.Impl, n.Params = Output[int]{}, h
		return n
	}
	f.outN = output(f.m2, f.p, f.out)
	f.sideN = output(f.m, f.p, f.side)
	send := f.node("send", f.q, total, f.fl)
	send.Impl, send.Crosses, send.Net = send.Elem, true, &ir.Net{Channel: uint32(send.ID)}
	f.remote = output(send, f.q, f.atQ)
	return f
}

// run lowers f and drives its graphs, as a shell does: run every graph's
// ticks, then deliver what each sent, until nothing is pending. It returns
// what each output collected.
func run(t *testing.T, f *ir.Flow, outs ...*int) [][]int {
	t.Helper()
	p, err := Lower(f, Env{})
	if err != nil {
		t.Fatalf("Lower() = %v", err)
	}
	at := map[Dest]*Graph{}
	for _, g := range p.Graphs {
		at[g.Dest] = g
	}
	for round := 0; ; round++ {
		if round > 100 {
			t.Fatal("the flow does not settle")
		}
		ran := 0
		for _, g := range p.Graphs {
			ran += g.Graph.RunAvailable()
		}
		sent := 0
		for _, g := range p.Graphs {
			for _, o := range g.Outboxes {
				err := o.Flush(func(to Dest, payload []byte) error {
					sent++
					return at[to].Inboxes[o.Channel].Deliver(g.Dest.Member, payload)
				})
				if err != nil {
					t.Fatalf("Flush() = %v", err)
				}
			}
		}
		if ran == 0 && sent == 0 {
			break
		}
	}
	got := make([][]int, len(outs))
	for i, h := range outs {
		for _, g := range p.Graphs {
			if o, ok := g.Handles[h]; ok {
				got[i] = o.(*dfir.Output[int]).Drain(got[i])
			}
		}
		slices.Sort(got[i])
	}
	return got
}

func TestRelocate(t *testing.T) {
	r := newRelocFlow()
	want := run(t, &r.Flow, r.out, r.side, r.atQ)
	if fmt.Sprint(want) != "[[21 41 61] [10 20 30 40 50 60] [20 40 60]]" {
		t.Fatalf("before Relocate: outputs = %v", want)
	}
	for _, tc := range []struct {
		name  string
		chain func(r *relocFlow) []*ir.Node
	}{
		{"map, filter, map", func(r *relocFlow) []*ir.Node { return []*ir.Node{r.m, r.fl, r.m2} }},
		{"filter", func(r *relocFlow) []*ir.Node { return []*ir.Node{r.fl} }},
		{"map and map", func(r *relocFlow) []*ir.Node { return []*ir.Node{r.m, r.m2} }},
	} {
		r := newRelocFlow()
		r2 := r.loc(ir.Process, "R", nil)
		nodes := len(r.Nodes)
		if err := Relocate(&r.Flow, tc.chain(r), r2); err != nil {
			t.Fatalf("Relocate(%s) = %v; want nil", tc.name, err)
		}
		for _, n := range tc.chain(r) {
			if n.Loc != r2 {
				t.Errorf("Relocate(%s): %v at %v; want %v", tc.name, n, n.Loc, r2)
			}
		}
		if len(r.Nodes) == nodes {
			t.Errorf("Relocate(%s) added no channel", tc.name)
		}
		if errs := Check(&r.Flow); len(errs) > 0 {
			t.Errorf("Relocate(%s): Check() = %v; want no problems", tc.name, errs)
		}
		if got := run(t, &r.Flow, r.out, r.side, r.atQ); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Relocate(%s): outputs = %v; want %v", tc.name, got, want)
		}
	}
}

func TestRelocateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		move func(r *relocFlow) error
		want string
	}{
		{"source", func(r *relocFlow) error { return Relocate(&r.Flow, []*ir.Node{r.src}, r.q) }, "is a source"},
		{"sink", func(r *relocFlow) error { return Relocate(&r.Flow, []*ir.Node{r.outN}, r.q) }, "is a sink"},
		{"nothing", func(r *relocFlow) error { return Relocate(&r.Flow, nil, r.q) }, "no operators"},
		{"to a tick", func(r *relocFlow) error {
			return Relocate(&r.Flow, []*ir.Node{r.m}, r.loc(ir.Tick, "tick", r.q))
		}, "only a process"},
		{"in a tick", func(r *relocFlow) error {
			t := r.loc(ir.Tick, "tick", r.p)
			b := r.node("batch", t, total, r.src)
			b.Impl, b.Crosses = Batch[int]{}, true
			n := r.node("map", t, total, b)
			return Relocate(&r.Flow, []*ir.Node{n}, r.q)
		}, "inside a tick"},
		{"forward reference", func(r *relocFlow) error {
			ref := r.node("forward_ref", r.p, total, r.m)
			ref.Cycle, ref.Impl = &ir.Cycle{Delay: ir.Eager}, Forward[int]{}
			return Relocate(&r.Flow, []*ir.Node{ref}, r.q)
		}, "state would be shared"},
		{"singleton", func(r *relocFlow) error {
			fold := r.node("fold", r.p, ir.Props{Kind: ir.Singleton, Ordered: true, ExactlyOnce: true}, r.m)
			fold.Impl, fold.Fn = Fold[int, int]{}, FoldFns[int, int]{Init: func() int { return 0 }, Add: func(a *int, x int) { *a += x }}
			m := r.node("map", r.p, total, fold)
			m.Impl, m.Fn = Map[int, int]{}, func(x int) int { return x }
			return Relocate(&r.Flow, []*ir.Node{m}, r.q)
		}, "carries a Singleton"},
		{"needs bounded", func(r *relocFlow) error {
			n := r.node("is_empty", r.p, ir.Props{Kind: ir.Singleton, Bounded: true}, r.src)
			n.Impl, n.Elem = IsEmpty[int]{}, Type[bool]{}
			n.Need(ir.NeedBounded, 0, "IsEmpty", "")
			return Relocate(&r.Flow, []*ir.Node{n}, r.q)
		}, "IsEmpty needs a bounded collection, but send"},
	} {
		r := newRelocFlow()
		nodes := len(r.Nodes)
		err := tc.move(r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Relocate(%s) = %v; want an error containing %q", tc.name, err, tc.want)
			continue
		}
		// Nothing changed: the flow lowers and runs as before.
		if got := run(t, &r.Flow, r.out, r.side, r.atQ); fmt.Sprint(got) != "[[21 41 61] [10 20 30 40 50 60] [20 40 60]]" {
			t.Errorf("Relocate(%s) refused but changed the flow (%d nodes, was %d): outputs = %v", tc.name, len(r.Nodes), nodes, got)
		}
	}
}
