// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
)

// Claims checked at run time. A user who passes hydro.Commutative or
// hydro.Idempotent to an aggregation promises something about its function
// that the types cannot show. Hydro trusts such a promise; under a
// simulator (Env.CheckClaims) the aggregation also tests it, on the items it
// really sees: every item is applied again, starting from a fresh
// accumulator, in the other order with the item before it (Commutative) and
// twice (Idempotent). A difference panics with a *ClaimError, which the
// simulator reports as a failed execution.

// ClaimError is a claim of an aggregation found false: applying its
// function to items it saw, in the other order or twice, gave another
// result.
type ClaimError struct {
	// Op is the operator as the user called it ("Fold", "ReduceKeyed"),
	// File and Line where.
	Op   string
	File string
	Line int
	// Claim is the property found false.
	Claim ir.Claims
	// Items are the items applied, and Got the two results that differ:
	// in the order seen then in the other (Commutative), or once then
	// twice (Idempotent).
	Items []string
	Got   [2]string
}

func (e *ClaimError) Error() string {
	switch e.Claim {
	case ir.Monotone:
		return fmt.Sprintf("hydro: %s at %s:%d is claimed Monotone, but %s took its value from %s down to %s",
			e.Op, e.File, e.Line, e.Items[0], e.Got[0], e.Got[1])
	case ir.OrderPreserving:
		return fmt.Sprintf("hydro: %s at %s:%d is claimed OrderPreserving, but its argument grew from %s to %s while its result fell from %s to %s",
			e.Op, e.File, e.Line, e.Items[0], e.Items[1], e.Got[0], e.Got[1])
	}
	if e.Claim == ir.Commutative {
		return fmt.Sprintf("hydro: %s at %s:%d is claimed Commutative, but order changes its result: %s then %s gives %s; %s then %s gives %s",
			e.Op, e.File, e.Line, e.Items[0], e.Items[1], e.Got[0], e.Items[1], e.Items[0], e.Got[1])
	}
	return fmt.Sprintf("hydro: %s at %s:%d is claimed Idempotent, but applying %s twice gives %s where once gives %s",
		e.Op, e.File, e.Line, strings.Join(e.Items, " then "), e.Got[1], e.Got[0])
}

// ClaimName names the claim found false as the user writes it.
func (e *ClaimError) ClaimName() string {
	switch e.Claim {
	case ir.Commutative:
		return "Commutative"
	case ir.Monotone:
		return "Monotone"
	case ir.OrderPreserving:
		return "OrderPreserving"
	}
	return "Idempotent"
}

// claimOp is the operator name of an aggregation node, as the user called it.
var claimOp = map[string]string{"fold": "Fold", "reduce": "Reduce", "fold_keyed": "FoldKeyed", "reduce_keyed": "ReduceKeyed", "map": "MapSingleton"}

// claimKeys bounds how many keys a keyed aggregation remembers the last
// item of: past it, the memory starts afresh.
const claimKeys = 1024

// claimChecker tests the claims of one aggregation node.
type claimChecker struct {
	n  *ir.Node
	op string
	// tick reads the graph's tick for an aggregation at a tick, whose
	// items meet only items of the same tick: the item before the first
	// of a tick is forgotten (a tick's fold may rely on what holds within
	// one tick, such as one carried entry per key). nil at a location's
	// top level.
	tick func() uint64
	at   uint64 // the tick of the items remembered
}

func newChecker(c *Ctx, n *ir.Node) *claimChecker {
	op := claimOp[n.Op]
	if op == "" {
		op = n.Op
	}
	k := &claimChecker{n: n, op: op}
	if lifetime(n.Loc) == dfir.PerTick {
		k.tick = c.Graph.Tick
	}
	return k
}

// newTick reports whether the items remembered belong to an earlier tick,
// and must be forgotten.
func (k *claimChecker) newTick() bool {
	if k.tick == nil {
		return false
	}
	t := k.tick()
	if t == k.at {
		return false
	}
	k.at = t
	return true
}

func (k *claimChecker) fail(c ir.Claims, items []any, a, b any) {
	e := &ClaimError{Op: k.op, File: k.n.File, Line: k.n.Line, Claim: c, Got: [2]string{show(a), show(b)}}
	for _, it := range items {
		e.Items = append(e.Items, show(it))
	}
	panic(e)
}

func show(v any) string { return fmt.Sprintf("%+v", v) }

