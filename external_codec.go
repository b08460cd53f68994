// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// DefaultMaxMessage is the longest message, in bytes, that a codec accepts
// unless told otherwise (see Codec.WithMaxMessage).
const DefaultMaxMessage = 1 << 20

// Codec is how values of type T travel between an external port and its
// clients: how messages are delimited on the connection, how each is
// encoded, and how long one may be. A port closes a client that sends a
// message longer than that, or one that does not decode.
//
// The zero Codec is not usable; start from Lines, Bytes or CBOR.
type Codec[T any] struct {
	cbor    bool // values travel as CBOR: Compile checks that T can
	name    string
	framing compile.Framing
	split   compile.Split // for compile.FrameSplit
	max     int
	encode  func(dst []byte, v T) ([]byte, error)
	decode  func(msg []byte) (T, error)
}

// Lines is text, one value per line: what `nc` speaks. A line ends with
// "\n"; a "\r" before it is dropped, so telnet clients work too. A value
// to send must not contain "\n": the port refuses it (and logs it) rather
// than let it reach the client as two lines. Lines are not checked for
// valid UTF-8.
var Lines = Codec[string]{
	name:    "lines",
	framing: compile.FrameLines,
	max:     DefaultMaxMessage,
	encode: func(dst []byte, s string) ([]byte, error) {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return dst, fmt.Errorf("hydro: Lines: value %.40q has a newline at byte %d", s, i)
		}
		return append(dst, s...), nil
	},
	decode: func(msg []byte) (string, error) { return string(msg), nil },
}

// Bytes is raw bytes, each message preceded by its length as 4 bytes, big
// endian (tokio's LengthDelimitedCodec, Netty's LengthFieldPrepender).
var Bytes = Codec[[]byte]{
	name:    "bytes",
	framing: compile.FrameLength,
	max:     DefaultMaxMessage,
	encode:  func(dst []byte, b []byte) ([]byte, error) { return append(dst, b...), nil },
	decode:  func(msg []byte) ([]byte, error) { return msg, nil },
}

// CBOR encodes each value as one CBOR data item (RFC 8949), framed as Bytes
// frames its messages. Encoding is deterministic, as on the flow's own
// channels (see transport.Codec): struct tags of
// github.com/fxamacker/cbor/v2 apply. Decoding refuses nesting deeper than
// transport.DefaultLimits.MaxNesting, indefinite lengths, invalid UTF-8 and
// trailing bytes.
func CBOR[T any]() Codec[T] {
	return Codec[T]{
		cbor:    true,
		name:    "cbor " + reflect.TypeFor[T]().String(),
		framing: compile.FrameLength,
		max:     DefaultMaxMessage,
		encode: func(dst []byte, v T) ([]byte, error) {
			c, err := portCodec()
			if err != nil {
				return dst, err
			}
			out, err := c.AppendValue(dst, v)
			if err != nil {
				return out, fmt.Errorf("hydro: CBOR: encoding %T: %w", v, err)
			}
			return out, nil
		},
		decode: func(msg []byte) (T, error) {
			var v T
			c, err := portCodec()
			if err != nil {
				return v, err
			}
			if len(msg) == 0 {
				return v, errors.New("hydro: CBOR: empty message")
			}
			if err := c.DecodeValue(msg, &v); err != nil {
				return v, fmt.Errorf("hydro: CBOR: decoding %T: %w", v, err)
			}
			return v, nil
		},
	}
}

// SplitFunc finds where the first message in data ends, for a codec whose
// messages delimit themselves (see NewCodec). It returns:
//
//   - n > 0, the message's length, when data starts with a whole message
//     (more bytes may follow it: the next messages);
//   - 0 and no error when data is only the start of a message, and more
//     bytes are needed;
//   - an error when data cannot start a valid message: the port closes
//     the connection.
//
// atEOF reports that no more bytes will come. A SplitFunc is called again,
// from the start of the message, each time more bytes arrive, so it must
// give the same answer for the same bytes, must not keep data, and should
// refuse early a header that announces more than the codec's limit allows.
type SplitFunc func(data []byte, atEOF bool) (n int, err error)

// NewCodec returns a codec of messages that delimit themselves, as the
// Redis protocol's do: split finds where each one a peer sends ends, encode
// appends one whole message (delimiters included) for a value, and decode
// decodes one whole message, as split found it, which the value may keep.
// Messages are written as encode made them, with nothing around them. name
// names the codec in drawings and logs. Messages, whole as split finds
// them, are limited to DefaultMaxMessage bytes unless WithMaxMessage says
// otherwise; a peer whose message grows past that is closed.
//
// Package std/resp is such a codec.
func NewCodec[T any](name string, split SplitFunc, encode func(dst []byte, v T) ([]byte, error), decode func(msg []byte) (T, error)) Codec[T] {
	if split == nil || encode == nil || decode == nil {
		panic(fmt.Sprintf("hydro: NewCodec(%q): split, encode and decode must all be given", name))
	}
	return Codec[T]{
		name:    name,
		framing: compile.FrameSplit,
		split:   split,
		max:     DefaultMaxMessage,
		encode:  encode,
		decode:  decode,
	}
}

// portCodec is the codec of CBOR ports: the flow's own channel codec, with
// the default limits.
var portCodec = sync.OnceValues(func() (*transport.Codec, error) {
	return transport.NewCodec(transport.DefaultLimits)
})

// WithMaxMessage returns c accepting messages of up to n bytes (delimiters
// excluded), in both directions. n must be positive.
func (c Codec[T]) WithMaxMessage(n int) Codec[T] {
	if n <= 0 {
		panic(fmt.Sprintf("hydro: Codec.WithMaxMessage(%d): the limit must be positive", n))
	}
	c.max = n
	return c
}

// String names the codec, for drawings and logs.
func (c Codec[T]) String() string { return c.name }

func (c Codec[T]) zero() bool { return c.encode == nil }

// lowered is the codec as lowering takes it.
func (c Codec[T]) lowered() compile.Codec[T] {
	return compile.Codec[T]{Name: c.name, Framing: c.framing, Split: c.split, Max: c.max, Encode: c.encode, Decode: c.decode}
}

// needCodec records that port node n needs a usable codec, and, for a CBOR
// one, that T can travel.
func needCodec[T any](n *ir.Node, c Codec[T], op string) {
	n.Need(ir.NeedCodec, 0, "", "")
	if c.cbor {
		n.Wire = reflect.TypeFor[T]()
		n.Need(ir.NeedWire, 0, op, "")
	}
}
