// SPDX-License-Identifier: Apache-2.0

// Package transport is the wire format of Hydro's networking edges: frames,
// the batches of values they carry, and the limits that keep a hostile or
// broken peer from making a node allocate without bound. The links that
// move frames live in subpackages: transport/tcp between processes and
// transport/mem, its deterministic in-memory twin, for tests and the
// simulator.
//
// # Usage
//
// A sender encodes the values one channel produced in a tick as one batch
// and wraps it in a frame; all frames for one peer go out in one write:
//
//	codec, err := transport.NewCodec(transport.DefaultLimits)
//	payload, err := transport.AppendBatch(codec, nil, values)
//	f := transport.Frame{Channel: 3, Sender: memberIndex, Payload: payload}
//	if err := transport.DefaultLimits.CheckFrame(f); err != nil { ... }
//	buf = transport.AppendFrame(buf[:0], f)
//
// A receiver reads frames off a stream and decodes each payload into the
// channel's element type:
//
//	r := transport.NewReader(conn, transport.DefaultLimits)
//	for {
//		f, err := r.Next() // f.Payload is valid until the next call
//		if err != nil { ... } // io.EOF, or close the stream
//		values, err = transport.DecodeBatch(codec, f.Payload, values[:0])
//	}
//
// Errors that a peer can cause are *FrameError values matching
// ErrFrameTooLarge or ErrMalformed; a link that reads one closes the
// connection it came on. Every error message starts with "transport:".
//
// # Limits
//
// Limits.MaxFrameBytes is checked on the 4-byte length before a frame is
// allocated, and a frame body grows as bytes arrive, so a peer claiming a
// large frame and sending little costs about what it sent. MaxNesting and
// MaxElements are checked by the CBOR decoder's well-formedness pass before
// it allocates values; DecodeBatch also refuses an array that claims more
// elements than its payload has bytes. A 5-byte head claiming 2^32
// elements, or a million nested arrays, is an error in microseconds.
//
// # Determinism
//
// Encoding is deterministic (CBOR core deterministic encoding: sorted map
// keys, shortest forms), so equal batches give equal bytes, which the
// simulator relies on to replay a run. Nothing here reads a clock, a random
// source or the network.
//
// # Concurrency
//
// A Codec is safe for concurrent use. A Reader belongs to one goroutine.
// Nothing in this package starts a goroutine.
package transport
