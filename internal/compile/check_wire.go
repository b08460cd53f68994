// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"encoding"
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// What can travel. A channel or an external CBOR port encodes its values
// with the CBOR codec, which carries exported fields and plain values. It
// would drop an unexported field (it arrives zeroed), refuse a chan, func or
// unsafe pointer at run time (every message dropped), and decode an
// interface value to whatever generic type the encoding suggests rather than
// the type that was sent. Check refuses such a type where the user made the
// channel, naming the field.

var (
	cborMarshaler   = reflect.TypeFor[cbor.Marshaler]()
	binaryMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// unwired returns why values of t cannot travel, with the path to the part
// that cannot ("Order.note"), or "" if they can.
func unwired(t reflect.Type) (path, why string) {
	return unwiredAt(t, t.String(), map[reflect.Type]bool{})
}

func unwiredAt(t reflect.Type, path string, seen map[reflect.Type]bool) (string, string) {
	if seen[t] {
		return "", ""
	}
	seen[t] = true
	for _, m := range []reflect.Type{cborMarshaler, binaryMarshaler, textMarshaler} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return "", "" // it encodes itself
		}
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Uintptr:
		return path, fmt.Sprintf("a %v cannot be encoded", t.Kind())
	case reflect.Complex64, reflect.Complex128:
		return path, "a complex number cannot be encoded"
	case reflect.Interface:
		return path, fmt.Sprintf("an interface (%v) decodes to whatever type the encoding suggests, not the type that was sent", t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return unwiredAt(t.Elem(), path, seen)
	case reflect.Map:
		if p, why := unwiredAt(t.Key(), path+" (a key)", seen); why != "" {
			return p, why
		}
		return unwiredAt(t.Elem(), path, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if tag, ok := f.Tag.Lookup("cbor"); (ok && tag == "-") || f.Name == "_" || f.Type.Size() == 0 {
				continue // left out on purpose, or holds nothing (`_ struct{} cbor:",toarray"`)
			}
			if !f.IsExported() && !f.Anonymous {
				return path + "." + f.Name, "an unexported field is not encoded: it would arrive zeroed"
			}
			if p, why := unwiredAt(f.Type, path+"."+f.Name, seen); why != "" {
				return p, why
			}
		}
	}
	return "", ""
}
