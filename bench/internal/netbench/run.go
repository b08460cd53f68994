// SPDX-License-Identifier: Apache-2.0

package netbench

import (
	"flag"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Timeout bounds every wait for the other node: a wait that long means a
// lost message.
const Timeout = 60 * time.Second

// Smoke reports whether the suite runs each benchmark once (-benchtime 1x,
// as CI does) or in -short mode: the workloads then shrink.
func Smoke() bool {
	if testing.Short() {
		return true
	}
	f := flag.Lookup("test.benchtime")
	return f != nil && f.Value.String() == "1x"
}

// Impl is one implementation of a workload between two nodes. Start brings
// the nodes up and connects them; it runs once per benchmark, outside the
// timing.
type Impl struct {
	Name  string
	Start func() (*Run, error)
}

// Run is a started implementation.
type Run struct {
	// Iter moves n records or round trips and checks them.
	Iter func(n int) error
	// Stop stops every goroutine the implementation started and waits
	// for them.
	Stop func() error
	// Reset, if set, forgets what the warm-up measured; Report, if set,
	// reports metrics of the timed iterations (latency percentiles).
	Reset  func()
	Report func(b *testing.B)
}

// Bench runs one implementation: a checked warm-up of warm units, then the
// timed loop of n units each, reporting the time per unit as perUnit
// ("ns/rec").
func Bench(b *testing.B, im Impl, n, warm int, perUnit string) {
	r, err := im.Start()
	if err != nil {
		b.Fatalf("impl=%s: %v", im.Name, err)
	}
	defer func() {
		if err := r.Stop(); err != nil {
			b.Errorf("impl=%s: stopping: %v", im.Name, err)
		}
	}()
	if err := r.Iter(warm); err != nil {
		b.Fatalf("impl=%s: warm-up: %v", im.Name, err)
	}
	if r.Reset != nil {
		r.Reset()
	}
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		if err := r.Iter(n); err != nil {
			b.Fatalf("impl=%s: %v", im.Name, err)
		}
		iters++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), perUnit)
	if r.Report != nil {
		r.Report(b)
	}
}

// Test starts an implementation, runs three iterations of n units, stops
// it, and checks that no goroutine is left behind.
func Test(t *testing.T, im Impl, n int) {
	defer goleak.VerifyNone(t)
	r, err := im.Start()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := r.Iter(n); err != nil {
			t.Error(err)
			break
		}
	}
	if err := r.Stop(); err != nil {
		t.Error(err)
	}
}
