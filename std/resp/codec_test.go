// SPDX-License-Identifier: Apache-2.0

package resp

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want int  // length of the first command; 0: incomplete
		bad  bool // refused
	}{
		{"*1\r\n$4\r\nPING\r\n", 14, false},
		{"*1\r\n$4\r\nPING\r\n*1\r\n", 14, false},
		{"*2\r\n$3\r\nGET\r\n$1\r\nk", 0, false},
		{"*2\r\n$3\r\nGET\r\n", 0, false},
		{"*2\r", 0, false},
		{"", 0, false},
		{"\r\n\r\n", 0, false},
		{"PING\r\n", 6, false},
		{"\r\nPING\n", 7, false},
		{"SET a b", 0, false},
		{"*0\r\n", 0, true},
		{"*-1\r\n", 0, true},
		{"*2097152\r\n", 0, true},
		{"*1\r\n$-1\r\n", 0, true},
		{"*1\r\n$999999999999\r\n", 0, true},
		{"*1\r\n:1\r\n", 0, true},
		{"*1\r\n$1\r\nab\r\n", 0, true},
		{"*x\r\n", 0, true},
		{"*1\n", 0, true},
		{"*+1\r\n", 0, true},
		{"*" + strings.Repeat("1", 30) + "\r\n", 0, true},
		{strings.Repeat("x", MaxInline+1), 0, true},
		{"*" + strings.Repeat("1", MaxInline+1), 0, true},
	}
	for _, tt := range tests {
		n, err := SplitCommand([]byte(tt.in), false)
		if tt.bad {
			if !errors.Is(err, ErrProtocol) {
				t.Errorf("SplitCommand(%.40q) = %d, %v; want a protocol error", tt.in, n, err)
			}
			continue
		}
		if err != nil || n != tt.want {
			t.Errorf("SplitCommand(%.40q) = %d, %v; want %d", tt.in, n, err, tt.want)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"*1\r\n$4\r\nPING\r\n", []string{"PING"}},
		{"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n", []string{"SET", "k", "a\r\nb"}},
		{"*2\r\n$3\r\nGET\r\n$0\r\n\r\n", []string{"GET", ""}},
		{"set  key   value\r\n", []string{"set", "key", "value"}},
		{"\r\n  ping\n", []string{"ping"}},
	}
	for _, tt := range tests {
		c, err := ParseCommand([]byte(tt.in))
		if err != nil || !slices.Equal(c.Args, tt.want) {
			t.Errorf("ParseCommand(%q) = %q, %v; want %q", tt.in, c.Args, err, tt.want)
		}
	}
	for _, bad := range []string{"", "*1\r\n$4\r\nPING\r\nX", "*1\r\n$4\r\nPIN"} {
		if c, err := ParseCommand([]byte(bad)); err == nil {
			t.Errorf("ParseCommand(%q) = %q; want an error", bad, c.Args)
		}
	}
}

func TestCommandRoundTrip(t *testing.T) {
	c := Command{Args: []string{"MSET", "a", "1", "b\r\n", ""}}
	msg, err := AppendCommand(nil, c)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := SplitCommand(msg, false); n != len(msg) || err != nil {
		t.Fatalf("SplitCommand(AppendCommand(%q)) = %d, %v; want %d", c.Args, n, err, len(msg))
	}
	got, err := ParseCommand(msg)
	if err != nil || !slices.Equal(got.Args, c.Args) {
		t.Errorf("ParseCommand(AppendCommand(%q)) = %q, %v", c.Args, got.Args, err)
	}
	if got.Name() != "MSET" || got.Arg(1) != "a" || got.Arg(9) != "" {
		t.Errorf("Name, Arg = %q, %q, %q", got.Name(), got.Arg(1), got.Arg(9))
	}
	if _, err := AppendCommand(nil, Command{}); err == nil {
		t.Error("AppendCommand(empty) succeeded; want an error")
	}
}

