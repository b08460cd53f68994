// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type kvServer struct{}

type kvReq struct {
	ID int
	sim.KVInput
}

type kvResp struct {
	ID  int
	Out string
}

// buildKV is a key-value store in one process. The linearizable version
// applies requests one by one in arrival order. The broken one acknowledges
// puts at once but applies them in batches of their own, and answers gets
// from the state of their tick: a get may miss an acknowledged put.
func buildKV(broken bool) (*hydro.Flow, *hydro.Input[kvReq], *hydro.Output[kvResp]) {
	f := hydro.NewFlow()
	srv := hydro.NewProcess[kvServer](f)
	in, reqs := hydro.NewInput[kvReq](srv)
	if !broken {
		resp := hydro.Scan(reqs, func() map[string]string { return map[string]string{} }, func(m *map[string]string, r kvReq) kvResp {
			if r.Put {
				(*m)[r.Key] = r.Value
				return kvResp{r.ID, ""}
			}
			return kvResp{r.ID, (*m)[r.Key]}
		})
		return f, in, hydro.NewOutput(resp)
	}
	puts, gets := hydro.Partition(reqs, func(r kvReq) bool { return r.Put })
	tick := hydro.NewTick(srv)
	applied := hydro.Batch(puts, tick, hydro.NonDet("puts are applied in whichever tick they land"))
	state := hydro.ReduceKeyed(hydro.IntoKeyed(hydro.Map(hydro.AllTicks(applied), func(r kvReq) hydro.KV[string, string] {
		return hydro.KV[string, string]{Key: r.Key, Val: r.Value}
	})), func(acc *string, v string) { *acc = v })
	now := hydro.SnapshotKeyed(state, tick, hydro.NonDet("a get sees the state of its tick"))
	getBatch := hydro.IntoKeyed(hydro.Map(hydro.Batch(gets, tick, hydro.NonDet("gets are independent")), func(r kvReq) hydro.KV[string, int] {
		return hydro.KV[string, int]{Key: r.Key, Val: r.ID}
	}))
	found := hydro.Map(hydro.Join(getBatch, hydro.IntoKeyed(now.Entries())).Entries(), func(kv hydro.KV[string, hydro.Pair[int, string]]) kvResp {
		return kvResp{kv.Val.Left, kv.Val.Right}
	})
	missing := hydro.Map(hydro.AntiJoin(getBatch, now.Keys()).Entries(), func(kv hydro.KV[string, int]) kvResp { return kvResp{kv.Val, ""} })
	acks := hydro.Map(puts, func(r kvReq) kvResp { return kvResp{r.ID, ""} })
	return f, in, hydro.NewOutput(hydro.Merge(acks, hydro.AllTicks(hydro.Merge(found, missing))))
}

// clients: three clients issue two operations each on one key, at points the
// simulator chooses, one outstanding operation per client; the history must
// be linearizable.
func clients(broken bool) func(*sim.Sim) {
	return func(s *sim.Sim) {
		f, in, out := buildKV(broken)
		r := s.Local(f)
		var h sim.History
		script := [3][]sim.KVInput{
			{{Put: true, Key: "x", Value: "1"}, {Key: "x"}},
			{{Put: true, Key: "x", Value: "2"}, {Key: "x"}},
			{{Key: "x"}, {Put: true, Key: "x", Value: "3"}},
		}
		next := [3]int{}
		outstanding := map[int]int{} // op id → client
		busy := [3]bool{}
		id := 0
		for {
			var moves []func()
			for c := range script {
				if !busy[c] && next[c] < len(script[c]) {
					moves = append(moves, func() {
						op := script[c][next[c]]
						next[c]++
						id++
						busy[c], outstanding[id] = true, c
						h.Call(id, c, op)
						in.Push(r, kvReq{id, op})
					})
				}
			}
			if len(moves) == 0 && !r.Step() {
				break
			}
			if len(moves) > 0 {
				if i := s.Choose(len(moves)+1, "a client calls, or the system steps"); i < len(moves) {
					moves[i]()
				} else if !r.Step() {
					moves[0]()
				}
			}
			for _, resp := range out.Drain(r) {
				c := outstanding[resp.ID]
				delete(outstanding, resp.ID)
				busy[c] = false
				h.Return(resp.ID, resp.Out)
			}
		}
		if err := h.CheckKV(); err != nil {
			s.Fatalf("%v", err)
		}
		s.Assert(len(outstanding) == 0, "operations never answered: %v", outstanding)
	}
}

func TestKVLinearizable(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 300}, clients(false))
}

func TestBrokenKVNotLinearizable(t *testing.T) {
	seeds := make([]uint64, 300)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	n, fail := sim.Search(seeds, clients(true))
	if fail == nil {
		t.Fatalf("%d random runs of a KV that acknowledges puts before applying them were all linearizable; want a violation", n)
	}
	t.Logf("violation at seed %d (run %d): %s", fail.Seed, n, fail.Message)
}