// checkFold tests f's claims for item after prev (if any): from fresh
// accumulators, prev then item against item then prev, and item once
// against item twice.
func checkFold[T, A any](k *claimChecker, init func() A, f func(*A, T), prev *T, item T) {
	if !comparableType(reflect.TypeFor[A]()) {
		return
	}
	if k.n.Claims&ir.Commutative != 0 && prev != nil {
		p, ok1 := deepCopy(*prev)
		q, ok2 := deepCopy(*prev)
		x, ok3 := deepCopy(item)
		y, ok4 := deepCopy(item)
		if ok1 && ok2 && ok3 && ok4 {
			a, b := init(), init()
			f(&a, p)
			f(&a, x)
			f(&b, y)
			f(&b, q)
			if !reflect.DeepEqual(a, b) {
				k.fail(ir.Commutative, []any{*prev, item}, a, b)
			}
		}
	}
	if k.n.Claims&ir.Idempotent != 0 {
		x, ok1 := deepCopy(item)
		y, ok2 := deepCopy(item)
		z, ok3 := deepCopy(item)
		if ok1 && ok2 && ok3 {
			a, b := init(), init()
			f(&a, x)
			f(&b, y)
			f(&b, z)
			if !reflect.DeepEqual(a, b) {
				k.fail(ir.Idempotent, []any{item}, a, b)
			}
		}
	}
}

// checkReduce tests f's claims for item after prev (if any), a reduce
// starting from its first item: prev then item against item then prev, and
// item against item then item.
func checkReduce[T any](k *claimChecker, f func(*T, T), prev *T, item T) {
	if !comparableType(reflect.TypeFor[T]()) {
		return
	}
	if k.n.Claims&ir.Commutative != 0 && prev != nil {
		a, ok1 := deepCopy(*prev)
		b, ok2 := deepCopy(item)
		x, ok3 := deepCopy(item)
		y, ok4 := deepCopy(*prev)
		if ok1 && ok2 && ok3 && ok4 {
			f(&a, x)
			f(&b, y)
			if !reflect.DeepEqual(a, b) {
				k.fail(ir.Commutative, []any{*prev, item}, a, b)
			}
		}
	}
	if k.n.Claims&ir.Idempotent != 0 {
		b, ok1 := deepCopy(item)
		x, ok2 := deepCopy(item)
		if ok1 && ok2 {
			f(&b, x)
			if !reflect.DeepEqual(item, b) {
				k.fail(ir.Idempotent, []any{item}, item, b)
			}
		}
	}
}

// checkedFold wraps a fold's function so that each item is also checked
// against the one before it.
func checkedFold[T, A any](c *Ctx, n *ir.Node, fn FoldFns[T, A]) FoldFns[T, A] {
	k := newChecker(c, n)
	var prev T
	have := false
	add := fn.Add
	fn.Add = func(acc *A, item T) {
		if k.newTick() {
			have = false
		}
		var p *T
		if have {
			p = &prev
		}
		checkFold(k, fn.Init, add, p, item)
		prev, have = item, true
		if k.n.Claims&ir.Monotone == 0 || k.tick != nil {
			add(acc, item)
			return
		}
		before, ok := deepCopy(*acc)
		add(acc, item)
		if ok {
			k.checkGrowth(item, before, *acc)
		}
	}
	return fn
}

// checkedReduce wraps a reduce's function as checkedFold does.
func checkedReduce[T any](c *Ctx, n *ir.Node, f func(*T, T)) func(*T, T) {
	k := newChecker(c, n)
	// The reduce applies f from its second item on: the first is only
	// remembered, as prev, by the first call.
	var prev T
	have := false
	return func(acc *T, item T) {
		if k.newTick() {
			have = false
		}
		if !have {
			prev, have = *acc, true
			checkReduce(k, f, nil, prev)
		}
		checkReduce(k, f, &prev, item)
		prev = item
		if k.n.Claims&ir.Monotone == 0 || k.tick != nil {
			f(acc, item)
			return
		}
		before, ok := deepCopy(*acc)
		f(acc, item)
		if ok {
			k.checkGrowth(item, before, *acc)
		}
	}
}

// keyedMemory remembers the last item of each key, for at most claimKeys
// keys.
type keyedMemory[K comparable, V any] map[K]V

