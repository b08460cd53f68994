// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"sync"
	"unsafe"

	"github.com/fxamacker/cbor/v2"
)

// A flat plan decodes a batch of a simple element type without the CBOR
// library: integers and booleans, or a `cbor:",toarray"` struct of them.
// The library looks the element type up in its caches for every element,
// which costs about as much as decoding the element; a plan is looked up
// once per batch.
//
// NB: a plan only accepts what it is sure the library decodes to the same
// values: the shortest encoding of every integer (what AppendBatch
// writes), in range for its field, and the canonical booleans. On anything
// else (another encoding, a type error, a truncation, trailing bytes) it
// gives up, and DecodeBatch zeroes the elements and lets the library decide,
// so every error and every limit is the library's. FuzzFlatPlan checks that
// both paths agree.

// flatPlan describes how an element of type T sits in memory.
type flatPlan struct {
	size   uintptr
	fields []flatField // in wire order
	array  bool        // the element is a CBOR array of len(fields) items
	// decodes and encodes say whether the plan may decode and encode: a
	// type with methods of its own for either direction leaves it to the
	// library.
	decodes, encodes bool
}

// flatField is one integer or boolean at offset off of the element.
type flatField struct {
	off  uintptr
	kind reflect.Kind
}

var flatPlans sync.Map // reflect.Type → *flatPlan, nil for no plan

// flatPlanFor returns t's plan, or nil when t has none.
func flatPlanFor(t reflect.Type) *flatPlan {
	if p, ok := flatPlans.Load(t); ok {
		return p.(*flatPlan)
	}
	p := newFlatPlan(t)
	flatPlans.Store(t, p)
	return p
}

