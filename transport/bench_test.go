// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

func BenchmarkBatch(b *testing.B) {
	c := mustCodec(b, DefaultLimits)
	for _, n := range []int{1, 100, 10000} {
		items := make([]compact, n)
		for i := range items {
			items[i] = compact{Key: fmt.Sprint("key", i), N: uint64(i)}
		}
		payload, err := AppendBatch(c, nil, items)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("op=encode,n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				buf, err = AppendBatch(c, buf[:0], items)
				if err != nil {
					b.Fatal(err)
				}
			}
			if !bytes.Equal(buf, payload) {
				b.Fatal("encoding changed")
			}
		})
		b.Run(fmt.Sprintf("op=decode,n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var out []compact
			for b.Loop() {
				out, err = DecodeBatch(c, payload, out[:0])
				if err != nil {
					b.Fatal(err)
				}
			}
			if len(out) != n {
				b.Fatalf("decoded %d items; want %d", len(out), n)
			}
		})
	}
}

func BenchmarkReader(b *testing.B) {
	const frames = 1000
	var wire []byte
	for i := range frames {
		wire = AppendFrame(wire, Frame{Channel: uint32(i % 7), Sender: 1, Payload: make([]byte, 100)})
	}
	b.Run("op=next,payload=100", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(wire)))
		for b.Loop() {
			r := NewReader(bytes.NewReader(wire), DefaultLimits)
			for range frames {
				if _, err := r.Next(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkFlatDecode decodes a batch of 1,000 two-integer records (B6's)
// through the flat plan and through the library alone.
func BenchmarkFlatDecode(b *testing.B) {
	type rec struct {
		_   struct{} `cbor:",toarray"`
		Seq uint64
		Val uint64
	}
	c := mustCodec(b, DefaultLimits)
	items := make([]rec, 1000)
	for i := range items {
		items[i] = rec{Seq: uint64(i) << 20, Val: uint64(i) * 0x9e3779b97f4a7c15}
	}
	payload, err := AppendBatch(c, nil, items)
	if err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		b.Run(fmt.Sprintf("flat=%v,n=%d", fast, len(items)), func(b *testing.B) {
			b.ReportAllocs()
			var out []rec
			for b.Loop() {
				if out, err = decodeBatch(c, payload, out[:0], fast); err != nil {
					b.Fatal(err)
				}
			}
			if !slices.Equal(out, items) {
				b.Fatal("decoded records differ")
			}
		})
	}
}
