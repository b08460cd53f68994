// SPDX-License-Identifier: Apache-2.0

package ir

import (
	"fmt"
	"testing"
)

func TestWalk(t *testing.T) {
	p := &Location{Kind: Process, Name: "P"}
	node := func(f *Flow, op string, ins ...*Node) *Node { return f.Add(&Node{Op: op, Loc: p, Inputs: ins}) }
	tests := []struct {
		name  string
		build func(f *Flow)
		want  string
	}{
		{"chain", func(f *Flow) { node(f, "b", node(f, "a")) }, "[a b]"},
		{"forward reference", func(f *Flow) {
			ref := node(f, "ref", nil)
			ref.Cycle = &Cycle{}
			m := node(f, "map", ref)
			ref.Inputs[0] = m
		}, "[ref map]"},
		{"added later", func(f *Flow) {
			a := node(f, "a")
			b := node(f, "b", a)
			// A rewrite inserts c between a and b: c comes after a, before b.
			c := node(f, "c", a)
			b.ReplaceInput(a, c)
		}, "[a c b]"},
		{"join", func(f *Flow) { node(f, "j", node(f, "x"), node(f, "y")) }, "[x y j]"},
	}
	for _, tc := range tests {
		f := &Flow{}
		tc.build(f)
		var ops []string
		_ = f.Walk(func(n *Node) error { ops = append(ops, n.Op); return nil })
		if got := fmt.Sprint(ops); got != tc.want {
			t.Errorf("Walk(%s) = %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestConsumers(t *testing.T) {
	p := &Location{Kind: Process, Name: "P"}
	f := &Flow{}
	a := f.Add(&Node{Op: "a", Loc: p})
	b := f.Add(&Node{Op: "b", Loc: p, Inputs: []*Node{a, a}})
	c := f.Add(&Node{Op: "c", Loc: p, Inputs: []*Node{a}})
	if got := f.Consumers()[a]; len(got) != 3 || got[0] != b || got[1] != b || got[2] != c {
		t.Errorf("Consumers()[a] = %v; want [b b c]", got)
	}
	if got := b.ReplaceInput(a, c); got != 2 {
		t.Errorf("ReplaceInput(a, c) = %d; want 2", got)
	}
}
