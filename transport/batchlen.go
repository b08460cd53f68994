// SPDX-License-Identifier: Apache-2.0

package transport

// BatchLen returns the number of values in payload, a batch (see
// AppendBatch), read from its array head without decoding them, or 1 for
// a payload that is not a batch: a frame counts for one message at least.
// It checks neither the values nor any limit.
func BatchLen(payload []byte) int {
	if len(payload) == 0 || payload[0]>>5 != majorArray {
		return 1
	}
	ai := payload[0] & 0x1f
	switch {
	case ai < 24:
		return int(ai)
	case ai <= 27:
		n := 1 << (ai - 24)
		if len(payload) < 1+n {
			return 1
		}
		var count uint64
		for _, b := range payload[1 : 1+n] {
			count = count<<8 | uint64(b)
		}
		if count > uint64(len(payload)) { // each value takes a byte at least
			return 1
		}
		return int(count)
	default:
		return 1
	}
}