func (m *keyedMemory[K, V]) swap(key K, v V) (prev V, had bool) {
	if *m == nil || len(*m) >= claimKeys {
		*m = make(keyedMemory[K, V])
	}
	prev, had = (*m)[key]
	(*m)[key] = v
	return prev, had
}

// checkedFoldKeyed returns what inspects a keyed fold's input: each value
// is checked against the value before it of the same key.
func checkedFoldKeyed[K comparable, V, A any](c *Ctx, n *ir.Node, fn FoldFns[V, A]) func(kv dfir.KV[K, V]) {
	k := newChecker(c, n)
	var last keyedMemory[K, V]
	return func(kv dfir.KV[K, V]) {
		if k.newTick() {
			clear(last)
		}
		prev, had := last.swap(kv.Key, kv.Val)
		var p *V
		if had {
			p = &prev
		}
		checkFold(k, fn.Init, fn.Add, p, kv.Val)
	}
}

// checkedReduceKeyed is checkedFoldKeyed for a keyed reduce.
func checkedReduceKeyed[K comparable, V any](c *Ctx, n *ir.Node, f func(*V, V)) func(kv dfir.KV[K, V]) {
	k := newChecker(c, n)
	var last keyedMemory[K, V]
	return func(kv dfir.KV[K, V]) {
		if k.newTick() {
			clear(last)
		}
		prev, had := last.swap(kv.Key, kv.Val)
		var p *V
		if had {
			p = &prev
		}
		checkReduce(k, f, p, kv.Val)
	}
}

// comparableType reports whether reflect.DeepEqual tells apart the values of
// t as their users would: not when they hold functions, which it finds
// unequal unless nil.
func comparableType(t reflect.Type) bool { return !holdsKind(t, reflect.Func, map[reflect.Type]bool{}) }

func holdsKind(t reflect.Type, k reflect.Kind, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Kind() == k {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return holdsKind(t.Elem(), k, seen)
	case reflect.Map:
		return holdsKind(t.Key(), k, seen) || holdsKind(t.Elem(), k, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsKind(t.Field(i).Type, k, seen) {
				return true
			}
		}
	}
	return false
}

// deepCopy returns a copy of v that shares no memory a function could
// change with v, so that applying a user's function to it leaves v, and the
// aggregation's own state, alone. It reports false for values it cannot
// copy so: those holding channels, or references behind unexported fields.
func deepCopy[T any](v T) (T, bool) {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	if !copyInto(out, rv, 0) {
		return v, false
	}
	return out.Interface().(T), true
}

// maxCopyDepth bounds the nesting deepCopy follows (a cyclic value has no
// bottom).
const maxCopyDepth = 64

func copyInto(dst, src reflect.Value, depth int) bool {
	if depth > maxCopyDepth {
		return false
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return true
		}
		p := reflect.New(src.Type().Elem())
		if !copyInto(p.Elem(), src.Elem(), depth+1) {
			return false
		}
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return true
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			if !copyInto(s.Index(i), src.Index(i), depth+1) {
				return false
			}
		}
		dst.Set(s)
	case reflect.Array:
		for i := range src.Len() {
			if !copyInto(dst.Index(i), src.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Map:
		if src.IsNil() {
			return true
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			v := reflect.New(src.Type().Elem()).Elem()
			if !copyInto(k, it.Key(), depth+1) || !copyInto(v, it.Value(), depth+1) {
				return false
			}
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	case reflect.Struct:
		t := src.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				if holdsReference(t.Field(i).Type) {
					return false
				}
				continue
			}
			if !copyInto(dst.Field(i), src.Field(i), depth+1) {
				return false
			}
		}
		// Unexported fields without references: a plain copy of each.
		if !allExported(t) {
			tmp := reflect.New(t).Elem()
			tmp.Set(src)
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					tmp.Field(i).Set(dst.Field(i))
				}
			}
			dst.Set(tmp)
		}
	case reflect.Interface:
		if src.IsNil() {
			return true
		}
		v := reflect.New(src.Elem().Type()).Elem()
		if !copyInto(v, src.Elem(), depth+1) {
			return false
		}
		dst.Set(v)
	case reflect.Chan, reflect.UnsafePointer:
		return false
	default: // booleans, numbers, strings, funcs: values
		dst.Set(src)
	}
	return true
}

// holdsReference reports whether values of t may share memory.
func holdsReference(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Chan, reflect.Interface, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return holdsReference(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsReference(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

func allExported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}
