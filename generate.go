// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// Generators: a state machine threaded through a stream's items, in order,
// that emits what it chooses and may end the stream. At a tick the state
// restarts every tick; at a location's top level it lasts from the start.

// Generate is what a generator's function returns for one item: whether to
// emit a value, and whether to go on with the items after it. Its zero
// value is Continue.
type Generate[U any] struct {
	val U
	op  genOp
}

type genOp uint8

const (
	genContinue genOp = iota
	genYield
	genReturn
	genBreak
)

// Yield emits v and goes on with the next item.
func Yield[U any](v U) Generate[U] { return Generate[U]{val: v, op: genYield} }

// Return emits v as the last item: the items after it are dropped.
func Return[U any](v U) Generate[U] { return Generate[U]{val: v, op: genReturn} }

// Continue emits nothing and goes on with the next item.
func Continue[U any]() Generate[U] { return Generate[U]{} }

// Break emits nothing and drops every item after this one.
func Break[U any]() Generate[U] { return Generate[U]{op: genBreak} }

// genState is a generator's state: the user's accumulator and whether the
// generator has ended.
type genState[A any] struct {
	acc  A
	done bool
}

// step applies f to st and v and returns what to emit, if anything.
func step[A, T, U any](st *genState[A], v T, f func(acc *A, item T) Generate[U]) (U, bool) {
	var none U
	if st.done {
		return none, false
	}
	g := f(&st.acc, v)
	switch g.op {
	case genYield:
		return g.val, true
	case genReturn:
		st.done = true
		return g.val, true
	case genBreak:
		st.done = true
	}
	return none, false
}

// Generator threads a state, starting as init(), through the items of s in
// order, and emits what f's Generate says for each: Yield and Return emit a
// value, Return and Break end the stream (later items are dropped). It
// needs a totally ordered, exactly-once stream, as Scan does.
func Generator[T, A, U any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T) Generate[U]) Stream[U, L] {
	return stream[U](generate(s.node(), s.l, "generator", init, f), s.l)
}

// ScanWhile is Scan whose function can end the stream: f returns the item
// to emit and true, or false to emit nothing and drop every later item. It
// needs a totally ordered, exactly-once stream.
func ScanWhile[T, A, U any, L Location](s Stream[T, L], init func() A, f func(acc *A, item T) (U, bool)) Stream[U, L] {
	n := generate(s.node(), s.l, "scan_while", init, func(acc *A, item T) Generate[U] {
		if u, ok := f(acc, item); ok {
			return Yield(u)
		}
		return Break[U]()
	})
	return stream[U](n, s.l)
}

// generate appends a generator of f over in: a scan that keeps the state
// and tags each result, then a filter that keeps the emitted ones.
func generate[T, A, U any](in *ir.Node, l Location, op string, init func() A, f func(acc *A, item T) Generate[U]) *ir.Node {
	type out = Pair[U, bool]
	fns := compile.ScanFns[T, genState[A], out]{
		Init: func() genState[A] { return genState[A]{acc: init()} },
		F: func(st *genState[A], v T) out {
			u, ok := step(st, v, f)
			return out{Left: u, Right: ok}
		},
	}
	scan := build[out](l, op, in.Props, []*ir.Node{in}, compile.Scan[T, genState[A], out]{}, fns)
	needOrder(scan, opName(op))
	return build[U](l, op+"_emit", in.Props, []*ir.Node{scan}, compile.FilterMap[out, U]{},
		func(p out) (U, bool) { return p.Left, p.Right })
}

// GeneratorKeyed is Generator run on each key's values on its own: each key
// has its own state, starting as init(), and its own end. It needs a keyed
// stream ordered per key and exactly-once; the result is too.
func GeneratorKeyed[K comparable, V, A, U any, L Location](s KeyedStream[K, V, L], init func() A, f func(acc *A, v V) Generate[U]) KeyedStream[K, U, L] {
	return keyedStream[K, U](generateKeyed[K, V](s.node(), s.l, "generator_keyed", init, f), s.l)
}

