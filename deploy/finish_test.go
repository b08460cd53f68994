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

// TestFinishWatchNamed: nodes sharing an OS process (RunNodes) write their
// reports with their names behind the process's prefix; the watch reads
// each as its node's, and tells the fleet finished once they match.
func TestFinishWatchNamed(t *testing.T) {
	var out bytes.Buffer
	w := newFinishWatch(&out, []string{"W/0", "W/1"})
	report := func(name string, r node.Idle) {
		var line bytes.Buffer
		namedIdleWriter(&line, name)(r)
		if _, err := w.Write(append([]byte("[W/0,W/1] "), line.Bytes()...)); err != nil {
			t.Fatal(err)
		}
	}
	report("W/0", node.Idle{Sent: map[string]uint64{"W/1": 1}})
	select {
	case <-w.done:
		t.Fatal("finished before W/1 reported")
	default:
	}
	report("W/1", node.Idle{Received: map[string]uint64{"W/0": 1}})
	select {
	case <-w.done:
	default:
		t.Fatal("not finished once W/1 received what W/0 sent")
	}
	if out.Len() != 0 {
		t.Errorf("output = %q; want the reports kept out of it", out.String())
	}
}
