// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/transport"
)

// ErrMessageTooLarge is matched by the error MessageReader.Next returns
// when a message is longer than the reader's limit. The rest of the stream
// cannot be trusted: the port closes such a client, and a client should
// close such a connection.
var ErrMessageTooLarge = errors.New("deploy: message too large")

// MessageReader reads the messages of one connection to an external port,
// delimited as compile.Framing says. Ports use it to read their clients, and
// clients (deploy.Dial) to read their ports.
type MessageReader struct {
	br      *bufio.Reader
	framing compile.Framing
	split   compile.Split // for FrameSplit
	max     int
	hdr     [4]byte
	// buf is the reused message buffer. It grows for a large message and
	// is let go once the next is asked for, if larger than keepBuf, so
	// that an idle connection does not keep its largest message's memory.
	buf []byte
}

// messageReadBuf is the read buffer of a MessageReader.
const messageReadBuf = 16 << 10

// NewMessageReader returns a reader of the messages on r, refusing those
// longer than max bytes (delimiters excluded). It buffers r.
func NewMessageReader(r io.Reader, f compile.Framing, max int) *MessageReader {
	return &MessageReader{br: bufio.NewReaderSize(r, messageReadBuf), framing: f, max: max}
}

// WithSplit sets the function that finds where each message ends, which a
// FrameSplit stream needs, and returns r.
func (r *MessageReader) WithSplit(s compile.Split) *MessageReader {
	r.split = s
	return r
}

// Next reads the next message.
//
// NB: the message aliases the reader's buffers and is valid only until the
// next call; copy it to keep it.
//
// Next returns io.EOF, unwrapped, when the stream ends between messages.
// A stream of lines may end without a final newline: the partial line is a
// message. A length-prefixed stream that ends inside a message gives an
// error matching io.ErrUnexpectedEOF. A message longer than the limit gives
// an error matching ErrMessageTooLarge, before the reader allocates for
// it. After any error other than io.EOF, stop reading.
func (r *MessageReader) Next() ([]byte, error) {
	if cap(r.buf) > keepBuf {
		r.buf = nil
	}
	switch r.framing {
	case compile.FrameLines:
		return r.line()
	case compile.FrameSplit:
		return r.self()
	}
	return r.prefixed()
}

// Buffered returns how many bytes of the stream the reader holds that no
// message returned yet has taken.
func (r *MessageReader) Buffered() int { return r.br.Buffered() }

// self reads a message that delimits itself, asking the split function
// where it ends each time more bytes arrive. A stream that ends inside a
// message gives an error matching io.ErrUnexpectedEOF, and bytes the split
// function refuses, its error.
func (r *MessageReader) self() ([]byte, error) {
	if r.split == nil {
		return nil, errors.New("deploy: a self-delimited stream needs a split function")
	}
	r.buf = r.buf[:0]
	for {
		_, err := r.br.Peek(1)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("deploy: reading a message: %w", err)
		}
		atEOF := err == io.EOF
		avail, _ := r.br.Peek(r.br.Buffered())
		data, held := avail, len(r.buf)
		if held > 0 {
			r.buf = append(r.buf, avail...)
			data = r.buf
		}
		n, err := r.split(data, atEOF)
		switch {
		case err != nil:
			return nil, fmt.Errorf("deploy: reading a message: %w", err)
		case n > len(data) || n > 0 && n <= held:
			// held bytes were no whole message when split last saw them
			return nil, fmt.Errorf("deploy: reading a message: split claimed %d bytes of %d, %d of them already refused", n, len(data), held)
		case n > r.max:
			return nil, r.tooLarge("message of %d bytes is longer than %d", n, r.max)
		case n > 0:
			// NB: the message may alias br's buffer (held == 0): valid
			// until the next read, as Next promises.
			_, _ = r.br.Discard(n - held)
			return data[:n], nil
		case atEOF && len(data) == 0:
			return nil, io.EOF
		case atEOF:
			return nil, fmt.Errorf("deploy: stream ended inside a message of %d bytes so far: %w", len(data), io.ErrUnexpectedEOF)
		}
		if held == 0 {
			r.buf = append(r.buf, avail...)
		}
		_, _ = r.br.Discard(len(avail))
		if len(r.buf) > r.max {
			return nil, r.tooLarge("message longer than %d bytes", r.max)
		}
	}
}

func (r *MessageReader) line() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		// NB: not ReadSlice, which waits for a full buffer before giving
		// up on a delimiter: a line over the limit is refused as soon as
		// the bytes that make it so arrive.
		if _, err := r.br.Peek(1); err != nil {
			switch {
			case err == io.EOF && len(r.buf) == 0:
				return nil, io.EOF
			case err == io.EOF:
				return r.checkLine(r.buf) // a last line without its newline
			}
			return nil, fmt.Errorf("deploy: reading a line: %w", err)
		}
		avail, _ := r.br.Peek(r.br.Buffered())
		if i := bytes.IndexByte(avail, '\n'); i >= 0 {
			line := avail[:i] // valid until the next read from br
			if len(r.buf) > 0 {
				r.buf = append(r.buf, line...)
				line = r.buf
			}
			_, _ = r.br.Discard(i + 1)
			return r.checkLine(bytes.TrimSuffix(line, []byte("\r")))
		}
		r.buf = append(r.buf, avail...)
		_, _ = r.br.Discard(len(avail))
		if len(r.buf) > r.max+1 { // room for a "\r" before the "\n"
			return nil, r.tooLarge("line longer than %d bytes", r.max)
		}
	}
}

func (r *MessageReader) checkLine(line []byte) ([]byte, error) {
	if len(line) > r.max {
		return nil, r.tooLarge("line of %d bytes is longer than %d", len(line), r.max)
	}
	return line, nil
}

func (r *MessageReader) prefixed() ([]byte, error) {
	if _, err := io.ReadFull(r.br, r.hdr[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("deploy: reading a message length: %w", err)
	}
	n := binary.BigEndian.Uint32(r.hdr[:])
	if uint64(n) > uint64(r.max) {
		return nil, r.tooLarge("message of %d bytes is longer than %d", n, r.max)
	}
	b, err := transport.ReadGrowing(r.br, r.buf[:0], int(n))
	r.buf = b
	if err != nil {
		return nil, fmt.Errorf("deploy: message truncated after %d of %d bytes: %w", len(b), n, err)
	}
	return b, nil
}

func (r *MessageReader) tooLarge(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMessageTooLarge, fmt.Sprintf(format, args...))
}

// AppendMessage appends msg to dst delimited as f says, and returns the
// extended slice. A line must not contain "\n": the codec refuses such a
// value before it gets here. A self-delimited message is appended as it is.
func AppendMessage(dst []byte, f compile.Framing, msg []byte) []byte {
	switch f {
	case compile.FrameLines:
		return append(append(dst, msg...), '\n')
	case compile.FrameSplit:
		return append(dst, msg...)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(msg)))
	return append(dst, msg...)
}
