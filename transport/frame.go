// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"encoding/binary"
	"math"
)

// Frame is the unit a link carries: one batch of values on one channel.
//
// On the wire a frame is a 4-byte big-endian length of the rest, then
// Channel and Sender as unsigned varints (shortest form), then Payload:
//
//	| length uint32 BE | channel uvarint | sender uvarint | payload ... |
//
// The payload is one CBOR array, the batch (see AppendBatch); the frame
// layer does not look inside it.
type Frame struct {
	// Channel names the networking edge of the flow the batch travels on.
	Channel uint32
	// Sender is the member index of the sending node within its location:
	// 0 for a process, the member id for a cluster member.
	Sender uint32
	// Payload is one CBOR array of values. A frame returned by Reader.Next
	// shares it with the Reader's buffer: see Next.
	Payload []byte
}

// headerLen is the size of the length prefix.
const headerLen = 4

// EncodedLen is the number of bytes AppendFrame appends for f, the length
// prefix included: what Limits.MaxFrameBytes bounds.
func EncodedLen(f Frame) int {
	return headerLen + uvarintLen(uint64(f.Channel)) + uvarintLen(uint64(f.Sender)) + len(f.Payload)
}

// AppendFrame appends the wire form of f to dst and returns the extended
// slice. It does not check Limits: senders call Limits.CheckFrame first.
//
// AppendFrame panics if the frame is longer than a 4-byte length can say
// (4 GiB), which no valid Limits allow.
func AppendFrame(dst []byte, f Frame) []byte {
	n := EncodedLen(f) - headerLen
	if uint64(n) > math.MaxUint32 {
		panic("transport: AppendFrame: frame longer than 4 GiB")
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	dst = binary.AppendUvarint(dst, uint64(f.Channel))
	dst = binary.AppendUvarint(dst, uint64(f.Sender))
	return append(dst, f.Payload...)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
