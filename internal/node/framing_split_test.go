// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hydro-go/hydro/internal/compile"
)

// semicolons is a split function for tests: each message ends with ';',
// and '!' is refused.
func semicolons(data []byte, _ bool) (int, error) {
	if i := bytes.IndexAny(data, ";!"); i >= 0 {
		if data[i] == '!' {
			return 0, errors.New("a '!'")
		}
		return i + 1, nil
	}
	return 0, nil
}

func TestMessageReaderSplit(t *testing.T) {
	errRefused := errors.New("refused")
	for _, tc := range []struct {
		in   string
		want []string
		err  error
	}{
		{in: "", err: io.EOF},
		{in: "a;bb;;12345678;", want: []string{"a;", "bb;", ";", "1234567" + "8;"}, err: ErrMessageTooLarge},
		{in: "a;1234567;", want: []string{"a;", "1234567;"}, err: io.EOF},
		{in: "a;tail", want: []string{"a;"}, err: io.ErrUnexpectedEOF},
		{in: "a;b!", want: []string{"a;"}, err: errRefused},
		{in: "123456789", err: ErrMessageTooLarge},
	} {
		for _, oneByte := range []bool{false, true} {
			var in io.Reader = strings.NewReader(tc.in)
			if oneByte {
				in = iotest.OneByteReader(in) // messages span reads
			}
			got, err := readAll(NewMessageReader(in, compile.FrameSplit, 8).WithSplit(semicolons))
			want := tc.want
			if tc.err == ErrMessageTooLarge && len(want) > 0 {
				want = want[:len(want)-1] // the last is over the limit
			}
			errOK := errors.Is(err, tc.err)
			if tc.err == errRefused {
				errOK = err != nil && err != io.EOF && strings.Contains(err.Error(), "a '!'")
			}
			if !equal(got, want) || !errOK {
				t.Errorf("split %q (one byte at a time: %v) = %q, %v; want %q, %v", tc.in, oneByte, got, err, want, tc.err)
			}
		}
	}
	if _, err := NewMessageReader(strings.NewReader("a;"), compile.FrameSplit, 8).Next(); err == nil {
		t.Error("Next without a split function succeeded; want an error")
	}
	if got := string(AppendMessage([]byte("x"), compile.FrameSplit, []byte("a;"))); got != "xa;" {
		t.Errorf("AppendMessage(FrameSplit) = %q; want %q", got, "xa;")
	}
}
