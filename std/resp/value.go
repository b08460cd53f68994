// SPDX-License-Identifier: Apache-2.0

package resp

import (
	"fmt"
	"strings"
)

// Kind is the type of a RESP2 value.
type Kind uint8

// The kinds of RESP2 values, with the byte that starts each on the wire.
const (
	SimpleKind    Kind = iota + 1 // +OK
	ErrorKind                     // -ERR message
	IntKind                       // :42
	BulkKind                      // $5 hello
	NullKind                      // $-1, the null bulk string
	ArrayKind                     // *2 followed by its elements
	NullArrayKind                 // *-1
)

func (k Kind) String() string {
	switch k {
	case SimpleKind:
		return "simple"
	case ErrorKind:
		return "error"
	case IntKind:
		return "integer"
	case BulkKind:
		return "bulk"
	case NullKind:
		return "null"
	case ArrayKind:
		return "array"
	case NullArrayKind:
		return "null array"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one RESP2 value: a reply the flow sends. Str holds a simple
// string's, an error's or a bulk string's bytes, Int an integer, Array an
// array's elements. Its fields are exported so that values can travel on a
// flow's channels too.
type Value struct {
	Kind  Kind
	Str   string
	Int   int64
	Array []Value
}

// Simple is a simple string, such as "OK" or "PONG".
func Simple(s string) Value { return Value{Kind: SimpleKind, Str: s} }

// Errorf is an error reply. By convention its first word is the error's
// code: "ERR", "WRONGTYPE".
func Errorf(format string, args ...any) Value {
	return Value{Kind: ErrorKind, Str: fmt.Sprintf(format, args...)}
}

// Int is an integer reply.
func Int(n int64) Value { return Value{Kind: IntKind, Int: n} }

// Bulk is a bulk string: any bytes.
func Bulk(s string) Value { return Value{Kind: BulkKind, Str: s} }

// Null is the null bulk string: what GET answers for a missing key.
func Null() Value { return Value{Kind: NullKind} }

// NullArray is the null array.
func NullArray() Value { return Value{Kind: NullArrayKind} }

// Array is an array of values.
func Array(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{Kind: ArrayKind, Array: vs}
}

// String shows v as redis-cli does, on one line.
func (v Value) String() string {
	switch v.Kind {
	case SimpleKind:
		return v.Str
	case ErrorKind:
		return "(error) " + v.Str
	case IntKind:
		return fmt.Sprintf("(integer) %d", v.Int)
	case BulkKind:
		return fmt.Sprintf("%q", v.Str)
	case NullKind, NullArrayKind:
		return "(nil)"
	case ArrayKind:
		parts := make([]string, len(v.Array))
		for i, e := range v.Array {
			parts[i] = e.String()
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("resp.Value{Kind: %v}", v.Kind)
}

// Command is one command a client sent: its name and its arguments, each
// as the client sent it (any bytes).
type Command struct {
	Args []string
}

// Name returns the command's name in upper case ("GET"), as Redis matches
// command names without regard to case.
func (c Command) Name() string {
	if len(c.Args) == 0 {
		return ""
	}
	return strings.ToUpper(c.Args[0])
}

// Arg returns the i-th word of the command (0 is its name), or "" past
// the end.
func (c Command) Arg(i int) string {
	if i < 0 || i >= len(c.Args) {
		return ""
	}
	return c.Args[i]
}

func (c Command) String() string { return strings.Join(c.Args, " ") }
