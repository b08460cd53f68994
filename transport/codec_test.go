// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"
)

type pair struct {
	A int
	B string
}

type compact struct {
	_    struct{} `cbor:",toarray"`
	Key  string
	N    uint64
	Tags []string
}

type myByte uint8

func mustCodec(t testing.TB, l Limits) *Codec {
	t.Helper()
	c, err := NewCodec(l)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// roundTrip encodes items, checks the encoding against want (hex, unless
// empty), decodes it after a prefix and checks the prefix is kept.
func roundTrip[T any](t *testing.T, c *Codec, items []T, prefix []T, wantHex string) {
	t.Helper()
	payload, err := AppendBatch(c, []byte{0xee}, items)
	if err != nil {
		t.Fatalf("AppendBatch(%v) = %v", items, err)
	}
	if payload[0] != 0xee {
		t.Fatalf("AppendBatch overwrote dst")
	}
	payload = payload[1:]
	if wantHex != "" && hex.EncodeToString(payload) != wantHex {
		t.Errorf("AppendBatch(%v) = %x; want %s", items, payload, wantHex)
	}
	got, err := DecodeBatch(c, payload, prefix)
	if err != nil {
		t.Fatalf("DecodeBatch(%x) = %v", payload, err)
	}
	want := append(append([]T{}, prefix...), items...)
	if len(want) == 0 {
		want = prefix
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(compact{})); diff != "" {
		t.Errorf("DecodeBatch(AppendBatch(%v)) mismatch (-want +got):\n%s", items, diff)
	}
}

func TestBatchRoundTrip(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	t.Run("ints", func(t *testing.T) {
		roundTrip(t, c, []int{1, -1, 1000, math.MaxInt64, math.MinInt64}, nil, "")
		roundTrip(t, c, []int{1, 2, 3}, nil, "83010203")
	})
	t.Run("empty", func(t *testing.T) {
		roundTrip(t, c, []int{}, nil, "80")
		roundTrip[int](t, c, nil, []int{7}, "80")
	})
	t.Run("strings", func(t *testing.T) {
		roundTrip(t, c, []string{"a", "", "héllo", strings.Repeat("x", 300)}, []string{"kept"}, "")
	})
	t.Run("structs", func(t *testing.T) {
		roundTrip(t, c, []pair{{1, "a"}, {2, "b"}}, nil, "82a261410161426161a2614102614261"+"62")
		roundTrip(t, c, []compact{{Key: "k", N: 9, Tags: []string{"x"}}, {}}, nil, "8283616b09816178"+"8360"+"00"+"f6")
	})
	t.Run("bytes are an array", func(t *testing.T) {
		roundTrip(t, c, []byte{0, 1, 24, 255}, []byte{9}, "8400011818"+"18ff")
		roundTrip(t, c, []myByte{3}, nil, "8103")
	})
	t.Run("byte slices", func(t *testing.T) {
		roundTrip(t, c, [][]byte{{1, 2}, {}}, nil, "82420102"+"40")
	})
	t.Run("maps sort keys", func(t *testing.T) {
		roundTrip(t, c, []map[string]int{{"b": 2, "a": 1, "aa": 3}}, nil, "81a3616101616202626161"+"03")
	})
	t.Run("floats and time", func(t *testing.T) {
		roundTrip(t, c, []float64{0.5, 1e300, math.Inf(1)}, nil, "")
		ts := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
		roundTrip(t, c, []time.Time{ts}, nil, "")
	})
	t.Run("pointers and nesting", func(t *testing.T) {
		one := 1
		roundTrip(t, c, []*int{&one, nil}, nil, "8201f6")
		roundTrip(t, c, [][]pair{{{1, "a"}}, nil}, nil, "")
	})
}

// TestDecodeBatchZeroesReusedCapacity: stale values in dst's spare
// capacity must not leak into decoded elements whose fields are absent.
func TestDecodeBatchZeroesReusedCapacity(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	dst := []pair{{1, "stale"}, {2, "stale"}}[:0]
	got, err := DecodeBatch(c, []byte{0x81, 0xa0}, dst) // [{}]
	if err != nil {
		t.Fatal(err)
	}
	if want := []pair{{}}; !cmp.Equal(got, want) {
		t.Errorf("DecodeBatch([{}]) into stale capacity = %v; want %v", got, want)
	}
}

func TestBatchDeterministic(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	m := map[int]string{}
	for i := range 100 {
		m[i*7919%1000] = "v"
	}
	first, err := AppendBatch(c, nil, []map[int]string{m})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := AppendBatch(c, nil, []map[int]string{m})
		if !bytes.Equal(first, again) {
			t.Fatalf("AppendBatch of one map gave %x, then %x", first, again)
		}
	}
}

func TestAppendBatchErrors(t *testing.T) {
	l := DefaultLimits
	l.MaxElements = 16
	c := mustCodec(t, l)
	dst := []byte{1, 2}
	got, err := AppendBatch(c, dst, make([]int, 17))
	if !errors.Is(err, ErrFrameTooLarge) || !strings.Contains(err.Error(), "batch of 17 items exceeds MaxElements 16") {
		t.Errorf("AppendBatch(17 items) = %v; want ErrFrameTooLarge naming the counts", err)
	}
	if !bytes.Equal(got, dst) {
		t.Errorf("AppendBatch error returned %x; want dst %x", got, dst)
	}
	got, err = AppendBatch(c, dst, []func(){func() {}})
	if err == nil || !strings.HasPrefix(err.Error(), "transport: encoding batch of 1 func()") {
		t.Errorf("AppendBatch(funcs) = %v; want a transport: encoding error", err)
	}
	if !bytes.Equal(got, dst) {
		t.Errorf("AppendBatch error returned %x; want dst %x", got, dst)
	}
	if _, err := NewCodec(Limits{}); err == nil {
		t.Errorf("NewCodec(Limits{}) = nil error; want one")
	}
}

