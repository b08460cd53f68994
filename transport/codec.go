// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/fxamacker/cbor/v2"
)

// Codec turns batches of Go values into frame payloads and back: CBOR
// (RFC 8949) in its core deterministic encoding, decoded under Limits.
//
// The encoding is the one of github.com/fxamacker/cbor/v2, so its struct
// tags apply: `cbor:",toarray"` on a struct encodes it as an array without
// field names, the compact form for values sent often. Map keys are sorted,
// integers and floats take their shortest form, and time.Time values travel
// as RFC 3339 text with nanoseconds, so equal batches encode to equal bytes.
//
// Decoding refuses, with an error and before allocating for them:
// nesting deeper than Limits.MaxNesting, arrays longer than
// Limits.MaxElements and maps with more pairs, lengths that claim more than
// the payload holds, indefinite-length items (the encoder never writes
// them, and they let a peer make a decoder count), invalid UTF-8 in text,
// and trailing bytes after the batch.
//
// A Codec is safe for concurrent use.
type Codec struct {
	limits Limits
	enc    cbor.UserBufferEncMode
	dec    cbor.DecMode
}

// NewCodec returns a Codec that decodes within l.
func NewCodec(l Limits) (*Codec, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	eo := cbor.CoreDetEncOptions()
	eo.Time = cbor.TimeRFC3339Nano
	enc, err := eo.UserBufferEncMode()
	if err != nil {
		return nil, fmt.Errorf("transport: building CBOR encoder: %w", err)
	}
	dec, err := cbor.DecOptions{
		MaxNestedLevels:  l.MaxNesting,
		MaxArrayElements: l.MaxElements,
		MaxMapPairs:      l.MaxElements,
		IndefLength:      cbor.IndefLengthForbidden,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		return nil, fmt.Errorf("transport: building CBOR decoder: %w", err)
	}
	return &Codec{limits: l, enc: enc, dec: dec}, nil
}

// AppendValue appends the encoding of v, one CBOR data item, to dst: how
// single messages travel where a batch is not wanted (external ports).
func (c *Codec) AppendValue(dst []byte, v any) ([]byte, error) {
	n := len(dst)
	buf := bytes.NewBuffer(dst)
	if err := c.enc.MarshalToBuffer(v, buf); err != nil {
		return dst[:n], err
	}
	return buf.Bytes(), nil
}

// DecodeValue decodes data, one CBOR data item and nothing after it, into
// v, a pointer, within c's limits.
func (c *Codec) DecodeValue(data []byte, v any) error { return c.dec.Unmarshal(data, v) }

// Limits returns the limits c decodes within.
func (c *Codec) Limits() Limits { return c.limits }

// CBOR major types used here.
const (
	majorUint   = 0
	majorNegInt = 1
	majorArray  = 4
)

// AppendBatch appends items to dst as one CBOR array, the payload of a
// Frame, and returns the extended slice. An empty or nil items gives the
// empty array. On error dst is returned unchanged (its spare capacity may
// have been written).
//
// AppendBatch refuses a batch of more than Limits.MaxElements items with a
// *FrameError matching ErrFrameTooLarge, as the receiving Codec would.
// Other errors are values the encoder cannot encode (a channel, a
// function): programmer errors, reported rather than panicking.
func AppendBatch[T any](c *Codec, dst []byte, items []T) ([]byte, error) {
	return c.appendBatch(dst, reflect.TypeFor[T](), unsafe.Pointer(unsafe.SliceData(items)), len(items))
}

// appendBatch is AppendBatch for count elements of type t at base: the
// generic function is a facade over it, so that a program instantiating
// AppendBatch for its own types compiles one line per type.
func (c *Codec) appendBatch(dst []byte, t reflect.Type, base unsafe.Pointer, count int) ([]byte, error) {
	if count > c.limits.MaxElements {
		return dst, &FrameError{
			Reason: fmt.Sprintf("batch of %d items exceeds MaxElements %d", count, c.limits.MaxElements),
			kind:   ErrFrameTooLarge,
		}
	}
	if count == 0 {
		return appendHead(dst, majorArray, 0), nil
	}
	if p := flatPlanFor(t); p != nil && p.encodes {
		out := appendHead(dst, majorArray, uint64(count))
		return p.encode(out, base, count), nil
	}
	if t.Kind() == reflect.Uint8 {
		// NB: CBOR encoders write a []byte as a byte string; a batch is
		// always an array, so write byte-kinded items one by one.
		out := appendHead(dst, majorArray, uint64(count))
		for _, b := range unsafe.Slice((*byte)(base), count) {
			out = appendHead(out, majorUint, uint64(b))
		}
		return out, nil
	}
	n := len(dst)
	buf := bytes.NewBuffer(dst)
	if err := c.enc.MarshalToBuffer(reflect.SliceAt(t, base, count).Interface(), buf); err != nil {
		return dst[:n], fmt.Errorf("transport: encoding batch of %d %v: %w", count, t, err)
	}
	return buf.Bytes(), nil
}

// DecodeBatch decodes payload, one CBOR array, appending its elements to dst
// and returning the extended slice. The appended elements start from their
// zero value; dst's existing elements are untouched. On error dst is
// returned with its original length (its spare capacity may have been
// written), and the error is a *FrameError matching ErrMalformed that names
// the problem.
//
// Before it looks at the elements, DecodeBatch checks the count against
// Limits.MaxElements and against the payload's size (every element takes a
// byte at least), so what it allocates is bounded by what was received:
// when dst lacks room it allocates max(len(dst)+count, 2*cap(dst))
// elements. Nested values are bounded the same way by the decoder.
func DecodeBatch[T any](c *Codec, payload []byte, dst []T) ([]T, error) {
	return decodeBatch(c, payload, dst, true)
}

