// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/internal/node"
)

// TestFinishWatch feeds the watch the lines two members write: it keeps
// their idle reports out of the output and passes every other line, and it
// tells the fleet finished only when both have reported and their counts
// match.
func TestFinishWatch(t *testing.T) {
	var out bytes.Buffer
	w := newFinishWatch(&out, []string{"A", "B"})
	report := func(name string, r node.Idle) {
		var line bytes.Buffer
		idleWriter(&line)(r)
		if _, err := w.Write(append([]byte("["+name+"] "), line.Bytes()...)); err != nil {
			t.Fatal(err)
		}
	}
	done := func() bool {
		select {
		case <-w.done:
			return true
		default:
			return false
		}
	}
	fmt.Fprintln(w, "[A] counts: a=1")
	report("A", node.Idle{Sent: map[string]uint64{"B": 2}})
	fmt.Fprintln(w, "[B] hydro idle: sent - received - (a line a program printed)")
	if done() {
		t.Fatal("finished before B reported")
	}
	report("B", node.Idle{Received: map[string]uint64{"A": 1}})
	if done() {
		t.Fatal("finished with a frame from A to B in flight")
	}
	report("B", node.Idle{Received: map[string]uint64{"A": 2}})
	if !done() {
		t.Fatal("not finished once B received all A sent")
	}
	report("A", node.Idle{Sent: map[string]uint64{"B": 2}}) // once closed, stays so
	want := "[A] counts: a=1\n[B] hydro idle: sent - received - (a line a program printed)\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}
