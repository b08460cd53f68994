// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Compatible reports, as an error naming the first difference, when values
// of type sent, encoded by a Codec, can never decode as values of type recv:
// the check two builds of a program need to share a channel. It follows
// the decoder's rules: integers of any size decode into each other (a
// value out of range fails when it comes), floats into floats, text into
// text; slices and arrays element by element (byte slices are byte strings,
// apart); maps key and value; a struct encoded as a map (the default)
// field by field, by the field's CBOR name, where fields present on one
// side only are allowed, as the decoder skips them or leaves them zero; a
// `cbor:",toarray"` struct position by position, with as many fields on
// both sides; pointers as what they point to. An interface receives
// anything. Types that encode or decode themselves (cbor.Marshaler,
// encoding.BinaryMarshaler, ...) are taken on trust; a time.Time travels
// as text.
func Compatible(sent, recv reflect.Type) error {
	return compatible(sent, recv, map[[2]reflect.Type]bool{})
}

var (
	timeType = reflect.TypeFor[time.Time]()
	selfEnc  = []reflect.Type{reflect.TypeFor[cbor.Marshaler](), reflect.TypeFor[encoding.BinaryMarshaler]()}
	selfDec  = []reflect.Type{reflect.TypeFor[cbor.Unmarshaler](), reflect.TypeFor[encoding.BinaryUnmarshaler]()}
)

func compatible(s, r reflect.Type, seen map[[2]reflect.Type]bool) error {
	for s.Kind() == reflect.Pointer {
		s = s.Elem()
	}
	for r.Kind() == reflect.Pointer {
		r = r.Elem()
	}
	if s == r || r.Kind() == reflect.Interface || seen[[2]reflect.Type{s, r}] {
		return nil
	}
	seen[[2]reflect.Type{s, r}] = true
	if s != timeType && r != timeType && (implementsAny(s, selfEnc) || implementsAny(r, selfDec)) {
		return nil
	}
	sk, rk := kindOf(s), kindOf(r)
	if sk != rk {
		return mismatch(s, r, "")
	}
	switch sk {
	case "list":
		return wrap(compatible(s.Elem(), r.Elem(), seen), "element")
	case "map":
		if err := compatible(s.Key(), r.Key(), seen); err != nil {
			return wrap(err, "key")
		}
		return wrap(compatible(s.Elem(), r.Elem(), seen), "value")
	case "struct", "array struct":
		return compatibleStructs(s, r, seen)
	}
	return nil
}

// kindOf groups kinds as the wire sees them.
func kindOf(t reflect.Type) string {
	if t == timeType {
		return "string" // RFC 3339 text
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		return "list"
	case reflect.Struct:
		if toArray(t) {
			return "array struct"
		}
		return "struct"
	}
	return t.Kind().String()
}

func toArray(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "_" && strings.Contains(f.Tag.Get("cbor"), "toarray") {
			return true
		}
	}
	return false
}

// compatibleStructs compares two structs of one kind (map or toarray).
func compatibleStructs(s, r reflect.Type, seen map[[2]reflect.Type]bool) error {
	sf, rf := wireFields(s), wireFields(r)
	if toArray(s) {
		if len(sf) != len(rf) {
			return mismatch(s, r, fmt.Sprintf(": %d fields against %d in an array struct", len(sf), len(rf)))
		}
		for i := range sf {
			if err := compatible(sf[i].Type, rf[i].Type, seen); err != nil {
				return wrap(err, "field "+rf[i].Name)
			}
		}
		return nil
	}
	for _, a := range sf {
		for _, b := range rf {
			if wireName(a) == wireName(b) {
				if err := compatible(a.Type, b.Type, seen); err != nil {
					return wrap(err, "field "+wireName(b))
				}
			}
		}
	}
	return nil
}

// wireFields lists the fields of t the codec writes, in order.
func wireFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || wireName(f) == "-" {
			continue
		}
		out = append(out, f)
	}
	return out
}

// wireName is the key a field travels under: its cbor tag's name, else its
// json tag's, else its own.
func wireName(f reflect.StructField) string {
	for _, key := range []string{"cbor", "json"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			if name, _, _ := strings.Cut(tag, ","); name != "" {
				return name
			}
		}
	}
	return f.Name
}

func mismatch(s, r reflect.Type, why string) error {
	return fmt.Errorf("%v is sent and %v received%s", s, r, why)
}

func wrap(err error, where string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", where, err)
}
