// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type flatRec struct {
	_ struct{} `cbor:",toarray"`
	U uint64
	I int8
	B bool
	N int
	S uint16
}

type taggedRec struct {
	_ struct{} `cbor:",toarray"`
	U uint64   `cbor:"u"`
}

type customInt int

func (c *customInt) UnmarshalCBOR([]byte) error { *c = 42; return nil }

type customRec struct {
	_ struct{} `cbor:",toarray"`
	C customInt
}

type marshalRec struct {
	_ struct{} `cbor:",toarray"`
	N int
}

func (marshalRec) MarshalText() ([]byte, error) { return []byte("x"), nil }

func TestFlatPlanOf(t *testing.T) {
	type both struct{ decodes, encodes bool }
	plan := func(p *flatPlan) both {
		if p == nil {
			return both{}
		}
		return both{p.decodes, p.encodes}
	}
	for _, tc := range []struct {
		name string
		got  both
		want both
	}{
		{"int", plan(flatPlanFor(reflect.TypeFor[int]())), both{true, true}},
		{"uint8", plan(flatPlanFor(reflect.TypeFor[uint8]())), both{true, true}},
		{"bool", plan(flatPlanFor(reflect.TypeFor[bool]())), both{true, true}},
		{"flatRec", plan(flatPlanFor(reflect.TypeFor[flatRec]())), both{true, true}},
		{"string", plan(flatPlanFor(reflect.TypeFor[string]())), both{}},
		{"pair (a map)", plan(flatPlanFor(reflect.TypeFor[pair]())), both{}},
		{"compact (a string field)", plan(flatPlanFor(reflect.TypeFor[compact]())), both{}},
		{"taggedRec", plan(flatPlanFor(reflect.TypeFor[taggedRec]())), both{}},
		{"customInt", plan(flatPlanFor(reflect.TypeFor[customInt]())), both{false, true}},
		{"customRec", plan(flatPlanFor(reflect.TypeFor[customRec]())), both{false, true}},
		{"marshalRec", plan(flatPlanFor(reflect.TypeFor[marshalRec]())), both{true, false}},
	} {
		if tc.got != tc.want {
			t.Errorf("flatPlanFor(%s) = %+v; want %+v", tc.name, tc.got, tc.want)
		}
	}
}

func TestFlatRoundTrip(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	roundTrip(t, c, []flatRec{
		{U: math.MaxUint64, I: math.MinInt8, B: true, N: math.MinInt, S: math.MaxUint16},
		{U: 23, I: -24, N: 24, S: 256},
		{},
	}, []flatRec{{U: 1}}, "")
	roundTrip(t, c, []int{0, -1, 23, 24, -25, 255, 256, -257, 65535, 65536, math.MaxInt, math.MinInt}, nil, "")
	roundTrip(t, c, []bool{true, false}, nil, "82f5f4")
}

// FuzzFlatPlan checks that a flat plan and the library agree on every
// payload: the same elements, or both an error with the same message.
func FuzzFlatPlan(f *testing.F) {
	c := mustCodec(f, fuzzLimits)
	for _, seed := range []string{
		"8285000000f400", "81851bffffffffffffffff387ff53b7fffffffffffffff19ffff",
		"81851800000000f400", "8185000000f40000", "818500190000f400", "8185007f00f400",
		"82010203", "83f5f4f6", "81841800", "8118ff", "811901ff", "8138ff", "811a0001ffff",
	} {
		f.Add(mustHex(f, seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkFlat[flatRec](t, c, payload)
		checkFlat[int](t, c, payload)
		checkFlat[int8](t, c, payload)
		checkFlat[uint16](t, c, payload)
		checkFlat[uint8](t, c, payload)
		checkFlat[bool](t, c, payload)
	})
}

// TestFlatEncode checks that a flat plan encodes random batches to the
// library's bytes.
func TestFlatEncode(t *testing.T) {
	c := mustCodec(t, DefaultLimits)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	edge := func() uint64 {
		// Around every boundary of the shortest form, and anything.
		bounds := []uint64{0, 23, 24, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64}
		if r.IntN(4) == 0 {
			return r.Uint64()
		}
		return bounds[r.IntN(len(bounds))] + uint64(r.IntN(3)) - 1
	}
	recs := make([]flatRec, 500)
	ints := make([]int, 500)
	i16s := make([]int16, 500)
	for i := range recs {
		u := edge()
		recs[i] = flatRec{U: u, I: int8(u), B: u%2 == 0, N: int(edge()), S: uint16(edge())}
		ints[i] = int(edge())
		i16s[i] = int16(edge())
	}
	checkFlatEncode(t, c, recs)
	checkFlatEncode(t, c, ints)
	checkFlatEncode(t, c, i16s)
	checkFlatEncode(t, c, []bool{true, false})
	checkFlatEncode(t, c, []uint32{0, 23, 24, 255, 256, math.MaxUint32}) // (bytes are the exception: see AppendBatch)
}

func checkFlatEncode[T any](t *testing.T, c *Codec, items []T) {
	t.Helper()
	got, err := AppendBatch(c, nil, items)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := c.enc.MarshalToBuffer(items, &want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("AppendBatch(%v) = %x; the library encodes %x", items, got, want.Bytes())
	}
}

func checkFlat[T any](t *testing.T, c *Codec, payload []byte) {
	prefix := make([]T, 1, 4)
	fast, ferr := decodeBatch(c, payload, prefix, true)
	slow, serr := decodeBatch(c, payload, prefix, false)
	if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
		t.Fatalf("decodeBatch[%T](%x): flat plan: %v; library: %v", fast, payload, ferr, serr)
	}
	if diff := cmp.Diff(slow, fast, cmp.AllowUnexported(flatRec{})); diff != "" {
		t.Fatalf("decodeBatch[%T](%x): flat plan and library differ (-library +flat):\n%s", fast, payload, diff)
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