func nested(depth int, open, leaf string) string {
	return strings.Repeat(open, depth) + leaf
}

// TestDecodeBatchHostile decodes payloads a broken or hostile peer could
// send. Each must fail with a clear error, quickly, allocating little.
func TestDecodeBatchHostile(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	tests := []struct {
		name    string
		payload string // hex
		message string
		as      any // optional: a pointer to the codec error type
	}{
		{"empty", "", "empty payload", nil},
		{"text, not array", "6161", "major type 3 (text string); want an array", nil},
		{"map, not array", "a0", "major type 5 (map)", nil},
		{"5-byte head claims 2^32-1", "9affffffff", "claims 4294967295 elements; MaxElements is 1048576", nil},
		{"9-byte head claims 2^32", "9b0000000100000000", "claims 4294967296 elements", nil},
		{"9-byte head claims 2^64-1", "9bffffffffffffffff", "claims 18446744073709551615 elements", nil},
		{"head claims more than sent", "9a00010000" + "0102", "claims 65536 elements in 2 bytes", nil},
		{"head truncated", "9a0001", "array head is truncated", nil},
		{"reserved head", "9c", "reserved additional information 28", nil},
		{"indefinite batch", "9f01ff", "indefinite-length array", nil},
		{"trailing after empty", "8000", "1 bytes after the empty payload array", nil},
		{"trailing after batch", "810101", "extraneous data", nil},
		{"inner array claims 2^32-1", "81" + "9affffffff", "exceeded max number of elements", new(*cbor.MaxArrayElementsError)},
		{"inner map claims 2^32-1", "81" + "baffffffff", "exceeded max number of key-value pairs", new(*cbor.MaxMapPairsError)},
		{"inner text claims 2^63", "81" + "7b7fffffffffffffff", "unexpected EOF", nil},
		{"inner bytes overflow int", "81" + "5bffffffffffffffff", "too large", nil},
		{"indefinite text", "81" + "7f616161" + "61ff", "indefinite-length UTF-8 text string isn't allowed", new(*cbor.IndefiniteLengthError)},
		{"invalid utf-8", "81" + "62fffe", "invalid UTF-8", nil},
		{"33 nested arrays", nested(33, "81", "00"), "exceeded max nested level 32", new(*cbor.MaxNestedLevelError)},
		{"deep tags", "81" + nested(40, "c6", "00"), "exceeded max nested level 32", new(*cbor.MaxNestedLevelError)},
		{"wrong element type", "8101", "cannot unmarshal positive integer into Go value of type string", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := hex.DecodeString(tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			dst := []string{"kept"}
			var got []string
			allocated := bytesAllocated(func() { got, err = DecodeBatch(c, payload, dst) })
			checkHostile(t, err, tt.message, tt.as)
			if len(got) != 1 || got[0] != "kept" {
				t.Errorf("DecodeBatch error returned %q; want dst unchanged", got)
			}
			if allocated > 16<<10 {
				t.Errorf("DecodeBatch(%s) allocated %d bytes; want at most 16 KiB", tt.name, allocated)
			}
		})
	}
}

// TestDecodeBatchMillionNested: 10^6 nested arrays fail at the nesting
// limit, without recursing a million times or allocating for them.
func TestDecodeBatchMillionNested(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	for _, open := range []byte{0x81, 0x9f, 0xa1, 0xc6} { // array, indefinite array, map, tag
		payload := append(bytes.Repeat([]byte{open}, 1_000_000), 0x00)
		if open != 0x81 {
			payload[0] = 0x81 // the batch itself
		}
		var err error
		allocated := bytesAllocated(func() { _, err = DecodeBatch[pair](c, payload, nil) })
		if err == nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeBatch(10^6 x %#x) = %v; want ErrMalformed", open, err)
		}
		if allocated > 16<<10 {
			t.Errorf("DecodeBatch(10^6 x %#x) allocated %d bytes; want at most 16 KiB", open, allocated)
		}
	}
}

// TestDecodeBatchAllocationBounded: a batch of small elements allocates
// in proportion to the bytes received.
func TestDecodeBatchAllocationBounded(t *testing.T) {
	l := DefaultLimits
	c := mustCodec(t, l)
	payload := append([]byte{0x9a, 0x00, 0x01, 0x00, 0x00}, bytes.Repeat([]byte{0xa0}, 1<<16)...) // 65536 x {}
	var got []pair
	var err error
	allocated := bytesAllocated(func() { got, err = DecodeBatch[pair](c, payload, nil) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1<<16 {
		t.Fatalf("len(DecodeBatch) = %d; want %d", len(got), 1<<16)
	}
	if limit := uint64(1<<16)*24 + 16<<10; allocated > limit {
		t.Errorf("DecodeBatch(65536 empty maps) allocated %d bytes; want at most %d", allocated, limit)
	}
}

func checkHostile(t *testing.T, err error, message string, as any) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("DecodeBatch = %v; want an error matching ErrMalformed", err)
	}
	var fe *FrameError
	if !errors.As(err, &fe) {
		t.Errorf("DecodeBatch = %T; want a *FrameError", err)
	}
	if !strings.HasPrefix(err.Error(), "transport: ") || !strings.Contains(err.Error(), message) {
		t.Errorf("DecodeBatch = %q; want it to start with \"transport: \" and contain %q", err, message)
	}
	if as != nil && !errors.As(err, as) {
		t.Errorf("DecodeBatch = %v; want errors.As to reach %T", err, as)
	}
}
