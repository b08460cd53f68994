// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// backoff returns how long to wait after the n-th failed dial in a row
// (n from 0): lo·2^n capped at hi, then jittered uniformly down to half, so
// that dialers that failed together do not retry together.
func backoff(n int, lo, hi time.Duration, rng *rand.Rand) time.Duration {
	d := lo
	for range n {
		if d >= hi/2 {
			d = hi
			break
		}
		d *= 2
	}
	d = min(d, hi)
	half := d / 2
	return half + time.Duration(rng.Int64N(int64(d-half)+1))
}

// defaultSeed derives a Conn's jitter seed from its two ends: different
// dialers of one peer get different jitter, and no clock or global random
// source is read.
func defaultSeed(self, addr string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(self))
	h.Write([]byte{0})
	h.Write([]byte(addr))
	return h.Sum64()
}