var (
	unmarshalers = []reflect.Type{
		reflect.TypeFor[cbor.Unmarshaler](), reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.BinaryUnmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	marshalers = []reflect.Type{
		reflect.TypeFor[cbor.Marshaler](), reflect.TypeFor[json.Marshaler](),
		reflect.TypeFor[encoding.BinaryMarshaler](), reflect.TypeFor[encoding.TextMarshaler](),
	}
)

// implementsAny reports whether t or *t implements one of ifaces: whether
// values of t may go through methods of their own, which only the library
// calls.
func implementsAny(t reflect.Type, ifaces []reflect.Type) bool {
	for _, i := range ifaces {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

func flatKind(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// newFlatPlan returns t's plan, or nil. A struct qualifies when its first
// field is _ struct{} with the tag cbor:",toarray", and every other field is
// exported, not embedded, untagged, and an integer or a boolean.
func newFlatPlan(t reflect.Type) *flatPlan {
	p := &flatPlan{size: t.Size(), decodes: !implementsAny(t, unmarshalers), encodes: !implementsAny(t, marshalers)}
	if flatKind(t) {
		p.fields = []flatField{{kind: t.Kind()}}
		return p.usable()
	}
	if t.Kind() != reflect.Struct || t.NumField() < 2 || t.NumField()-1 >= 24 {
		return nil
	}
	opt := t.Field(0)
	if opt.Name != "_" || opt.Type != reflect.TypeFor[struct{}]() || opt.Tag != `cbor:",toarray"` {
		return nil
	}
	p.array = true
	for i := 1; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous || f.Tag != "" || !flatKind(f.Type) {
			return nil
		}
		p.decodes = p.decodes && !implementsAny(f.Type, unmarshalers)
		p.encodes = p.encodes && !implementsAny(f.Type, marshalers)
		p.fields = append(p.fields, flatField{off: f.Offset, kind: f.Type.Kind()})
	}
	return p.usable()
}

func (p *flatPlan) usable() *flatPlan {
	if !p.decodes && !p.encodes {
		return nil
	}
	return p
}

// encode appends count elements at base to dst, as the library would in
// the core deterministic encoding: every integer in its shortest form.
func (p *flatPlan) encode(dst []byte, base unsafe.Pointer, count int) []byte {
	head := byte(majorArray<<5) | byte(len(p.fields))
	for i := range count {
		e := unsafe.Add(base, uintptr(i)*p.size)
		if p.array {
			dst = append(dst, head)
		}
		for _, f := range p.fields {
			dst = f.encode(dst, unsafe.Add(e, f.off))
		}
	}
	return dst
}

// encode appends the field at v to dst.
func (f flatField) encode(dst []byte, v unsafe.Pointer) []byte {
	var x int64
	switch f.kind {
	case reflect.Bool:
		if *(*bool)(v) {
			return append(dst, 0xf5)
		}
		return append(dst, 0xf4)
	case reflect.Uint8:
		return appendHead(dst, majorUint, uint64(*(*uint8)(v)))
	case reflect.Uint16:
		return appendHead(dst, majorUint, uint64(*(*uint16)(v)))
	case reflect.Uint32:
		return appendHead(dst, majorUint, uint64(*(*uint32)(v)))
	case reflect.Uint64:
		return appendHead(dst, majorUint, *(*uint64)(v))
	case reflect.Uint:
		return appendHead(dst, majorUint, uint64(*(*uint)(v)))
	case reflect.Int8:
		x = int64(*(*int8)(v))
	case reflect.Int16:
		x = int64(*(*int16)(v))
	case reflect.Int32:
		x = int64(*(*int32)(v))
	case reflect.Int64:
		x = *(*int64)(v)
	default:
		x = int64(*(*int)(v))
	}
	if x < 0 {
		return appendHead(dst, majorNegInt, uint64(-1-x))
	}
	return appendHead(dst, majorUint, uint64(x))
}

// decode decodes count elements from b, the payload after its array head,
// into the zeroed elements at base. It reports false when b is not in the
// plan's subset, leaving the elements partly written.
func (p *flatPlan) decode(b []byte, base unsafe.Pointer, count int) bool {
	head := byte(majorArray<<5) | byte(len(p.fields))
	for i := range count {
		e := unsafe.Add(base, uintptr(i)*p.size)
		if p.array {
			if len(b) == 0 || b[0] != head {
				return false
			}
			b = b[1:]
		}
		for _, f := range p.fields {
			var ok bool
			if b, ok = f.decode(b, unsafe.Add(e, f.off)); !ok {
				return false
			}
		}
	}
	return len(b) == 0
}

// decode decodes one field from the front of b into v and returns the rest.
func (f flatField) decode(b []byte, v unsafe.Pointer) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	if f.kind == reflect.Bool {
		switch b[0] {
		case 0xf4:
			*(*bool)(v) = false
		case 0xf5:
			*(*bool)(v) = true
		default:
			return nil, false
		}
		return b[1:], true
	}
	major := b[0] >> 5
	u, rest, ok := shortestArg(b)
	if !ok || major > 1 {
		return nil, false
	}
	neg := major == 1
	switch f.kind {
	case reflect.Uint8:
		if neg || u > math.MaxUint8 {
			return nil, false
		}
		*(*uint8)(v) = uint8(u)
	case reflect.Uint16:
		if neg || u > math.MaxUint16 {
			return nil, false
		}
		*(*uint16)(v) = uint16(u)
	case reflect.Uint32:
		if neg || u > math.MaxUint32 {
			return nil, false
		}
		*(*uint32)(v) = uint32(u)
	case reflect.Uint64, reflect.Uint:
		if neg || u > math.MaxUint {
			return nil, false
		}
		if f.kind == reflect.Uint {
			*(*uint)(v) = uint(u)
		} else {
			*(*uint64)(v) = u
		}
	default: // signed: a negative integer is -1-u
		var lim uint64
		switch f.kind {
		case reflect.Int8:
			lim = math.MaxInt8
		case reflect.Int16:
			lim = math.MaxInt16
		case reflect.Int32:
			lim = math.MaxInt32
		case reflect.Int:
			lim = math.MaxInt
		default:
			lim = math.MaxInt64
		}
		if u > lim {
			return nil, false
		}
		x := int64(u)
		if neg {
			x = -1 - x
		}
		switch f.kind {
		case reflect.Int8:
			*(*int8)(v) = int8(x)
		case reflect.Int16:
			*(*int16)(v) = int16(x)
		case reflect.Int32:
			*(*int32)(v) = int32(x)
		case reflect.Int64:
			*(*int64)(v) = x
		default:
			*(*int)(v) = int(x)
		}
	}
	return rest, true
}

// shortestArg reads the argument of the CBOR head at the front of b, and
// reports false unless it is definite and in its shortest form.
func shortestArg(b []byte) (uint64, []byte, bool) {
	ai := b[0] & 0x1f
	switch {
	case ai < 24:
		return uint64(ai), b[1:], true
	case ai == 24:
		if len(b) < 2 || b[1] < 24 {
			return 0, nil, false
		}
		return uint64(b[1]), b[2:], true
	case ai == 25:
		if len(b) < 3 {
			return 0, nil, false
		}
		u := uint64(binary.BigEndian.Uint16(b[1:]))
		return u, b[3:], u > math.MaxUint8
	case ai == 26:
		if len(b) < 5 {
			return 0, nil, false
		}
		u := uint64(binary.BigEndian.Uint32(b[1:]))
		return u, b[5:], u > math.MaxUint16
	case ai == 27:
		if len(b) < 9 {
			return 0, nil, false
		}
		u := binary.BigEndian.Uint64(b[1:])
		return u, b[9:], u > math.MaxUint32
	}
	return 0, nil, false
}
