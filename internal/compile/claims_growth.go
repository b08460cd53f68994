// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"reflect"

	"github.com/hydro-go/hydro/internal/ir"
)

// The growth claims, tested under a simulator as claims.go tests the
// others: an aggregation claimed Monotone must not see its value fall
// after an item, and a map claimed OrderPreserving must not give a smaller
// result for a larger argument. Values are compared with < where their kind
// has it (integers, floats, strings); others are not compared.

// checkGrowth fails when item took an aggregation's value from before down
// to after.
func (k *claimChecker) checkGrowth(item, before, after any) {
	if lt, ok := less(after, before); ok && lt {
		k.fail(ir.Monotone, []any{item}, before, after)
	}
}

// checkedMap wraps a singleton map's function claimed OrderPreserving:
// each argument is compared with the one before, and each result with the
// one before.
func checkedMap[T, U any](c *Ctx, n *ir.Node, f func(T) U) func(T) U {
	k := newChecker(c, n)
	var lastIn T
	var lastOut U
	have := false
	return func(v T) U {
		out := f(v)
		if have {
			grew, ok1 := less(lastIn, v)
			fell, ok2 := less(out, lastOut)
			if ok1 && ok2 && grew && fell {
				k.fail(ir.OrderPreserving, []any{lastIn, v}, lastOut, out)
			}
		}
		lastIn, lastOut, have = v, out, true
		return out
	}
}

// less reports a < b, if their kind is ordered.
func less(a, b any) (lt, ok bool) {
	x, y := reflect.ValueOf(a), reflect.ValueOf(b)
	if !x.IsValid() || x.Type() != y.Type() {
		return false, false
	}
	switch x.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return x.Int() < y.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return x.Uint() < y.Uint(), true
	case reflect.Float32, reflect.Float64:
		return x.Float() < y.Float(), true
	case reflect.String:
		return x.String() < y.String(), true
	}
	return false, false
}
