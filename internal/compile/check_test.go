// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/internal/ir"
)

// testFlow builds IR by hand, as the hydro package would.
type testFlow struct{ ir.Flow }

func (f *testFlow) loc(k ir.LocKind, name string, parent *ir.Location) *ir.Location {
	l := &ir.Location{ID: len(f.Locations), Kind: k, Name: name, Parent: parent, File: "f.go", Line: 100 + len(f.Locations)}
	f.Locations = append(f.Locations, l)
	return l
}

// node appends an int operator at l (Identity, or a SourceIter of 1, 2, 3
// without inputs) at line 1 + its id.
func (f *testFlow) node(op string, l *ir.Location, p ir.Props, ins ...*ir.Node) *ir.Node {
	n := &ir.Node{Op: op, Loc: l, Props: p, Inputs: ins, File: "f.go", Elem: Type[int]{}, Impl: Identity[int]{}}
	if len(ins) == 0 {
		n.Impl, n.Params = SourceIter[int]{}, []int{1, 2, 3}
	}
	f.Add(n)
	n.Line = 1 + n.ID
	return n
}

var (
	total     = ir.Props{Kind: ir.Stream, Bounded: true, Ordered: true, ExactlyOnce: true}
	unordered = ir.Props{Kind: ir.Stream, Bounded: true, ExactlyOnce: true}
	retried   = ir.Props{Kind: ir.Stream, Bounded: true, Ordered: true}
	unbounded = ir.Props{Kind: ir.Stream, Ordered: true, ExactlyOnce: true}
)

