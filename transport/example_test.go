// SPDX-License-Identifier: Apache-2.0

package transport_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/hydro-go/hydro/transport"
)

type vote struct {
	_      struct{} `cbor:",toarray"`
	Ballot uint64
	Value  string
}

func Example() {
	codec, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		panic(err)
	}

	// Sender: one batch per channel, all frames in one buffer.
	payload, _ := transport.AppendBatch(codec, nil, []vote{{Ballot: 1, Value: "x"}, {Ballot: 2, Value: "y"}})
	var wire []byte
	wire = transport.AppendFrame(wire, transport.Frame{Channel: 4, Sender: 2, Payload: payload})

	// Receiver.
	r := transport.NewReader(bytes.NewReader(wire), transport.DefaultLimits)
	f, _ := r.Next()
	votes, _ := transport.DecodeBatch[vote](codec, f.Payload, nil)
	fmt.Printf("channel %d from member %d: %+v\n", f.Channel, f.Sender, votes)
	// Output: channel 4 from member 2: [{_:{} Ballot:1 Value:x} {_:{} Ballot:2 Value:y}]
}

func ExampleDecodeBatch_hostile() {
	codec, _ := transport.NewCodec(transport.DefaultLimits)
	for _, payload := range [][]byte{
		{0x9a, 0xff, 0xff, 0xff, 0xff},                      // claims 2^32-1 elements
		append(bytes.Repeat([]byte{0x81}, 1_000_000), 0x00), // a million nested arrays
	} {
		_, err := transport.DecodeBatch[string](codec, payload, nil)
		fmt.Println(errors.Is(err, transport.ErrMalformed), err)
	}
	// Output:
	// true transport: payload array claims 4294967295 elements; MaxElements is 1048576
	// true transport: decoding batch of 1 into []string: cbor: exceeded max nested level 32
}

func ExampleReader_Next() {
	r := transport.NewReader(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}), transport.DefaultLimits)
	_, err := r.Next()
	fmt.Println(errors.Is(err, transport.ErrFrameTooLarge), err)
	// Output: true transport: frame length 4294967299 exceeds MaxFrameBytes 16777216
}
