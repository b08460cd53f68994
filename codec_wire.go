// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/lang"
)

// errZeroCodec is what the zero Codec's Encode and Decode return.
var errZeroCodec = errors.New("hydro: the zero Codec; use hydro.Lines, hydro.Bytes or hydro.CBOR")

// Encode appends the message for v to dst, without the delimiter a
// connection puts around it. It refuses a value longer than the codec
// allows.
func (c Codec[T]) Encode(dst []byte, v T) ([]byte, error) {
	if c.zero() {
		return dst, errZeroCodec
	}
	n := len(dst)
	dst, err := c.encode(dst, v)
	if err != nil {
		return dst[:n], err
	}
	if len(dst)-n > c.max {
		return dst[:n], fmt.Errorf("message of %d bytes exceeds the codec's limit of %d", len(dst)-n, c.max)
	}
	return dst, nil
}

// Decode decodes one message, which the value may keep.
func (c Codec[T]) Decode(msg []byte) (T, error) {
	if c.zero() {
		var zero T
		return zero, errZeroCodec
	}
	return c.decode(msg)
}

// wire is how a shell puts a codec's messages on a connection.
type wire interface {
	wire() (compile.Framing, int)
	splitter() compile.Split
}

func (c Codec[T]) wire() (compile.Framing, int) { return c.framing, c.max }
func (c Codec[T]) splitter() compile.Split      { return c.split }

func init() {
	lang.Codec = func(c any) (compile.Framing, int) { return c.(wire).wire() }
	lang.Split = func(c any) compile.Split { return c.(wire).splitter() }
}
