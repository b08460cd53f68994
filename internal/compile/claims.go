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
// really sees and from the states it really reaches (claims_window.go):
// every order of each window of consecutive items (Commutative), and each
// item applied twice (Idempotent). A difference panics with a *ClaimError,
// which the simulator reports as a failed execution.

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
	// in the order seen then in the order Other (Commutative), or once
	// then twice (Idempotent).
	Items []string
	Other []string
	Got   [2]string
	// From is the accumulator the items were applied to, "" for a fresh
	// one.
	From string
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
	from := ""
	if e.From != "" {
		from = "from " + e.From + ", "
	}
	if e.Claim == ir.Commutative {
		return fmt.Sprintf("hydro: %s at %s:%d is claimed Commutative, but order changes its result: %s%s gives %s; %s gives %s",
			e.Op, e.File, e.Line, from, strings.Join(e.Items, " then "), e.Got[0], strings.Join(e.Other, " then "), e.Got[1])
	}
	return fmt.Sprintf("hydro: %s at %s:%d is claimed Idempotent, but %sapplying %s twice gives %s where once gives %s",
		e.Op, e.File, e.Line, from, strings.Join(e.Items, " then "), e.Got[1], e.Got[0])
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
	panic(k.claimError(c, items, a, b))
}

func (k *claimChecker) claimError(c ir.Claims, items []any, a, b any) *ClaimError {
	e := &ClaimError{Op: k.op, File: k.n.File, Line: k.n.Line, Claim: c, Got: [2]string{show(a), show(b)}}
	for _, it := range items {
		e.Items = append(e.Items, show(it))
	}
	return e
}

func show(v any) string { return fmt.Sprintf("%+v", v) }

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
