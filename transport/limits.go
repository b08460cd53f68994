// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"fmt"
	"math"
)

// Limits bound what a peer can make this process allocate. A Reader checks
// MaxFrameBytes before it allocates a frame; a Codec checks MaxNesting and
// MaxElements before it allocates decoded values. Both sides of a channel
// should use the same Limits: a sender checks them too, so that it refuses
// to send what its peer would refuse to read.
//
// There are no hidden defaults: start from DefaultLimits and change fields.
type Limits struct {
	// MaxFrameBytes is the largest encoded frame, its 4-byte length
	// included, in [MinFrameBytes, math.MaxInt32].
	MaxFrameBytes int
	// MaxNesting is the deepest nesting of CBOR arrays, maps and tags in a
	// payload, in [4, 65535]. The batch array itself is the first level, so
	// the values in a batch may nest MaxNesting-1 deep.
	MaxNesting int
	// MaxElements is the largest number of elements of one CBOR array
	// (the batch included) and of pairs of one CBOR map, in
	// [16, math.MaxInt32].
	MaxElements int
}

// MinFrameBytes is the smallest MaxFrameBytes that Validate accepts.
const MinFrameBytes = 16

// DefaultLimits are the limits for links between locations of one flow.
var DefaultLimits = Limits{
	MaxFrameBytes: 16 << 20,
	MaxNesting:    32,
	MaxElements:   1 << 20,
}

// Validate reports the first field of l outside its documented range.
func (l Limits) Validate() error {
	switch {
	case l.MaxFrameBytes < MinFrameBytes || l.MaxFrameBytes > math.MaxInt32:
		return fmt.Errorf("transport: Limits.MaxFrameBytes = %d; want [%d, %d]", l.MaxFrameBytes, MinFrameBytes, math.MaxInt32)
	case l.MaxNesting < 4 || l.MaxNesting > 65535:
		return fmt.Errorf("transport: Limits.MaxNesting = %d; want [4, 65535]", l.MaxNesting)
	case l.MaxElements < 16 || l.MaxElements > math.MaxInt32:
		return fmt.Errorf("transport: Limits.MaxElements = %d; want [16, %d]", l.MaxElements, math.MaxInt32)
	}
	return nil
}

// CheckFrame reports, as a *FrameError matching ErrFrameTooLarge, whether f
// encodes to more than MaxFrameBytes. Senders call it so that they never
// write a frame their peer's Reader would reject and close the link for.
func (l Limits) CheckFrame(f Frame) error {
	if n := EncodedLen(f); n > l.MaxFrameBytes {
		return &FrameError{
			Reason: fmt.Sprintf("frame of %d bytes on channel %d exceeds MaxFrameBytes %d", n, f.Channel, l.MaxFrameBytes),
			kind:   ErrFrameTooLarge,
		}
	}
	return nil
}

func (l Limits) mustValidate() {
	if err := l.Validate(); err != nil {
		panic(err)
	}
}