// decodeBatch is DecodeBatch; fast says whether it may try the flat plan of
// T (see flat.go) before the CBOR library. Tests turn it off to compare. Only
// making room for the elements and handing the library a *[]T need T:
// decodeFlat and decodeLibrary decode them.
func decodeBatch[T any](c *Codec, payload []byte, dst []T, fast bool) ([]T, error) {
	count, hlen, err := c.batchLen(payload)
	if err != nil || count == 0 {
		return dst, err
	}
	n := len(dst)
	out := dst
	if cap(dst)-n < count {
		// count is bounded by the payload's size; doubling what the caller
		// already holds keeps appending batch after batch amortized.
		out = make([]T, n, max(n+count, 2*cap(dst)))
		copy(out, dst)
	}
	out = out[:n+count]
	clear(out[n:])
	t := reflect.TypeFor[T]()
	if fast && c.decodeFlat(payload[hlen:], t, unsafe.Pointer(&out[n]), count) {
		return out, nil
	}
	// NB: tail escapes into the library's decoder: declared here, it costs
	// an allocation on this path only.
	tail := out[n:n] // the decoder fills it in place: its capacity suffices
	if err := c.decodeLibrary(payload, &tail, t, count); err != nil {
		return dst, err
	}
	if len(tail) != count || &tail[0] != &out[n] {
		panic("transport: DecodeBatch: the decoder did not fill the slice in place")
	}
	return out, nil
}

// decodeFlat decodes the count elements of b (a payload after its array
// head) into the zeroed elements of type t at base with t's flat plan, and
// reports whether it could. When it could not, the elements are zero
// again.
func (c *Codec) decodeFlat(b []byte, t reflect.Type, base unsafe.Pointer, count int) bool {
	p := flatPlanFor(t)
	if p == nil || !p.decodes {
		return false
	}
	if p.decode(b, base, count) {
		return true
	}
	// Not in the plan's subset (or not valid): the library decides, from
	// zeroed elements. A plan's types hold no pointers: zeroing their
	// bytes is zeroing them.
	clear(unsafe.Slice((*byte)(base), uintptr(count)*t.Size()))
	return false
}

// decodeLibrary decodes payload, a batch of count elements of type t, with
// the CBOR library into *tail, a pointer to a []t.
func (c *Codec) decodeLibrary(payload []byte, tail any, t reflect.Type, count int) error {
	if err := c.dec.Unmarshal(payload, tail); err != nil {
		return &FrameError{
			Reason: fmt.Sprintf("decoding batch of %d into []%v: %v", count, t, err),
			kind:   ErrMalformed,
			cause:  err,
		}
	}
	return nil
}

// batchLen checks the array head of a payload against the limits and the
// payload's size, and returns the number of elements and the head's length.
func (c *Codec) batchLen(payload []byte) (int, int, error) {
	if len(payload) == 0 {
		return 0, 0, malformed("empty payload; want a CBOR array")
	}
	major, ai := payload[0]>>5, payload[0]&0x1f
	if major != majorArray {
		return 0, 0, malformed(fmt.Sprintf("payload is CBOR major type %d (%s); want an array", major, majorNames[major]))
	}
	var count uint64
	var hlen int
	switch {
	case ai < 24:
		count, hlen = uint64(ai), 1
	case ai <= 27:
		hlen = 1 + 1<<(ai-24)
		if len(payload) < hlen {
			return 0, 0, malformed("payload array head is truncated")
		}
		var b [8]byte
		copy(b[8-(hlen-1):], payload[1:hlen])
		count = binary.BigEndian.Uint64(b[:])
	case ai == 31:
		return 0, 0, malformed("payload is an indefinite-length array; want a definite length")
	default:
		return 0, 0, malformed(fmt.Sprintf("payload array head has reserved additional information %d", ai))
	}
	if count > uint64(c.limits.MaxElements) {
		return 0, 0, malformed(fmt.Sprintf("payload array claims %d elements; MaxElements is %d", count, c.limits.MaxElements))
	}
	if rest := len(payload) - hlen; count > uint64(rest) {
		return 0, 0, malformed(fmt.Sprintf("payload array claims %d elements in %d bytes", count, rest))
	}
	if count == 0 && len(payload) != hlen {
		return 0, 0, malformed(fmt.Sprintf("%d bytes after the empty payload array", len(payload)-hlen))
	}
	return int(count), hlen, nil
}

var majorNames = [8]string{"unsigned integer", "negative integer", "byte string", "text string", "array", "map", "tag", "simple or float"}

// appendHead appends a CBOR head in its shortest form.
func appendHead(dst []byte, major byte, v uint64) []byte {
	m := major << 5
	switch {
	case v < 24:
		return append(dst, m|byte(v))
	case v <= 0xff:
		return append(dst, m|24, byte(v))
	case v <= 0xffff:
		return binary.BigEndian.AppendUint16(append(dst, m|25), uint16(v))
	case v <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(dst, m|26), uint32(v))
	default:
		return binary.BigEndian.AppendUint64(append(dst, m|27), v)
	}
}
