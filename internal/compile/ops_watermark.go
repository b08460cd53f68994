// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"cmp"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// ReduceWatermark reduces each key's values with n.Fn, a func(acc *V, v V),
// and forgets the keys at or below a watermark: input 0 is the keyed stream,
// input 1 an optional watermark of type K. A key at or below the latest
// watermark is dropped from the state, and later values under it are
// ignored, so the state holds only keys above it. Like ReduceKeyed it
// emits one (key, value) per key it holds, in the order keys first
// arrived.
type ReduceWatermark[K cmp.Ordered, V any] struct{}

// wmItem is one item of either input of a ReduceWatermark, on the way into
// its fold.
type wmItem[K cmp.Ordered, V any] struct {
	kv   dfir.KV[K, V]
	mark K
	isWM bool
}

// wmState is a ReduceWatermark's state: the keys it holds in order of
// arrival, their values, and the watermark.
type wmState[K cmp.Ordered, V any] struct {
	keys  []K
	vals  map[K]*V
	mark  K
	isSet bool
}

func (st *wmState[K, V]) add(it wmItem[K, V], f func(*V, V)) {
	if it.isWM {
		if st.isSet && it.mark <= st.mark {
			return
		}
		st.mark, st.isSet = it.mark, true
		kept := st.keys[:0]
		for _, k := range st.keys {
			if k <= st.mark {
				delete(st.vals, k)
				continue
			}
			kept = append(kept, k)
		}
		clear(st.keys[len(kept):])
		st.keys = kept
		return
	}
	k := it.kv.Key
	if st.isSet && k <= st.mark {
		return
	}
	if acc, ok := st.vals[k]; ok {
		f(acc, it.kv.Val)
		return
	}
	v := it.kv.Val
	st.vals[k] = &v
	st.keys = append(st.keys, k)
}

func (ReduceWatermark[K, V]) Lower(c *Ctx, n *ir.Node, ins []any) any {
	f := n.Fn.(func(*V, V))
	type item = wmItem[K, V]
	vals := dfir.Map(port[dfir.KV[K, V]](ins, 0), func(kv dfir.KV[K, V]) item { return item{kv: kv} })
	marks := dfir.Map(port[K](ins, 1), func(k K) item { return item{mark: k, isWM: true} })
	st := dfir.Fold(dfir.Union(vals, marks),
		func() *wmState[K, V] { return &wmState[K, V]{vals: map[K]*V{}} },
		func(st **wmState[K, V], it item) { (*st).add(it, f) }, lifetime(n.Loc))
	return dfir.FlatMap(st, func(st *wmState[K, V]) []dfir.KV[K, V] {
		out := make([]dfir.KV[K, V], len(st.keys))
		for i, k := range st.keys {
			out[i] = dfir.KV[K, V]{Key: k, Val: *st.vals[k]}
		}
		return out
	})
}
