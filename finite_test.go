// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
)

// finiteWorker is finiteFlow's cluster.
type finiteWorker struct{}

// finiteFlow spreads words over a cluster, which sends their lengths back
// to the leader: every message crosses the network twice.
func finiteFlow() (*hydro.Flow, *hydro.Output[int]) {
	type Leader struct{}
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[finiteWorker](f)
	words := hydro.SourceIter(leader, []string{"a", "bb", "ccc", "dddd"})
	spread := hydro.RoundRobin(words, workers, hydro.NonDet("any worker"))
	lens := hydro.Map(spread, func(w string) int { return len(w) })
	out := hydro.NewOutput(hydro.Gather(lens, leader).Values())
	f.Finite()
	return f, out
}

func TestLocalFinish(t *testing.T) {
	f, out := finiteFlow()
	r := hydro.MustLocal(f, hydro.SizeOf[finiteWorker](2))
	if r.Done() {
		t.Fatal("Done() = true before the first tick; want false")
	}
	steps, err := r.Finish()
	if err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	if steps < 3 || !r.Done() {
		t.Errorf("Finish() took %d steps, then Done() = %v; want at least 3 (leader, workers, leader), then true", steps, r.Done())
	}
	got := out.Drain(r)
	slices.Sort(got)
	if want := []int{1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("after Finish(), the output is %v; want %v", got, want)
	}
	// Done stays true; Finish again takes no step.
	if steps, err := r.Finish(); steps != 0 || err != nil {
		t.Errorf("Finish() again = %d, %v; want 0, nil", steps, err)
	}
}

// TestLocalFinishInput checks that a finite flow with an Input is done
// whenever what was pushed is through, and not done after a push.
func TestLocalFinishInput(t *testing.T) {
	type P struct{}
	f := hydro.NewFlow()
	in, s := hydro.NewInput[int](hydro.NewProcess[P](f))
	out := hydro.NewOutput(hydro.Map(s, func(x int) int { return x * 10 }))
	f.Finite()
	r := hydro.MustLocal(f)
	if _, err := r.Finish(); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	in.Push(r, 1, 2)
	if r.Done() {
		t.Fatal("Done() = true with items pushed and not run; want false")
	}
	if _, err := r.Finish(); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	if got := out.Drain(r); !slices.Equal(got, []int{10, 20}) {
		t.Errorf("output = %v; want [10 20]", got)
	}
}

func TestLocalNotFinite(t *testing.T) {
	type P struct{}
	f := hydro.NewFlow()
	hydro.NewOutput(hydro.SourceIter(hydro.NewProcess[P](f), []int{1}))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if r.Done() {
		t.Error("Done() = true for a flow that is not finite; want false")
	}
	if _, err := r.Finish(); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("Finish() = %v; want an error saying the flow is not finite", err)
	}
}

// TestFiniteEndless checks that Compile refuses Finite beside every kind of
// source that never ends, at its line, naming where Finite was called.
func TestFiniteEndless(t *testing.T) {
	type P struct{}
	type C struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[P](f)
	hydro.NewOutput(hydro.SourceInterval(p, time.Second, hydro.NonDet("ticks")))
	interval := vizLine() - 1
	hydro.NewOutput(hydro.SourceChan(p, make(chan int)))
	ch := vizLine() - 1
	_, ext := hydro.SourceExternal(p, hydro.NewExternal[C](f), hydro.Lines)
	port := vizLine() - 1
	hydro.NewOutput(ext)
	f.Finite()
	finite := vizLine() - 1
	err := f.Compile()
	if !errors.Is(err, hydro.ErrInvalid) {
		t.Fatalf("Compile() = %v; want ErrInvalid", err)
	}
	for _, w := range []string{
		fmt.Sprintf("finite_test.go:%d: source_interval in a flow declared Finite at finite_test.go:%d: a timer fires forever", interval, finite),
		fmt.Sprintf("finite_test.go:%d: source_chan in a flow declared Finite", ch),
		fmt.Sprintf("finite_test.go:%d: external_in in a flow declared Finite", port),
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Compile() = %v; want it to say %q", err, w)
		}
	}
}
