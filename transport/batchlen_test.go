// SPDX-License-Identifier: Apache-2.0

package transport_test

import (
	"testing"

	"github.com/hydro-go/hydro/transport"
)

func TestBatchLen(t *testing.T) {
	c, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 23, 24, 255, 256, 70000} {
		p, err := transport.AppendBatch(c, nil, make([]uint8, n))
		if err != nil {
			t.Fatal(err)
		}
		if got := transport.BatchLen(p); got != n {
			t.Errorf("BatchLen(a batch of %d) = %d; want %d", n, got, n)
		}
	}
	for _, p := range [][]byte{nil, {0x01}, {0x9a, 0xff}, {0x9b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0}} {
		if got := transport.BatchLen(p); got != 1 {
			t.Errorf("BatchLen(%x) = %d; want 1", p, got)
		}
	}
}
