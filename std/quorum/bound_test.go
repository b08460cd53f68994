// SPDX-License-Identifier: Apache-2.0

package quorum

import (
	"testing"

	"github.com/hydro-go/hydro"
)

// TestCollectorBounded: when one responder of three never answers, every
// request reaches its quorum and then waits forever for its third
// response; the collector holds at most 2·window of them, and a straggler
// of a request still held is counted, not taken for a new round.
func TestCollectorBounded(t *testing.T) {
	const window = 64
	c := newCollector[int](2, 3, window)
	for k := range 100 * window {
		if c.add(k, true) {
			t.Fatalf("key %d: quorum after one success", k)
		}
		if !c.add(k, true) {
			t.Fatalf("key %d: no quorum after two successes", k)
		}
		if held := len(c.open) + len(c.decided) + len(c.older); held > 2*window {
			t.Fatalf("after %d keys: %d held (open %d, decided %d, older %d); want at most %d", k+1, held, len(c.open), len(c.decided), len(c.older), 2*window)
		}
	}
	last := 100*window - 1
	if c.add(last, true) {
		t.Errorf("the straggler of key %d emitted it again", last)
	}
	if _, ok := c.decided[last]; ok {
		t.Errorf("key %d still held after its max-th response", last)
	}
	if c.add(last, true) || !c.add(last, true) {
		t.Errorf("key %d after it was forgotten: want a new round, emitted on its second success", last)
	}
}

// TestCollectorErrors: a request whose max responses hold fewer than min
// successes is never emitted and is forgotten.
func TestCollectorErrors(t *testing.T) {
	c := newCollector[string](2, 3, 8)
	for i, ok := range []bool{false, true, false} {
		if c.add("k", ok) {
			t.Errorf("response %d: emitted with at most one success", i)
		}
	}
	if len(c.open)+len(c.decided)+len(c.older) != 0 {
		t.Errorf("after its max-th response: open %v decided %v older %v; want nothing held", c.open, c.decided, c.older)
	}
}

// TestCollectWorkBounded: through a flow, with one responder of three
// silent, the work each request costs does not grow with the requests
// already decided. Collect used to carry every decided request's tally
// from tick to tick until its max-th response, folding all of them again
// every tick.
func TestCollectWorkBounded(t *testing.T) {
	type leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[leader](f)
	in, votes := hydro.NewInput[hydro.KV[int, Response]](p)
	done, _ := Collect(hydro.IntoKeyed(votes), 2, 3, hydro.NonDet("votes are counted whatever their batches"))
	out := hydro.NewOutput(done)
	r := hydro.MustLocal(f)
	next := 0
	run := func(n int) uint64 {
		for range n {
			in.Push(r, hydro.KV[int, Response]{Key: next}, hydro.KV[int, Response]{Key: next})
			r.RunAvailable()
			if got := out.Drain(r); len(got) != 1 || got[0] != next {
				t.Fatalf("key %d: done %v; want [%d]", next, got, next)
			}
			next++
		}
		var items uint64
		for _, g := range r.Graphs() {
			for _, sg := range g.Stats().Subgraphs {
				items += sg.Items
			}
		}
		return items
	}
	const n = 2000
	a := run(n)
	b := run(n) - a
	if b > a+a/10 {
		t.Errorf("items pushed: %d for the first %d keys, %d for the next %d; want no growth", a, n, b, n)
	}
}
