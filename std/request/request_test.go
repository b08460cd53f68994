// SPDX-License-Identifier: Apache-2.0

package request_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/request"
)

type client struct{}

func build() (*hydro.Flow, *hydro.Input[hydro.KV[int, string]], *hydro.Input[hydro.KV[int, int]], *hydro.Output[hydro.KV[int, hydro.Pair[string, int]]]) {
	f := hydro.NewFlow()
	p := hydro.NewProcess[client](f)
	reqIn, reqs := hydro.NewInput[hydro.KV[int, string]](p)
	respIn, resps := hydro.NewInput[hydro.KV[int, int]](p)
	out := hydro.NewOutput(request.Join(hydro.IntoKeyed(reqs), hydro.IntoKeyed(resps), hydro.NonDet("answers come in any order")).Entries())
	return f, reqIn, respIn, out
}

func show(kvs []hydro.KV[int, hydro.Pair[string, int]]) []string {
	var out []string
	for _, kv := range kvs {
		out = append(out, fmt.Sprintf("%d:%s=%d", kv.Key, kv.Val.Left, kv.Val.Right))
	}
	slices.Sort(out)
	return out
}

// TestJoin: metadata waits for its response across ticks, is matched once,
// and is forgotten: a second response finds nothing.
func TestJoin(t *testing.T) {
	f, reqIn, respIn, out := build()
	r := hydro.MustLocal(f)
	reqIn.Push(r, hydro.KV[int, string]{Key: 1, Val: "alice"}, hydro.KV[int, string]{Key: 2, Val: "bob"})
	r.RunAvailable()
	respIn.Push(r, hydro.KV[int, int]{Key: 2, Val: 20})
	r.RunAvailable()
	respIn.Push(r, hydro.KV[int, int]{Key: 1, Val: 10}, hydro.KV[int, int]{Key: 2, Val: 21}, hydro.KV[int, int]{Key: 9, Val: 90})
	r.RunAvailable()
	if got, want := show(out.Drain(r)), []string{"1:alice=10", "2:bob=20"}; !slices.Equal(got, want) {
		t.Errorf("matched %v; want %v", got, want)
	}
}

// TestJoinAnyBatches: however requests and responses are cut into ticks, a
// response that arrives after its request is matched exactly once.
func TestJoinAnyBatches(t *testing.T) {
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		f, reqIn, respIn, out := build()
		r := s.Local(f)
		reqIn.Push(r, hydro.KV[int, string]{Key: 1, Val: "a"}, hydro.KV[int, string]{Key: 2, Val: "b"})
		s.RunAvailable(r)
		respIn.Push(r, hydro.KV[int, int]{Key: 2, Val: 20}, hydro.KV[int, int]{Key: 1, Val: 10})
		s.RunAvailable(r)
		got := show(out.Drain(r))
		s.Assert(slices.Equal(got, []string{"1:a=10", "2:b=20"}), "matched %v", got)
	})
}
