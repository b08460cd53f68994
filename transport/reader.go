// SPDX-License-Identifier: Apache-2.0

package transport

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Reader reads frames from a byte stream, such as one TCP connection.
type Reader struct {
	br     *bufio.Reader
	limits Limits
	hdr    [headerLen]byte
	buf    []byte // reused frame body; grows to the largest frame read
}

// readerBufSize is the bufio buffer of a Reader: a few frames of the usual
// size per read system call.
const readerBufSize = 64 << 10

// growChunk is the first allocation for a frame that does not fit the
// current buffer. A frame larger than that is read in doubling chunks, so
// a peer that claims a large frame and sends little makes the Reader
// allocate about what it sent, not what it claimed.
const growChunk = 64 << 10

// NewReader returns a Reader of the frames in r, refusing frames above
// l.MaxFrameBytes. It buffers r: read nothing else from r afterwards. Its
// frame buffer grows to the largest frame read and is kept for reuse.
//
// NewReader panics if l is not valid (see Limits.Validate): limits are
// configuration, checked once where they are made.
func NewReader(r io.Reader, l Limits) *Reader {
	l.mustValidate()
	return &Reader{br: bufio.NewReaderSize(r, readerBufSize), limits: l}
}

// Next reads the next frame.
//
// NB: the returned Payload aliases the Reader's buffer. It is valid only
// until the next call to Next; copy it to keep it.
//
// Next returns io.EOF, unwrapped, when the stream ends cleanly between
// frames, and an error matching io.ErrUnexpectedEOF when it ends inside a
// frame. A length above MaxFrameBytes gives a *FrameError matching
// ErrFrameTooLarge, reported before anything is allocated; a header that
// does not parse gives a *FrameError matching ErrMalformed. After such an
// error the stream is out of step: stop reading it and close it. Other
// errors are the underlying reader's, wrapped.
func (r *Reader) Next() (Frame, error) {
	if _, err := io.ReadFull(r.br, r.hdr[:]); err != nil {
		if err == io.EOF {
			return Frame{}, io.EOF
		}
		return Frame{}, fmt.Errorf("transport: reading frame length: %w", err)
	}
	n := binary.BigEndian.Uint32(r.hdr[:])
	if total := uint64(n) + headerLen; total > uint64(r.limits.MaxFrameBytes) {
		return Frame{}, &FrameError{
			Reason: fmt.Sprintf("frame length %d exceeds MaxFrameBytes %d", total, r.limits.MaxFrameBytes),
			kind:   ErrFrameTooLarge,
		}
	}
	if n < 2 {
		return Frame{}, malformed(fmt.Sprintf("frame length %d is too short for a channel and a sender", n))
	}
	body, err := r.readBody(int(n))
	if err != nil {
		return Frame{}, err
	}
	ch, k1, err := parseID(body, "channel")
	if err != nil {
		return Frame{}, err
	}
	sender, k2, err := parseID(body[k1:], "sender")
	if err != nil {
		return Frame{}, err
	}
	return Frame{Channel: ch, Sender: sender, Payload: body[k1+k2:]}, nil
}

// Buffered reports whether the next frame is already buffered, whole and
// well-formed (within MaxFrameBytes, with a channel and a sender that
// parse), so that Next returns it without reading the stream and without
// an error. A shell uses it to deliver the frames that arrived together
// before acting on them: true promises that another frame follows at once,
// and a frame that turns out malformed would break that promise.
func (r *Reader) Buffered() bool {
	have := r.br.Buffered()
	if have < headerLen {
		return false
	}
	b, _ := r.br.Peek(have) // cannot block: have bytes are buffered
	n := binary.BigEndian.Uint32(b)
	total := uint64(n) + headerLen
	if n < 2 || total > uint64(have) || total > uint64(r.limits.MaxFrameBytes) {
		return false
	}
	body := b[headerLen:total]
	_, k, err := parseID(body, "channel")
	if err != nil {
		return false
	}
	_, _, err = parseID(body[k:], "sender")
	return err == nil
}

// readBody reads n bytes into the reused buffer.
func (r *Reader) readBody(n int) ([]byte, error) {
	b, err := ReadGrowing(r.br, r.buf[:0], n)
	r.buf = b
	if err != nil {
		return nil, fmt.Errorf("transport: frame truncated after %d of %d bytes: %w", len(b), n, err)
	}
	return b, nil
}

// ReadGrowing reads n bytes from r into buf's storage (from buf's length
// on), growing it as bytes arrive rather than all at once, so that a peer
// that announces a large message and sends little costs little. It returns
// the extended slice; after a short read it holds what arrived, and the
// error is io.ErrUnexpectedEOF or the read's own.
func ReadGrowing(r io.Reader, buf []byte, n int) ([]byte, error) {
	b := buf
	for len(b) < n {
		want := n
		if want > cap(b) {
			want = min(n, max(2*cap(b), growChunk))
			nb := make([]byte, len(b), want)
			copy(nb, b)
			b = nb
		}
		m, err := io.ReadFull(r, b[len(b):want])
		b = b[:len(b)+m]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
	}
	return b, nil
}

// parseID parses a shortest-form uvarint that fits in a uint32.
func parseID(b []byte, what string) (uint32, int, error) {
	v, k := binary.Uvarint(b)
	switch {
	case k == 0:
		return 0, 0, malformed(what + " id is truncated")
	case k < 0 || v > math.MaxUint32:
		return 0, 0, malformed(what + " id overflows 32 bits")
	case k > 1 && b[k-1] == 0:
		return 0, 0, malformed(what + " id is not in shortest form")
	}
	return uint32(v), k, nil
}
