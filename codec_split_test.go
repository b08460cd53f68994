// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

// semicolonCodec is a self-delimited codec for tests: each message is
// text ended by ';'.
var semicolonCodec = hydro.NewCodec("semicolons",
	func(data []byte, _ bool) (int, error) {
		if i := bytes.IndexByte(data, ';'); i >= 0 {
			return i + 1, nil
		}
		return 0, nil
	},
	func(dst []byte, s string) ([]byte, error) {
		if bytes.IndexByte([]byte(s), ';') >= 0 {
			return dst, errors.New("a ';' inside")
		}
		return append(append(dst, s...), ';'), nil
	},
	func(msg []byte) (string, error) { return string(msg[:len(msg)-1]), nil })

func TestNewCodec(t *testing.T) {
	f := hydro.NewFlow()
	type S struct{}
	type C struct{}
	port := hydro.BidiExternal(hydro.NewProcess[S](f), hydro.NewExternal[C](f), semicolonCodec, semicolonCodec)
	port.Respond(hydro.MapValues(port.Requests(), func(s string) string { return s + s }))
	r := hydro.MustLocal(f)
	c := port.Connect(r)
	c.Send("ab", "", "abc")
	r.RunAvailable()
	if got, want := c.Receive(), []string{"abab", "", "abcabc"}; !slices.Equal(got, want) {
		t.Errorf("received %q; want %q", got, want)
	}
	if got := semicolonCodec.String(); got != "semicolons" {
		t.Errorf("String() = %q", got)
	}
	msg, err := semicolonCodec.Encode(nil, "x")
	if err != nil || string(msg) != "x;" {
		t.Errorf("Encode(x) = %q, %v; want \"x;\"", msg, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewCodec with a nil split did not panic")
		}
	}()
	hydro.NewCodec[string]("broken", nil, nil, nil)
}
