// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"time"

	"github.com/anishathalye/porcupine"
)

// KVInput is a client's request to a key-value store: a put of Value under
// Key, or a get of Key.
type KVInput struct {
	Put   bool
	Key   string
	Value string
}

// History records client operations on a key-value store, with the logical
// times they were called and answered, for a linearizability check.
type History struct {
	ops   []porcupine.Operation
	open  map[int]int // operation id → index in ops
	clock int64
}

// Call records that client called op, under an id unique in the history.
func (h *History) Call(id, client int, op KVInput) {
	if h.open == nil {
		h.open = map[int]int{}
	}
	h.clock++
	h.open[id] = len(h.ops)
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: op, Call: h.clock, Return: -1})
}

// Return records the answer to operation id: the value got, or "" for a put
// or a missing key.
func (h *History) Return(id int, out string) {
	i, ok := h.open[id]
	if !ok {
		panic(fmt.Sprintf("sim: History.Return(%d) without a Call", id))
	}
	delete(h.open, id)
	h.clock++
	h.ops[i].Output = out
	h.ops[i].Return = h.clock
}

// CheckKV reports whether the answered operations are linearizable against a
// key-value map: nil if they are. Operations never answered are left out,
// as if they never took effect, which is sound for gets and puts whose
// answer was lost.
func (h *History) CheckKV() error {
	var done []porcupine.Operation
	for _, op := range h.ops {
		if op.Return >= 0 {
			done = append(done, op)
		}
	}
	res, _ := porcupine.CheckOperationsVerbose(kvModel, done, 10*time.Second)
	switch res {
	case porcupine.Ok:
		return nil
	case porcupine.Illegal:
		return fmt.Errorf("sim: history of %d operations is not linearizable: %s", len(done), h.describe(done))
	}
	return fmt.Errorf("sim: linearizability check of %d operations timed out", len(done))
}

func (h *History) describe(ops []porcupine.Operation) string {
	s := ""
	for _, op := range ops {
		in := op.Input.(KVInput)
		if in.Put {
			s += fmt.Sprintf("[%d,%d] c%d put(%s,%s); ", op.Call, op.Return, op.ClientId, in.Key, in.Value)
		} else {
			s += fmt.Sprintf("[%d,%d] c%d get(%s)=%q; ", op.Call, op.Return, op.ClientId, in.Key, op.Output)
		}
	}
	return s
}

// kvModel is a map from keys to values, partitioned by key.
var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(KVInput).Key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		out := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in := input.(KVInput)
		if in.Put {
			return true, in.Value
		}
		return output.(string) == state.(string), state
	},
}
