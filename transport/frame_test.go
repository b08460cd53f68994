// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

func TestAppendFrame(t *testing.T) {
	tests := []struct {
		f    Frame
		want string // hex
	}{
		{Frame{}, "00000002" + "00" + "00"},
		{Frame{Channel: 1, Sender: 2, Payload: []byte{0x80}}, "00000003" + "01" + "02" + "80"},
		{Frame{Channel: 300, Sender: 0, Payload: []byte{0x81, 0x01}}, "00000005" + "ac02" + "00" + "8101"},
		{Frame{Channel: math.MaxUint32, Sender: math.MaxUint32}, "0000000a" + "ffffffff0f" + "ffffffff0f"},
	}
	for _, tt := range tests {
		got := hex.EncodeToString(AppendFrame(nil, tt.f))
		if got != tt.want {
			t.Errorf("AppendFrame(%+v) = %s; want %s", tt.f, got, tt.want)
		}
		if n := EncodedLen(tt.f); n != len(tt.want)/2 {
			t.Errorf("EncodedLen(%+v) = %d; want %d", tt.f, n, len(tt.want)/2)
		}
	}
}

func TestFrameRoundTrip(t *testing.T) {
	frames := []Frame{
		{Channel: 0, Sender: 0, Payload: []byte{0x80}},
		{Channel: 7, Sender: 3, Payload: []byte{0x82, 0x01, 0x02}},
		{Channel: 1 << 20, Sender: 127, Payload: nil},
		{Channel: math.MaxUint32, Sender: 128, Payload: bytes.Repeat([]byte{0xab}, 200<<10)}, // larger than growChunk
		{Channel: 2, Sender: 1, Payload: []byte("small after large")},
	}
	var wire []byte
	for _, f := range frames {
		wire = AppendFrame(wire, f)
	}
	r := NewReader(bytes.NewReader(wire), DefaultLimits)
	for i, want := range frames {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("Next() #%d: %v", i, err)
		}
		if got.Channel != want.Channel || got.Sender != want.Sender || !bytes.Equal(got.Payload, want.Payload) {
			t.Errorf("Next() #%d = {%d %d %d bytes}; want {%d %d %d bytes}", i,
				got.Channel, got.Sender, len(got.Payload), want.Channel, want.Sender, len(want.Payload))
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next() at end = %v; want io.EOF", err)
	}
}

// TestReaderHostile feeds the Reader streams a broken or hostile peer could
// send and checks each error says what is wrong.
func TestReaderHostile(t *testing.T) {
	l := DefaultLimits
	l.MaxFrameBytes = 1 << 10
	tests := []struct {
		name    string
		wire    string // hex
		is      error
		message string
	}{
		{"length 2^32-1", "ffffffff", ErrFrameTooLarge, "frame length 4294967299 exceeds MaxFrameBytes 1024"},
		{"length just above limit", "000003fd", ErrFrameTooLarge, "frame length 1025 exceeds MaxFrameBytes 1024"},
		{"length 0", "00000000", ErrMalformed, "frame length 0 is too short"},
		{"length 1", "0000000100", ErrMalformed, "frame length 1 is too short"},
		{"channel truncated", "00000002" + "8080", ErrMalformed, "channel id is truncated"},
		{"channel overflows 32 bits", "00000006" + "8080808010" + "00", ErrMalformed, "channel id overflows 32 bits"},
		{"channel overflows 64 bits", "0000000c" + "ffffffffffffffffffff01" + "00", ErrMalformed, "channel id overflows 32 bits"},
		{"channel not shortest", "00000003" + "8000" + "00", ErrMalformed, "channel id is not in shortest form"},
		{"sender truncated", "00000002" + "01" + "80", ErrMalformed, "sender id is truncated"},
		{"sender overflows", "00000006" + "00" + "ffffffff1f", ErrMalformed, "sender id overflows 32 bits"},
		{"header truncated", "0000", io.ErrUnexpectedEOF, "reading frame length"},
		{"body truncated", "00000010" + "0102", io.ErrUnexpectedEOF, "frame truncated after 2 of 16 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire, err := hex.DecodeString(tt.wire)
			if err != nil {
				t.Fatal(err)
			}
			_, err = NewReader(bytes.NewReader(wire), l).Next()
			if !errors.Is(err, tt.is) {
				t.Fatalf("Next() = %v; want an error matching %v", err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), "transport: ") || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Next() = %q; want it to start with \"transport: \" and contain %q", err, tt.message)
			}
			var fe *FrameError
			if (tt.is == ErrFrameTooLarge || tt.is == ErrMalformed) && !errors.As(err, &fe) {
				t.Errorf("Next() = %T; want a *FrameError", err)
			}
		})
	}
}

// TestReaderAllocatesWhatArrives: a peer claiming a near-limit frame and
// sending a few bytes costs about a growth chunk, not the claimed size.
func TestReaderAllocatesWhatArrives(t *testing.T) {
	wire := []byte{0x00, 0xff, 0xff, 0xf0, 0x01, 0x02, 0x03} // claims ~16 MiB
	allocated := bytesAllocated(func() {
		_, err := NewReader(bytes.NewReader(wire), DefaultLimits).Next()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Next() = %v; want io.ErrUnexpectedEOF", err)
		}
	})
	if limit := uint64(readerBufSize + growChunk + 16<<10); allocated > limit {
		t.Errorf("Next() on a truncated 16 MiB frame allocated %d bytes; want at most %d", allocated, limit)
	}
	huge := []byte{0xff, 0xff, 0xff, 0xff}
	allocated = bytesAllocated(func() {
		_, err := NewReader(bytes.NewReader(huge), DefaultLimits).Next()
		if !errors.Is(err, ErrFrameTooLarge) {
			t.Errorf("Next() = %v; want ErrFrameTooLarge", err)
		}
	})
	if limit := uint64(readerBufSize + 16<<10); allocated > limit {
		t.Errorf("Next() on a 4 GiB length allocated %d bytes; want at most %d", allocated, limit)
	}
}

