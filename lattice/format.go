// SPDX-License-Identifier: Apache-2.0

package lattice

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// sortedKeys returns the keys of m in the order fmt uses to print maps (numbers by value,
// strings lexically, structs and arrays field by field), so that String methods of map-backed
// lattices are deterministic.
func sortedKeys[K comparable, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int {
		return compareValues(reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem())
	})
	return keys
}

// compareValues orders two values of comparable types the way fmt orders map keys.
func compareValues(a, b reflect.Value) int {
	if !a.IsValid() || !b.IsValid() {
		return cmp.Compare(btoi(a.IsValid()), btoi(b.IsValid()))
	}
	if a.Type() != b.Type() {
		// Only interface-typed keys can hold values of different types.
		return strings.Compare(a.Type().String(), b.Type().String())
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Complex64, reflect.Complex128:
		if c := cmp.Compare(real(a.Complex()), real(b.Complex())); c != 0 {
			return c
		}
		return cmp.Compare(imag(a.Complex()), imag(b.Complex()))
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Bool:
		return cmp.Compare(btoi(a.Bool()), btoi(b.Bool()))
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return cmp.Compare(a.Pointer(), b.Pointer())
	case reflect.Struct:
		for i := range a.NumField() {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Array:
		for i := range a.Len() {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp.Compare(btoi(!a.IsNil()), btoi(!b.IsNil()))
		}
		return compareValues(a.Elem(), b.Elem())
	}
	return 0
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// formatSeq formats items as {a, b, c}.
func formatSeq[T any](items []T, format func(T) string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, x := range items {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(format(x))
	}
	sb.WriteByte('}')
	return sb.String()
}

func sprint(x any) string { return fmt.Sprint(x) }