func TestAppendValue(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Simple("OK"), "+OK\r\n"},
		{Simple("a\r\nb"), "+a  b\r\n"},
		{Errorf("ERR bad %q", "x"), "-ERR bad \"x\"\r\n"},
		{Int(-42), ":-42\r\n"},
		{Bulk("a\r\nb"), "$4\r\na\r\nb\r\n"},
		{Bulk(""), "$0\r\n\r\n"},
		{Null(), "$-1\r\n"},
		{NullArray(), "*-1\r\n"},
		{Array(), "*0\r\n"},
		{Array(Bulk("x"), Null(), Array(Int(1))), "*3\r\n$1\r\nx\r\n$-1\r\n*1\r\n:1\r\n"},
	}
	for _, tt := range tests {
		got, err := AppendValue(nil, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("AppendValue(%v) = %q, %v; want %q", tt.v, got, err, tt.want)
		}
		back, err := ParseValue(got)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", got, err)
			continue
		}
		again, _ := AppendValue(nil, back)
		if string(again) != string(got) {
			t.Errorf("ParseValue(%q) = %v, which encodes as %q", got, back, again)
		}
	}
	if _, err := AppendValue(nil, Value{}); err == nil {
		t.Error("AppendValue(zero Value) succeeded; want an error")
	}
	deep := Int(1)
	for range MaxDepth + 1 {
		deep = Array(deep)
	}
	if _, err := AppendValue(nil, deep); err == nil {
		t.Error("AppendValue(too deep) succeeded; want an error")
	}
	if _, err := ParseValue([]byte(strings.Repeat("*1\r\n", MaxDepth+1) + ":1\r\n")); !errors.Is(err, ErrProtocol) {
		t.Errorf("ParseValue(too deep) = %v; want a protocol error", err)
	}
}

// FuzzCommand checks that no input panics the command parser or makes it
// claim more than it was given, and that what it accepts survives a round
// trip.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{
		"*1\r\n$4\r\nPING\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "PING\r\n", "\r\nGET a\n",
		"*2097152\r\n", "*1\r\n$999999999\r\n", "*-1\r\n", "$3\r\nabc\r\n", "*1\r\n$3\r\nab",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := SplitCommand(data, false)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("SplitCommand(%q): %v, not a protocol error", data, err)
			}
			return
		}
		if n < 0 || n > len(data) {
			t.Fatalf("SplitCommand(%q) = %d of %d bytes", data, n, len(data))
		}
		if n == 0 {
			return
		}
		c, err := ParseCommand(data[:n])
		if err != nil {
			if errors.Is(err, ErrProtocol) {
				return // an inline command of blanks only
			}
			t.Fatalf("ParseCommand(%q): %v", data[:n], err)
		}
		msg, err := AppendCommand(nil, c)
		if err != nil {
			t.Fatalf("AppendCommand(%q): %v", c.Args, err)
		}
		back, err := ParseCommand(msg)
		if err != nil || !slices.Equal(back.Args, c.Args) {
			t.Fatalf("round trip of %q gave %q, %v", c.Args, back.Args, err)
		}
	})
}

// FuzzValue does the same for replies.
func FuzzValue(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "-ERR x\r\n", ":12\r\n", "$-1\r\n", "*-1\r\n", "*2\r\n$1\r\na\r\n:3\r\n", "*1\r\n*1\r\n*1\r\n",
		"$99999999999\r\n", "*3\r\n", "%1\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := SplitValue(data, false)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("SplitValue(%q): %v, not a protocol error", data, err)
			}
			return
		}
		if n < 0 || n > len(data) {
			t.Fatalf("SplitValue(%q) = %d of %d bytes", data, n, len(data))
		}
		if n == 0 {
			return
		}
		v, err := ParseValue(data[:n])
		if err != nil {
			t.Fatalf("ParseValue(%q): %v", data[:n], err)
		}
		msg, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("AppendValue(%v): %v", v, err)
		}
		if string(msg) != string(data[:n]) {
			t.Fatalf("round trip of %q gave %q", data[:n], msg)
		}
	})
}