// ScanKeyed is ScanWhile run on each key's values on its own: f's false
// ends that key's values only. It needs a keyed stream ordered per key and
// exactly-once.
func ScanKeyed[K comparable, V, A, U any, L Location](s KeyedStream[K, V, L], init func() A, f func(acc *A, v V) (U, bool)) KeyedStream[K, U, L] {
	n := generateKeyed[K, V](s.node(), s.l, "scan_keyed", init, func(acc *A, v V) Generate[U] {
		if u, ok := f(acc, v); ok {
			return Yield(u)
		}
		return Break[U]()
	})
	return keyedStream[K, U](n, s.l)
}

// EnumerateKeyed pairs every value with its index among its key's values.
// It needs a keyed stream ordered per key and exactly-once. At a tick the
// count restarts every tick; at a location's top level it counts from the
// start.
func EnumerateKeyed[K comparable, V any, L Location](s KeyedStream[K, V, L]) KeyedStream[K, KV[int, V], L] {
	n := generateKeyed[K, V](s.node(), s.l, "enumerate_keyed", func() int { return 0 }, func(i *int, v V) Generate[KV[int, V]] {
		e := KV[int, V]{Key: *i, Val: v}
		*i++
		return Yield(e)
	})
	return keyedStream[K, KV[int, V]](n, s.l)
}

// FoldEarlyStop folds each key's values in order into an accumulator that
// starts as init(), until f returns true: the accumulator is then that
// key's value, final, and the key's later values are dropped. A key whose
// fold has not stopped has no value. Unlike FoldKeyed's, a key's value
// never changes once it is there, even at a location's top level. It needs
// a keyed stream ordered per key and exactly-once.
func FoldEarlyStop[K comparable, V, A any, L Location](s KeyedStream[K, V, L], init func() A, f func(acc *A, v V) bool) KeyedSingleton[K, A, L] {
	done := generateKeyed[K, V](s.node(), s.l, "fold_early_stop", init, func(acc *A, v V) Generate[A] {
		if f(acc, v) {
			return Return(*acc)
		}
		return Continue[A]()
	})
	n := build[KV[K, A]](s.l, "fold_early_stop_keep", aggProps(done, ir.KeyedSingleton), []*ir.Node{done}, compile.FirstKeyed[K, A]{}, nil)
	n.Blocking = 1
	return keyedSingleton[K, A](n, s.l)
}

// generateKeyed appends a generator of f over each key of in.
func generateKeyed[K comparable, V, A, U any](in *ir.Node, l Location, op string, init func() A, f func(acc *A, v V) Generate[U]) *ir.Node {
	type out = Pair[KV[K, U], bool]
	fns := compile.ScanFns[KV[K, V], map[K]*genState[A], out]{
		Init: func() map[K]*genState[A] { return map[K]*genState[A]{} },
		F: func(states *map[K]*genState[A], kv KV[K, V]) out {
			st := (*states)[kv.Key]
			if st == nil {
				st = &genState[A]{acc: init()}
				(*states)[kv.Key] = st
			}
			u, ok := step(st, kv.Val, f)
			return out{Left: KV[K, U]{Key: kv.Key, Val: u}, Right: ok}
		},
	}
	scan := build[out](l, op, in.Props, []*ir.Node{in}, compile.Scan[KV[K, V], map[K]*genState[A], out]{}, fns)
	name := opName(op)
	scan.Need(ir.NeedOrderedPerKey, 0, name, "")
	scan.Need(ir.NeedExactlyOnce, 0, name, "")
	return build[KV[K, U]](l, op+"_emit", in.Props, []*ir.Node{scan}, compile.FilterMap[out, KV[K, U]]{},
		func(p out) (KV[K, U], bool) { return p.Left, p.Right })
}
