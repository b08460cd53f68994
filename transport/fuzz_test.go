// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzLimits are small so that the fuzzer reaches them.
var fuzzLimits = Limits{MaxFrameBytes: 1 << 12, MaxNesting: 8, MaxElements: 64}

// FuzzReader reads arbitrary streams: Next must not panic, must refuse
// frames above the limit, must report every failure as a transport error,
// and every frame it accepts must re-encode to exactly the bytes it read.
// Seeds are in testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, Frame{Channel: 1, Sender: 2, Payload: []byte{0x80}}), Frame{Channel: 300}))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), fuzzLimits)
		off := 0
		for {
			fr, err := r.Next()
			if err == io.EOF {
				if off != len(data) {
					t.Fatalf("Next() = io.EOF at offset %d of %d", off, len(data))
				}
				return
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "transport: ") {
					t.Fatalf("Next() = %q; want a transport: error", err)
				}
				var fe *FrameError
				if !errors.As(err, &fe) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("Next() = %v; want a *FrameError or io.ErrUnexpectedEOF", err)
				}
				return
			}
			n := EncodedLen(fr)
			if n > fuzzLimits.MaxFrameBytes {
				t.Fatalf("Next() accepted a %d-byte frame; limit %d", n, fuzzLimits.MaxFrameBytes)
			}
			if got := AppendFrame(nil, fr); !bytes.Equal(got, data[off:off+n]) {
				t.Fatalf("AppendFrame(Next()) = %x; read %x", got, data[off:off+n])
			}
			off += n
		}
	})
}

// FuzzDecodeBatch decodes arbitrary payloads into []pair, []string and
// []any: DecodeBatch must not panic, must report failures as ErrMalformed,
// and must never return more elements than MaxElements or than the payload
// has bytes. What it accepts must survive a re-encoding unchanged. Seeds are
// in testdata/fuzz/FuzzDecodeBatch.
func FuzzDecodeBatch(f *testing.F) {
	c := mustCodec(f, fuzzLimits)
	f.Add([]byte{0x82, 0xa2, 0x61, 0x41, 0x01, 0x61, 0x42, 0x61, 0x61, 0xa0})
	f.Add([]byte{0x9a, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkFuzzDecode[pair](t, c, payload)
		checkFuzzDecode[string](t, c, payload)
		checkFuzzDecode[any](t, c, payload)
	})
}

func checkFuzzDecode[T any](t *testing.T, c *Codec, payload []byte) {
	got, err := DecodeBatch[T](c, payload, nil)
	if err != nil {
		if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "transport: ") {
			t.Fatalf("DecodeBatch[%T](%x) = %v; want a transport: error matching ErrMalformed", got, payload, err)
		}
		return
	}
	if len(got) > c.Limits().MaxElements || len(got) >= max(len(payload), 1) {
		t.Fatalf("DecodeBatch[%T](%d bytes) returned %d elements", got, len(payload), len(got))
	}
	if _, isAny := any(got).([]any); isAny {
		return // values of type any need not re-encode to the same types
	}
	again, err := AppendBatch(c, nil, got)
	if err != nil {
		t.Fatalf("AppendBatch(DecodeBatch(%x)) = %v", payload, err)
	}
	back, err := DecodeBatch[T](c, again, nil)
	if err != nil {
		t.Fatalf("DecodeBatch(AppendBatch(DecodeBatch(%x))) = %v", payload, err)
	}
	if diff := cmp.Diff(got, back); diff != "" {
		t.Fatalf("re-encoding %x changed the batch (-first +second):\n%s", payload, diff)
	}
}