func TestCheck(t *testing.T) {
	// need builds P -> src(props) -> op with one requirement.
	need := func(props ir.Props, what ir.Requirement, claims ir.Claims) func(f *testFlow) {
		return func(f *testFlow) {
			p := f.loc(ir.Process, "P", nil)
			n := f.node("op", p, total, f.node("src", p, props))
			n.Need(what, 0, "Op", "")
			n.Claims = claims
		}
	}
	// forward builds a forward reference at P declared decl, completed
	// with a collection of props at `at` (P if nil), k times.
	forward := func(decl, props ir.Props, other bool, k int) func(f *testFlow) {
		return func(f *testFlow) {
			p := f.loc(ir.Process, "P", nil)
			at := p
			if other {
				at = f.loc(ir.Process, "Q", nil)
			}
			ref := f.node("forward_ref", p, decl, nil)
			ref.Cycle = &ir.Cycle{Delay: ir.Eager}
			src := f.node("src", at, props)
			for i := range k {
				ref.Cycle.Completions = append(ref.Cycle.Completions, ir.Completion{In: src, File: "f.go", Line: 50 + i})
			}
			if k > 0 {
				ref.Inputs[0] = src
			}
		}
	}
	tests := []struct {
		name  string
		build func(f *testFlow)
		want  []string // "file:line: message" prefixes, in order
	}{
		{"ordered ok", need(total, ir.NeedOrdered, 0), nil},
		{"ordered", need(unordered, ir.NeedOrdered, 0), []string{"f.go:2: hydro: Op needs a totally ordered stream, but src (f.go:1) is unordered"}},
		{"ordered per key", need(unordered, ir.NeedOrderedPerKey, 0), []string{"f.go:2: hydro: Op needs a stream ordered per key"}},
		{"exactly once", need(retried, ir.NeedExactlyOnce, 0), []string{"f.go:2: hydro: Op needs an exactly-once stream, but src (f.go:1) may deliver"}},
		{"bounded", need(unbounded, ir.NeedBounded, 0), []string{"f.go:2: hydro: Op needs a bounded collection, but src (f.go:1) is unbounded"}},
		{"algebra ok", need(ir.Props{Kind: ir.Stream}, ir.NeedAlgebra, ir.Commutative|ir.Idempotent), nil},
		{"algebra", need(ir.Props{Kind: ir.Stream}, ir.NeedAlgebra, 0), []string{
			"f.go:2: hydro: Op of an unordered stream (src at f.go:1) needs a commutative function",
			"f.go:2: hydro: Op of an at-least-once stream (src at f.go:1) needs an idempotent function"}},
		{"commutative only", need(ir.Props{Kind: ir.Stream}, ir.NeedAlgebra, ir.Commutative), []string{"f.go:2: hydro: Op of an at-least-once stream"}},
		{"nondet", need(total, ir.NeedNonDet, 0), []string{"f.go:2: hydro: op is non-deterministic and needs a NonDet reason"}},
		{"nondet ok", func(f *testFlow) {
			need(total, ir.NeedNonDet, 0)(f)
			f.Nodes[1].NonDet = "any order will do"
		}, nil},
		{"period", need(total, ir.NeedPeriod, 0), []string{"f.go:2: hydro: op needs a positive period, got 0s"}},
		{"codec", func(f *testFlow) {
			need(total, ir.NeedCodec, 0)(f)
			f.Nodes[1].Fn = Codec[string]{}
		}, []string{"f.go:2: hydro: op given the zero Codec[string]"}},
		{"codec ok", func(f *testFlow) {
			need(total, ir.NeedCodec, 0)(f)
			f.Nodes[1].Fn = Codec[string]{Encode: func(b []byte, s string) ([]byte, error) { return append(b, s...), nil }}
		}, nil},
		{"tick of another location", func(f *testFlow) {
			p, q := f.loc(ir.Process, "P", nil), f.loc(ir.Process, "Q", nil)
			t := f.loc(ir.Tick, "tick", q)
			b := f.node("batch", t, total, f.node("src", p, total))
			b.Crosses, b.NonDet = true, "x"
			b.Need(ir.NeedTickOf, 0, "", "")
		}, []string{"f.go:2: hydro: batch into Tick[Process[Q]] made at f.go:102 of a collection at Process[P] (f.go:1)"}},
		{"wire unexported field", func(f *testFlow) {
			need(total, ir.NeedWire, 0)(f)
			f.Nodes[1].Wire = reflect.TypeFor[hiddenField]()
		}, []string{"f.go:2: hydro: Op carries compile.hiddenField, which cannot travel: compile.hiddenField.hidden: an unexported field is not encoded: it would arrive zeroed"}},
		{"wire ok", func(f *testFlow) {
			need(total, ir.NeedWire, 0)(f)
			f.Nodes[1].Wire = reflect.TypeFor[time.Time]()
		}, nil},
		{"outside tick, at a tick", func(f *testFlow) {
			t := f.loc(ir.Tick, "tick", f.loc(ir.Process, "P", nil))
			n := f.node("sample_every", t, total, f.node("src", t, total))
			n.Need(ir.NeedOutsideTick, 0, "SampleEvery", "")
		}, []string{"f.go:2: hydro: SampleEvery at Tick[Process[P]] made at f.go:101: it emits on the shell's clock"}},
		{"outside tick ok", func(f *testFlow) {
			p := f.loc(ir.Process, "P", nil)
			n := f.node("sample_every", p, total, f.node("src", p, total))
			n.Need(ir.NeedOutsideTick, 0, "SampleEvery", "")
		}, nil},
		{"two flows", func(f *testFlow) {
			other := &ir.Flow{File: "g.go", Line: 7}
			p := f.loc(ir.Process, "P", nil)
			q := &ir.Location{Kind: ir.Process, Name: "Q", Flow: other}
			for _, l := range f.Locations {
				l.Flow = &f.Flow
			}
			f.File, f.Line = "f.go", 9
			src := &ir.Node{Op: "src", Loc: q, Props: total, File: "g.go", Line: 8}
			n := f.node("send", p, total, src)
			n.Crosses = true
		}, []string{"f.go:1: hydro: send takes a collection of another flow (src at g.go:8, a flow made at g.go:7) into this flow (made at f.go:9)"}},
		{"tick ok", func(f *testFlow) {
			p := f.loc(ir.Process, "P", nil)
			b := f.node("batch", f.loc(ir.Tick, "tick", p), total, f.node("src", p, total))
			b.Crosses = true
			b.Need(ir.NeedTickOf, 0, "", "")
		}, nil},
		{"nested tick", func(f *testFlow) {
			f.loc(ir.Tick, "tick", f.loc(ir.Tick, "tick", f.loc(ir.Process, "P", nil)))
		}, []string{"f.go:102: hydro: NewTick inside a tick"}},
		{"second external", func(f *testFlow) {
			f.loc(ir.External, "C", nil)
			f.loc(ir.External, "D", nil)
			f.loc(ir.External, "C", nil)
		}, []string{"f.go:102: hydro: a second External named C"}},
		{"mixed locations", func(f *testFlow) {
			p, q := f.loc(ir.Process, "P", nil), f.loc(ir.Process, "Q", nil)
			f.node("map", q, total, f.node("src", p, total))
		}, []string{"f.go:2: hydro: map combines a collection at Process[P] (from f.go:1) with one at Process[Q]"}},
		{"crossing ok", func(f *testFlow) {
			p, q := f.loc(ir.Process, "P", nil), f.loc(ir.Process, "Q", nil)
			n := f.node("send", q, total, f.node("src", p, total))
			n.Crosses, n.Net = true, &ir.Net{Channel: 1}
		}, nil},
		{"respond twice", func(f *testFlow) {
			p := f.loc(ir.Process, "P", nil)
			src := f.node("src", p, total)
			handle := new(int)
			for range 2 {
				n := f.node("external_respond", p, ir.Props{Kind: ir.Sink}, src)
				n.Params = Port{Name: "C", Handle: handle}
			}
		}, []string{"f.go:3: hydro: port C already answered by Respond at f.go:2"}},
		{"forward ok", forward(total, total, false, 1), nil},
		{"completed twice", forward(total, total, false, 2), []string{"f.go:51: hydro: forward_ref (f.go:1) completed twice"}},
		{"completed elsewhere", forward(total, total, true, 1), []string{"f.go:50: hydro: forward_ref (f.go:1) at Process[P] completed with a collection at Process[Q]"}},
		{"completed unordered", forward(total, unordered, false, 1), []string{"f.go:50: hydro: forward_ref (f.go:1) is declared ordered but completed with an unordered stream (src at f.go:2)"}},
		{"completed retried", forward(total, retried, false, 1), []string{"f.go:50: hydro: forward_ref (f.go:1) is declared exactly-once but completed with an at-least-once stream"}},
		{"weakened ok", forward(ir.Props{Kind: ir.Stream}, ir.Props{Kind: ir.Stream}, false, 1), nil},
		{"never completed", forward(total, total, false, 0), []string{"f.go:1: hydro: forward_ref is never completed"}},
		{"same-tick cycle", func(f *testFlow) {
			t := f.loc(ir.Tick, "tick", f.loc(ir.Process, "P", nil))
			ref := f.node("forward_ref", t, total, nil)
			ref.Cycle = &ir.Cycle{Delay: ir.NoDelay}
			fold := f.node("fold", t, total, ref)
			fold.Blocking = 1
			ref.Inputs[0] = f.node("map", t, total, fold)
		}, []string{"f.go:2: hydro: fold needs all of its input for the tick, but that input depends on its own output within the tick, through the cycle closed by the forward reference at f.go:1"}},
		{"cycle across ticks", func(f *testFlow) {
			t := f.loc(ir.Tick, "tick", f.loc(ir.Process, "P", nil))
			ref := f.node("tick_cycle", t, total, nil)
			ref.Cycle = &ir.Cycle{Delay: ir.Lazy}
			fold := f.node("fold", t, total, ref)
			fold.Blocking = 1
			ref.Inputs[0] = f.node("map", t, total, fold)
		}, nil},
	}
	for _, tc := range tests {
		f := &testFlow{}
		tc.build(f)
		var got []string
		for _, err := range Check(&f.Flow) {
			got = append(got, err.Error())
		}
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], tc.want[i]) && strings.Contains(got[i], "\n\t\thint: ")
		}
		if !ok {
			t.Errorf("Check(%s) = %q; want %q", tc.name, got, tc.want)
		}
	}
}

