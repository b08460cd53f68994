// SPDX-License-Identifier: Apache-2.0

package resp

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hydro-go/hydro"
)

// Limits on what a peer may announce, checked before anything is
// allocated for it.
const (
	// MaxArgs bounds the elements of a command's array, as in Redis.
	MaxArgs = 1 << 20
	// MaxBulk bounds the length a bulk string may announce, as in Redis;
	// the codec's message limit, far lower by default, bounds it too.
	MaxBulk = 512 << 20
	// MaxInline bounds an inline command's line, and any header line.
	MaxInline = 64 << 10
	// MaxDepth bounds how deep a reply's arrays nest.
	MaxDepth = 32
)

// ErrProtocol is matched by every error about bytes that break RESP2.
var ErrProtocol = errors.New("resp: protocol error")

func protoErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// Requests is the codec of commands, from clients to a port: arrays of
// bulk strings and inline commands. It encodes commands as arrays of bulk
// strings, as clients send them.
var Requests = hydro.NewCodec("resp requests", SplitCommand, AppendCommand, ParseCommand)

// Replies is the codec of replies, from a port to its clients.
var Replies = hydro.NewCodec("resp replies", SplitValue, AppendValue, ParseValue)

// SplitCommand finds where the first command in data ends, as a
// hydro.SplitFunc: its length (blank lines before it included), 0 while
// data holds only its start, or an error matching ErrProtocol.
func SplitCommand(data []byte, atEOF bool) (int, error) {
	i := skipBlank(data)
	if i == len(data) {
		return 0, nil
	}
	if data[i] != '*' {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			if len(data)-i > MaxInline {
				return 0, protoErr("inline command longer than %d bytes", MaxInline)
			}
			return 0, nil
		}
		if j > MaxInline {
			return 0, protoErr("inline command of %d bytes is longer than %d", j, MaxInline)
		}
		return i + j + 1, nil
	}
	count, n, err := header(data[i:], '*')
	if n == 0 || err != nil {
		return 0, err
	}
	if count < 1 || count > MaxArgs {
		return 0, protoErr("command of %d arguments (allowed: 1 to %d)", count, MaxArgs)
	}
	at := i + n
	for range count {
		if at == len(data) {
			return 0, nil
		}
		if data[at] != '$' {
			return 0, protoErr("expected '$' for a bulk string, got %q", data[at])
		}
		m, err := bulk(data[at:])
		if m == 0 || err != nil {
			return 0, err
		}
		at += m
	}
	return at, nil
}

// skipBlank returns how many bytes of spaces, tabs and line ends start
// data.
func skipBlank(data []byte) int {
	i := 0
	for i < len(data) && (data[i] == '\r' || data[i] == '\n' || data[i] == ' ' || data[i] == '\t') {
		i++
	}
	return i
}

// header reads a line "<c><integer>\r\n" at the start of data and returns
// the integer and the line's length, or n == 0 while the line is
// incomplete.
func header(data []byte, c byte) (v int64, n int, err error) {
	line, n, err := readLine(data)
	if n == 0 || err != nil {
		return 0, 0, err
	}
	if len(line) == 0 || line[0] != c {
		return 0, 0, protoErr("expected %q", c)
	}
	v, err = parseInt(line[1:])
	return v, n, err
}

// readLine returns the line at the start of data without its "\r\n", and
// its length with it; n == 0 while it is incomplete.
func readLine(data []byte) (line []byte, n int, err error) {
	j := bytes.IndexByte(data, '\n')
	if j < 0 {
		if len(data) > MaxInline {
			return nil, 0, protoErr("line longer than %d bytes", MaxInline)
		}
		return nil, 0, nil
	}
	if j == 0 || data[j-1] != '\r' || bytes.IndexByte(data[:j-1], '\r') >= 0 {
		return nil, 0, protoErr("line not ended by \\r\\n, or with a \\r inside")
	}
	return data[:j-1], j + 1, nil
}

// parseInt parses a decimal integer as RESP writes one: an optional '-'
// and 1 to 19 digits, with no leading zero and no "-0", so that every
// integer has one spelling.
func parseInt(b []byte) (int64, error) {
	digits := b
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 || digits[0] == '0' && (len(digits) > 1 || len(b) > 1) {
		return 0, protoErr("bad integer %.24q", b)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, protoErr("bad integer %.24q", b)
		}
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, protoErr("bad integer %.24q", b)
	}
	return v, nil
}

// bulk returns the length of the bulk string at the start of data (which
// starts with '$'), 0 while it is incomplete.
func bulk(data []byte) (int, error) {
	size, n, err := header(data, '$')
	if n == 0 || err != nil {
		return 0, err
	}
	if size < 0 || size > MaxBulk {
		return 0, protoErr("bulk string of %d bytes (allowed: 0 to %d)", size, MaxBulk)
	}
	end := n + int(size) + 2
	if len(data) < end {
		return 0, nil
	}
	if data[end-2] != '\r' || data[end-1] != '\n' {
		return 0, protoErr("bulk string not ended by \\r\\n")
	}
	return end, nil
}

