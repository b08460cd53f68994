// SPDX-License-Identifier: Apache-2.0

package dfir_test

import (
	"hash/maphash"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// stateOf hashes g's state with seed.
func stateOf(t *testing.T, g *dfir.Graph, seed maphash.Seed) uint64 {
	t.Helper()
	var h maphash.Hash
	h.SetSeed(seed)
	if !g.WriteState(&h) {
		t.Fatal("WriteState = false; want true for a graph without ForEach or Inspect")
	}
	return h.Sum64()
}

// counter is a graph that sums what it is given across ticks and counts
// the distinct words, emitting the sum each tick.
type counter struct {
	g   *dfir.Graph
	in  *dfir.Input[string]
	out *dfir.Output[int]
}

func newCounter() counter {
	g := dfir.New()
	in, words := dfir.SourceInput[string](g)
	ws := dfir.Tee(words, 2)
	lens := dfir.Map(ws[0], func(w string) int { return len(w) })
	sum := dfir.Fold(lens, func() int { return 0 }, func(acc *int, n int) { *acc += n }, dfir.Static)
	dfir.Null(dfir.Unique(ws[1], dfir.Static))
	return counter{g: g, in: in, out: dfir.SinkOutput(sum)}
}

func TestWriteState(t *testing.T) {
	seed := maphash.MakeSeed()
	run := func(ticks ...[]string) counter {
		c := newCounter()
		for _, words := range ticks {
			c.in.PushAll(words)
			c.g.RunTick()
		}
		c.out.Drain(nil)
		return c
	}
	fresh := newCounter()
	if err := fresh.g.Compile(); err != nil {
		t.Fatal(err)
	}
	h0 := stateOf(t, fresh.g, seed)
	a := stateOf(t, run([]string{"ab", "c"}, []string{"de"}).g, seed)
	// The same words in another order and other ticks: the same sum,
	// the same set of words, so the same state.
	b := stateOf(t, run([]string{"de", "ab"}, []string{"c"}).g, seed)
	// The same sum from other words: another set, another state.
	c := stateOf(t, run([]string{"xy", "z", "uv"}).g, seed)
	if a != b {
		t.Errorf("states after the same words in another order differ: %x, %x", a, b)
	}
	if a == c || a == h0 {
		t.Errorf("different states hash alike: %x, %x, fresh %x", a, c, h0)
	}

	// What waits in an input and in an output buffer is state too.
	d := run([]string{"ab", "c"}, []string{"de"})
	d.in.Push("q")
	if stateOf(t, d.g, seed) == a {
		t.Error("an item pushed and not yet ticked does not change the state")
	}
	e := run([]string{"ab", "c"}, []string{"de"})
	e.g.RunTick() // emits the sum again, left in the output
	if stateOf(t, e.g, seed) == a {
		t.Error("an undrained output does not change the state")
	}
}

// TestWriteStateOpaque: ForEach's effects leave the graph, so its state
// cannot say where a run stands.
func TestWriteStateOpaque(t *testing.T) {
	g := dfir.New()
	_, xs := dfir.SourceInput[int](g)
	dfir.ForEach(xs, func(int) {})
	var h maphash.Hash
	if g.WriteState(&h) {
		t.Error("WriteState = true for a graph with ForEach; want false")
	}
}

// TestWriteStateHeldBatch: the items a Release holds back are state, and
// so is their order.
func TestWriteStateHeldBatch(t *testing.T) {
	seed := maphash.MakeSeed()
	held := func(items ...int) uint64 {
		g := dfir.New()
		in, xs := dfir.SourceInput[int](g)
		dfir.Null(dfir.Release(xs, func(int) int { return 0 }))
		in.PushAll(items)
		g.RunTick()
		return stateOf(t, g, seed)
	}
	if held(1, 2) == held(2, 1) || held(1) == held(1, 2) {
		t.Error("different held items hash alike")
	}
	if held(1, 2) != held(1, 2) {
		t.Error("the same held items hash differently")
	}
}
