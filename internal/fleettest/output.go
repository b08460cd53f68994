// SPDX-License-Identifier: Apache-2.0

package fleettest

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Output is a writer that several goroutines may write to (a logger, a
// fleet's members) and a test reads, or waits on.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// WaitFor waits until the output holds every one of want, failing the test
// with the output if one is still missing after timeout.
func (o *Output) WaitFor(t testing.TB, timeout time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := o.String()
		missing := slices.IndexFunc(want, func(w string) bool { return !strings.Contains(s, w) })
		if missing < 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v; output:\n%s", want[missing], timeout, s)
		}
		time.Sleep(time.Millisecond)
	}
}
