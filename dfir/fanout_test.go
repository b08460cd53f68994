// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hydro-go/hydro/dfir"
)

// hereLine returns the line it is called from.
func hereLine() int {
	_, _, line, _ := runtime.Caller(1)
	return line
}

func TestTeeEveryConsumerSeesAll(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			g := dfir.New()
			in, p := dfir.SourceInput[int](g)
			var outs []*dfir.Output[int]
			for _, q := range dfir.Tee(p, n) {
				outs = append(outs, dfir.SinkOutput(q))
			}
			for tick, push := range [][]int{{1, 2, 3}, {}, upTo(3000)} {
				in.PushAll(push)
				g.RunTick()
				for i, o := range outs {
					if got := o.Drain(nil); !cmp.Equal(got, push, cmpopts.EquateEmpty()) {
						t.Errorf("tick %d: Tee(%d items, %d)[%d] = %d items; want all %d in order", tick, len(push), n, i, len(got), len(push))
					}
				}
			}
		})
	}
}

// Operators may rewrite the batches they are given. A Tee consumer that does
// (an in-place Map, a compacting Filter) must not change what the others
// see, wherever it sits among the outputs.
func TestTeeConsumerRewritesItsBatch(t *testing.T) {
	neg := func(x int) int { return -x }
	plus := func(x int) int { return x + 1000 }
	odd := func(x int) bool { return x%2 == 1 }
	items := upTo(2500)
	want := map[string][]int{"plain": items, "neg": nil, "plus": nil, "odd": nil}
	for _, x := range items {
		want["neg"] = append(want["neg"], -x)
		want["plus"] = append(want["plus"], x+1000)
		if odd(x) {
			want["odd"] = append(want["odd"], x)
		}
	}
	orders := [][]string{
		{"neg", "plain", "plus"},
		{"plain", "neg", "odd"},
		{"odd", "plus", "plain"},
		{"plus", "neg", "odd", "plain"},
	}
	for _, order := range orders {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			g := dfir.New()
			ps := dfir.Tee(dfir.SourceIter(g, items), len(order))
			outs := make([]*dfir.Output[int], len(order))
			for i, name := range order {
				p := ps[i]
				switch name {
				case "neg":
					p = dfir.Map(p, neg)
				case "plus":
					p = dfir.Map(dfir.Map(p, plus), func(x int) int { return x })
				case "odd":
					p = dfir.Filter(p, odd)
				}
				outs[i] = dfir.SinkOutput(p)
			}
			g.RunTick()
			for i, name := range order {
				if diff := cmp.Diff(want[name], outs[i].Drain(nil)); diff != "" {
					t.Errorf("Tee output %d (%s) mismatch (-want +got):\n%s", i, name, diff)
				}
			}
			if !slices.Equal(items, upTo(2500)) {
				t.Errorf("the SourceIter slice was rewritten")
			}
		})
	}
}

// Tee feeding both sides of the same Union and a rewriting Map after it.
func TestTeeIntoUnion(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	ps := dfir.Tee(p, 2)
	u := dfir.Union(dfir.Map(ps[0], func(x int) int { return x * 10 }), ps[1])
	out := dfir.SinkOutput(dfir.Map(u, func(x int) int { return x + 1 }))
	in.PushAll([]int{1, 2, 3})
	g.RunTick()
	got := out.Drain(nil)
	var tens, ones []int
	for _, x := range got {
		if x > 10 {
			tens = append(tens, x)
		} else {
			ones = append(ones, x)
		}
	}
	if !slices.Equal(tens, []int{11, 21, 31}) || !slices.Equal(ones, []int{2, 3, 4}) {
		t.Errorf("Map(Union(Map(tee, *10), tee), +1) over [1 2 3] = %v; want 11 21 31 and 2 3 4, each in order", got)
	}
}

func TestUnionKeepsOrderWithinInputs(t *testing.T) {
	type tagged = dfir.Tagged[int]
	const k, n = 3, 1500
	g := dfir.New()
	var ins []*dfir.Input[tagged]
	var ports []dfir.Port[tagged]
	for range k {
		in, p := dfir.SourceInput[tagged](g)
		ins = append(ins, in)
		ports = append(ports, p)
	}
	// Inputs from other subgraphs too: a source and a stratum handoff.
	src := dfir.SourceIter(g, []tagged{{Tag: k, Val: 0}, {Tag: k, Val: 1}})
	later := dfir.NextStratum(dfir.SourceIter(g, []tagged{{Tag: k + 1, Val: 0}, {Tag: k + 1, Val: 1}}))
	ports = append(ports, src, later)
	out := dfir.SinkOutput(dfir.Union(ports...))
	for tick := range 2 {
		for i, in := range ins {
			for v := range n {
				in.Push(tagged{Tag: i, Val: v})
			}
		}
		g.RunTick()
		got := out.Drain(nil)
		per := make([][]int, k+2)
		for _, x := range got {
			per[x.Tag] = append(per[x.Tag], x.Val)
		}
		for i := range k + 2 {
			want := upTo(n)
			if i >= k {
				want = []int{0, 1}
				if tick > 0 {
					want = nil
				}
			}
			if !slices.Equal(per[i], want) {
				t.Errorf("tick %d: Union input %d delivered %d items, out of order or incomplete; want %d in order",
					tick, i, len(per[i]), len(want))
			}
		}
	}
}