// ParseCommand decodes one whole command, as SplitCommand found it.
func ParseCommand(msg []byte) (Command, error) {
	n, err := SplitCommand(msg, true)
	if err != nil {
		return Command{}, err
	}
	if n == 0 || n != len(msg) {
		return Command{}, protoErr("a command of %d bytes in a message of %d", n, len(msg))
	}
	msg = msg[skipBlank(msg):]
	if msg[0] != '*' {
		words := strings.Fields(string(msg))
		if len(words) == 0 {
			return Command{}, protoErr("empty inline command")
		}
		return Command{Args: words}, nil
	}
	count, at, _ := header(msg, '*')
	args := make([]string, 0, count) // NB: msg holds ≥ 4 bytes per argument
	for range count {
		size, n, _ := header(msg[at:], '$')
		at += n
		args = append(args, string(msg[at:at+int(size)]))
		at += int(size) + 2
	}
	return Command{Args: args}, nil
}

// AppendCommand appends c as an array of bulk strings.
func AppendCommand(dst []byte, c Command) ([]byte, error) {
	if len(c.Args) == 0 {
		return dst, errors.New("resp: a command needs a name")
	}
	dst = appendHeader(dst, '*', int64(len(c.Args)))
	for _, a := range c.Args {
		dst = appendHeader(dst, '$', int64(len(a)))
		dst = append(append(dst, a...), '\r', '\n')
	}
	return dst, nil
}

func appendHeader(dst []byte, c byte, n int64) []byte {
	dst = append(dst, c)
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, '\r', '\n')
}

// AppendValue appends v's encoding. A simple string's or an error's "\r"
// and "\n" become spaces, so that a reply built from a client's input
// cannot break the stream.
func AppendValue(dst []byte, v Value) ([]byte, error) {
	return appendValue(dst, v, 0)
}

func appendValue(dst []byte, v Value, depth int) ([]byte, error) {
	switch v.Kind {
	case SimpleKind, ErrorKind:
		c := byte('+')
		if v.Kind == ErrorKind {
			c = '-'
		}
		dst = append(dst, c)
		for i := 0; i < len(v.Str); i++ {
			b := v.Str[i]
			if b == '\r' || b == '\n' {
				b = ' '
			}
			dst = append(dst, b)
		}
		return append(dst, '\r', '\n'), nil
	case IntKind:
		return appendHeader(dst, ':', v.Int), nil
	case BulkKind:
		dst = appendHeader(dst, '$', int64(len(v.Str)))
		return append(append(dst, v.Str...), '\r', '\n'), nil
	case NullKind:
		return append(dst, "$-1\r\n"...), nil
	case NullArrayKind:
		return append(dst, "*-1\r\n"...), nil
	case ArrayKind:
		if depth >= MaxDepth {
			return dst, fmt.Errorf("resp: arrays nested deeper than %d", MaxDepth)
		}
		dst = appendHeader(dst, '*', int64(len(v.Array)))
		for _, e := range v.Array {
			var err error
			if dst, err = appendValue(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, fmt.Errorf("resp: cannot encode a value of %v", v.Kind)
}

// SplitValue finds where the first reply in data ends, as a
// hydro.SplitFunc.
func SplitValue(data []byte, atEOF bool) (int, error) {
	return scanValue(data, 0)
}

func scanValue(data []byte, depth int) (int, error) {
	if len(data) == 0 {
		return 0, nil
	}
	switch data[0] {
	case '+', '-':
		_, n, err := readLine(data)
		return n, err
	case ':':
		_, n, err := header(data, ':')
		return n, err
	case '$':
		size, n, err := header(data, '$')
		if n == 0 || err != nil || size == -1 {
			return n, err
		}
		return bulk(data)
	case '*':
		count, n, err := header(data, '*')
		if n == 0 || err != nil || count == -1 {
			return n, err
		}
		if count < 0 || count > MaxArgs {
			return 0, protoErr("array of %d elements (allowed: -1 to %d)", count, MaxArgs)
		}
		if depth >= MaxDepth {
			return 0, protoErr("arrays nested deeper than %d", MaxDepth)
		}
		at := n
		for range count {
			m, err := scanValue(data[at:], depth+1)
			if m == 0 || err != nil {
				return 0, err
			}
			at += m
		}
		return at, nil
	}
	return 0, protoErr("unknown type byte %q", data[0])
}

// ParseValue decodes one whole reply, as SplitValue found it.
func ParseValue(msg []byte) (Value, error) {
	n, err := SplitValue(msg, true)
	if err != nil {
		return Value{}, err
	}
	if n == 0 || n != len(msg) {
		return Value{}, protoErr("a reply of %d bytes in a message of %d", n, len(msg))
	}
	v, _ := parseValue(msg)
	return v, nil
}

// parseValue decodes the value at the start of msg, which scanValue
// accepted, and returns it with its length.
func parseValue(msg []byte) (Value, int) {
	switch msg[0] {
	case '+', '-':
		line, n, _ := readLine(msg)
		if msg[0] == '+' {
			return Simple(string(line[1:])), n
		}
		return Value{Kind: ErrorKind, Str: string(line[1:])}, n
	case ':':
		v, n, _ := header(msg, ':')
		return Int(v), n
	case '$':
		size, n, _ := header(msg, '$')
		if size == -1 {
			return Null(), n
		}
		return Bulk(string(msg[n : n+int(size)])), n + int(size) + 2
	}
	count, at, _ := header(msg, '*')
	if count == -1 {
		return NullArray(), at
	}
	vs := make([]Value, 0, count) // NB: msg holds ≥ 3 bytes per element
	for range count {
		v, n := parseValue(msg[at:])
		vs = append(vs, v)
		at += n
	}
	return Array(vs...), at
}