func TestReaderReusesBuffer(t *testing.T) {
	var wire []byte
	for i := range 100 {
		wire = AppendFrame(wire, Frame{Channel: uint32(i), Payload: bytes.Repeat([]byte{byte(i)}, 100)})
	}
	r := NewReader(bytes.NewReader(wire), DefaultLimits)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Next() allocated %v times per frame; want 0", allocs)
	}
}

// chunks is a reader that returns one chunk per Read.
type chunks [][]byte

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	if (*c)[0] = (*c)[0][n:]; len((*c)[0]) == 0 {
		*c = (*c)[1:]
	}
	return n, nil
}

func TestReaderBuffered(t *testing.T) {
	a := AppendFrame(nil, Frame{Channel: 1, Payload: []byte("first")})
	b := AppendFrame(nil, Frame{Channel: 2, Payload: []byte("second")})
	c := AppendFrame(nil, Frame{Channel: 3, Payload: []byte("third")})
	// One read brings a, b and the first bytes of c; the next the rest of c.
	first := append(append(append([]byte{}, a...), b...), c[:5]...)
	src := chunks{first, c[5:]}
	r := NewReader(&src, DefaultLimits)
	if r.Buffered() {
		t.Errorf("Buffered() before reading = true; want false")
	}
	want := []struct {
		channel  uint32
		buffered bool // after it: is the next frame whole in the buffer?
	}{{1, true}, {2, false}, {3, false}}
	for _, w := range want {
		f, err := r.Next()
		if err != nil || f.Channel != w.channel {
			t.Fatalf("Next() = channel %d, %v; want channel %d", f.Channel, err, w.channel)
		}
		if got := r.Buffered(); got != w.buffered {
			t.Errorf("Buffered() after channel %d = %v; want %v", w.channel, got, w.buffered)
		}
	}

	// A whole next frame counts only if Next will return it: Buffered is a
	// promise that another frame follows, and one that fails breaks it.
	l := DefaultLimits
	l.MaxFrameBytes = 64
	tests := []struct {
		name string
		next string // hex, after a valid frame, all in one read
		want bool
	}{
		{"valid", "00000003" + "01" + "02" + "80", true},
		{"valid, no payload", "00000002" + "00" + "00", true},
		{"partial", "00000003" + "01" + "02", false},
		{"length 0", "00000000", false},
		{"length 1", "0000000100", false},
		{"above MaxFrameBytes", "0000003d" + "01" + "02" + strings.Repeat("80", 59), false},
		{"channel truncated", "00000002" + "8080", false},
		{"channel not shortest", "00000003" + "8000" + "00", false},
		{"channel overflows", "00000006" + "8080808010" + "00", false},
		{"sender truncated", "00000002" + "01" + "80", false},
		{"sender overflows", "00000006" + "00" + "ffffffff1f", false},
	}
	for _, tt := range tests {
		next, err := hex.DecodeString(tt.next)
		if err != nil {
			t.Fatal(err)
		}
		src := chunks{append(AppendFrame(nil, Frame{Channel: 1}), next...)}
		r := NewReader(&src, l)
		if _, err := r.Next(); err != nil {
			t.Fatalf("%s: Next() = %v", tt.name, err)
		}
		if got := r.Buffered(); got != tt.want {
			t.Errorf("%s: Buffered() = %v; want %v", tt.name, got, tt.want)
		}
		if _, err := r.Next(); tt.want && err != nil {
			t.Errorf("%s: Next() after Buffered() = true: %v", tt.name, err)
		}
	}
}

func TestLimitsValidate(t *testing.T) {
	ok := DefaultLimits
	if err := ok.Validate(); err != nil {
		t.Errorf("DefaultLimits.Validate() = %v; want nil", err)
	}
	tests := []struct {
		name string
		edit func(*Limits)
		want string
	}{
		{"zero", func(l *Limits) { *l = Limits{} }, "MaxFrameBytes = 0"},
		{"small frame", func(l *Limits) { l.MaxFrameBytes = MinFrameBytes - 1 }, "MaxFrameBytes = 15"},
		{"huge frame", func(l *Limits) { l.MaxFrameBytes = math.MaxInt32 + 1 }, "MaxFrameBytes = 2147483648"},
		{"nesting", func(l *Limits) { l.MaxNesting = 3 }, "MaxNesting = 3"},
		{"nesting high", func(l *Limits) { l.MaxNesting = 1 << 16 }, "MaxNesting = 65536"},
		{"elements", func(l *Limits) { l.MaxElements = 15 }, "MaxElements = 15"},
	}
	for _, tt := range tests {
		l := DefaultLimits
		tt.edit(&l)
		err := l.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "transport: ") {
			t.Errorf("%s: Validate() = %v; want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckFrame(t *testing.T) {
	l := DefaultLimits
	l.MaxFrameBytes = 64
	fits := Frame{Channel: 1, Payload: make([]byte, 64-6)}
	if err := l.CheckFrame(fits); err != nil {
		t.Errorf("CheckFrame(%d-byte frame) = %v; want nil", EncodedLen(fits), err)
	}
	over := Frame{Channel: 1, Payload: make([]byte, 64-5)}
	if err := l.CheckFrame(over); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("CheckFrame(%d-byte frame) = %v; want ErrFrameTooLarge", EncodedLen(over), err)
	}
}