func TestPartition(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	yes, no := dfir.Partition(p, func(x int) bool { return x%3 == 0 })
	oy, on := dfir.SinkOutput(yes), dfir.SinkOutput(no)
	for tick, push := range [][]int{{0, 1, 2, 3}, {}, {4, 5}, upTo(3000)} {
		in.PushAll(push)
		g.RunTick()
		var wy, wn []int
		for _, x := range push {
			if x%3 == 0 {
				wy = append(wy, x)
			} else {
				wn = append(wn, x)
			}
		}
		if diff := cmp.Diff(wy, oy.Drain(nil), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tick %d: Partition(x%%3 == 0) yes mismatch (-want +got):\n%s", tick, diff)
		}
		if diff := cmp.Diff(wn, on.Drain(nil), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tick %d: Partition(x%%3 == 0) no mismatch (-want +got):\n%s", tick, diff)
		}
	}
}

func TestPartitionN(t *testing.T) {
	const n = 4
	g := dfir.New()
	in, p := dfir.SourceInput[int](g)
	var outs []*dfir.Output[int]
	for _, q := range dfir.PartitionN(p, n, func(x int) int { return x % n }) {
		outs = append(outs, dfir.SinkOutput(q))
	}
	for tick, push := range [][]int{{7, 1, 4, 2}, upTo(3000), {}} {
		in.PushAll(push)
		g.RunTick()
		want := make([][]int, n)
		for _, x := range push {
			want[x%n] = append(want[x%n], x)
		}
		for i, o := range outs {
			if diff := cmp.Diff(want[i], o.Drain(nil), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("tick %d: PartitionN(x%%%d)[%d] mismatch (-want +got):\n%s", tick, n, i, diff)
			}
		}
	}
}

func TestPartitionNOutOfRangePanics(t *testing.T) {
	for _, bad := range []int{-1, 3} {
		g := dfir.New()
		in, p := dfir.SourceInput[int](g)
		ps, line := dfir.PartitionN(p, 3, func(x int) int { return x }), hereLine()
		for _, q := range ps {
			dfir.Null(q)
		}
		in.PushAll([]int{0, 1, bad})
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			g.RunTick()
			return "no panic"
		}()
		for _, want := range []string{"partition_n#", fmt.Sprintf("fanout_test.go:%d", line), fmt.Sprintf("index %d out of range [0, 3)", bad)} {
			if !strings.Contains(msg, want) {
				t.Errorf("PartitionN(3) routing to %d panicked with %q; want it to mention %q", bad, msg, want)
			}
		}
	}
}

func TestDemux(t *testing.T) {
	g := dfir.New()
	in, p := dfir.SourceInput[string](g)
	// Route by the first letter, emitting the rest as a number.
	ps := dfir.Demux(p, 3, func(s string) (int, int) {
		v, _ := strconv.Atoi(s[1:])
		return int(s[0] - 'a'), v
	})
	outs := []*dfir.Output[int]{dfir.SinkOutput(ps[0]), dfir.SinkOutput(ps[1]), dfir.SinkOutput(ps[2])}
	ticks := [][]string{{"a1", "c3", "a2", "b9"}, {}, {"c1", "c2"}}
	want := [][][]int{{{1, 2}, {9}, {3}}, {nil, nil, nil}, {nil, nil, {1, 2}}}
	for tick, push := range ticks {
		in.PushAll(push)
		g.RunTick()
		for i, o := range outs {
			if got := o.Drain(nil); !slices.Equal(got, want[tick][i]) {
				t.Errorf("tick %d: Demux(%v)[%d] = %v; want %v", tick, push, i, got, want[tick][i])
			}
		}
	}
}

func TestDemuxTagged(t *testing.T) {
	type tagged = dfir.Tagged[string]
	g := dfir.New()
	in, p := dfir.SourceInput[tagged](g)
	ps := dfir.DemuxTagged(p, 2)
	o0, o1 := dfir.SinkOutput(ps[0]), dfir.SinkOutput(ps[1])
	push := []tagged{{1, "x"}, {0, "y"}, {1, "z"}}
	for i := range 2000 {
		push = append(push, tagged{Tag: i % 2, Val: strconv.Itoa(i)})
	}
	in.PushAll(push)
	g.RunTick()
	var w0, w1 []string
	for _, v := range push {
		if v.Tag == 0 {
			w0 = append(w0, v.Val)
		} else {
			w1 = append(w1, v.Val)
		}
	}
	if diff := cmp.Diff(w0, o0.Drain(nil)); diff != "" {
		t.Errorf("DemuxTagged(…)[0] mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(w1, o1.Drain(nil)); diff != "" {
		t.Errorf("DemuxTagged(…)[1] mismatch (-want +got):\n%s", diff)
	}
}

// A fan-out with no outputs is misuse that Compile reports with the
// operator and its position.
func TestFanoutNoOutputs(t *testing.T) {
	g := dfir.New()
	_, p := dfir.SourceInput[int](g)
	ps, line := dfir.Tee(p, 0), hereLine()
	dfir.Null(ps[0])
	err := g.Compile()
	want := fmt.Sprintf("tee#1 (dfir/fanout_test.go:%d): needs at least one output, got 0", line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile() with Tee(p, 0) = %v; want an error containing %q", err, want)
	}

	g = dfir.New()
	_, p = dfir.SourceInput[int](g)
	qs, line := dfir.PartitionN(p, -2, func(int) int { return 0 }), hereLine()
	dfir.Null(qs[0])
	err = g.Compile()
	want = fmt.Sprintf("partition_n#1 (dfir/fanout_test.go:%d): needs at least one output, got -2", line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile() with PartitionN(p, -2) = %v; want an error containing %q", err, want)
	}
}
