// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
)

// TestRunLinkStats: a node's LinkStats count the frames its peers sent
// it, from zero before it listens.
func TestRunLinkStats(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	var unstarted node.LinkStats
	if s := unstarted.Stats(); s.Frames != 0 || s.Accepted != 0 {
		t.Errorf("Stats() before listening = %+v; want zero", s)
	}
	got := newCollector[msg[int]]()
	f, workers := roundTrip(got)
	fl := newNodes(t, f, map[*ir.Location]int{workers: 2})
	fl.links = map[string]*node.LinkStats{}
	for _, n := range []string{"Worker/0", "Worker/1", "Leader"} {
		fl.start(n)
	}
	checkAnswers(t, got.wait(t, 6, 10*time.Second), 2)
	fl.stopAll()
	// Each worker answered the leader at least once; the leader sent each
	// worker its items at least once.
	if s := fl.links["Leader"].Stats(); s.Frames < 2 || s.Bytes == 0 || s.Dropped() != 0 {
		t.Errorf("the leader's Stats() = %+v; want 2 frames or more, none dropped", s)
	}
	for _, w := range []string{"Worker/0", "Worker/1"} {
		if s := fl.links[w].Stats(); s.Frames < 1 || s.Bytes == 0 || s.Dropped() != 0 {
			t.Errorf("%s's Stats() = %+v; want a frame or more, none dropped", w, s)
		}
	}
}
