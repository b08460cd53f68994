// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/ir"
)

// TestRunStopPeerGone: a node with messages queued for a peer that has
// already stopped stops at once, without a warning.
func TestRunStopPeerGone(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	f := &flow{}
	leader := f.location(ir.Process, "Leader")
	worker := f.location(ir.Process, "Worker")
	got := newCollector[msg[int64]]()
	sink(f, send[int64](f, ticker(f, leader, 5*time.Millisecond), worker), got.add)
	fl := newNodes(t, f, nil)
	fl.start("Worker")
	fl.start("Leader")
	got.wait(t, 1, 10*time.Second)
	if err := fl.stop("Worker"); err != nil {
		t.Fatalf("Run(Worker) = %v after cancel; want nil", err)
	}
	time.Sleep(100 * time.Millisecond) // the leader queues ticks for it
	start := time.Now()
	if err := fl.stop("Leader"); err != nil {
		t.Errorf("Run(Leader) = %v after cancel; want nil", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("the leader took %v to stop, its peer gone; want at most 200 ms", d)
	}
	for _, l := range strings.Split(fl.logs.String(), "\n") {
		if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
			t.Errorf("stopping logged %q", l)
		}
	}
}