type hiddenField struct {
	X      int
	hidden int
}

type skipped struct {
	X    int
	memo map[string]int `cbor:"-"`
}

type withChan struct{ C chan int }

type asArray struct {
	_ struct{} `cbor:",toarray"`
	A int
}

type nested struct{ Inner []map[string]withChan }

type viaAny struct{ V any }

type recursive struct {
	Next *recursive
	N    int
}

// TestUnwired: which types can travel over a channel, and the path to the
// part of one that cannot.
func TestUnwired(t *testing.T) {
	_ = skipped{memo: nil}
	_ = hiddenField{hidden: 0}
	for _, tc := range []struct {
		t    reflect.Type
		path string
	}{
		{reflect.TypeFor[int](), ""},
		{reflect.TypeFor[string](), ""},
		{reflect.TypeFor[[]byte](), ""},
		{reflect.TypeFor[map[string][]int](), ""},
		{reflect.TypeFor[time.Time](), ""},
		{reflect.TypeFor[time.Duration](), ""},
		{reflect.TypeFor[skipped](), ""},
		{reflect.TypeFor[recursive](), ""},
		{reflect.TypeFor[asArray](), ""},
		{reflect.TypeFor[hiddenField](), "compile.hiddenField.hidden"},
		{reflect.TypeFor[withChan](), "compile.withChan.C"},
		{reflect.TypeFor[nested](), "compile.nested.Inner.C"},
		{reflect.TypeFor[viaAny](), "compile.viaAny.V"},
		{reflect.TypeFor[func()](), "func()"},
		{reflect.TypeFor[complex128](), "complex128"},
		{reflect.TypeFor[map[withChan]int](), "map[compile.withChan]int (a key).C"},
	} {
		path, why := unwired(tc.t)
		if path != tc.path || (path == "") != (why == "") {
			t.Errorf("unwired(%v) = %q, %q; want the path %q", tc.t, path, why, tc.path)
		}
	}
}
