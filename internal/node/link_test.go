// SPDX-License-Identifier: Apache-2.0

package node_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
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

// TestRunStalledPeers: a connection that says hello and then nothing, and
// one that sends half a frame and stops, are closed after the node's idle
// and frame timeouts, and counted; the node serves its real peer
// throughout, and stops without a goroutine left.
func TestRunStalledPeers(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the nodes stop
	got := newCollector[msg[int]]()
	f := &flow{}
	src := f.location(ir.Process, "Source")
	dst := f.location(ir.Process, "Sink")
	ch := send[int](f, source[int](f, src), dst)
	sink(f, ch, got.add)
	fl := newNodes(t, f, nil)
	fl.links = map[string]*node.LinkStats{}
	fl.idle, fl.frame = 600*time.Millisecond, 200*time.Millisecond
	fl.start("Sink") // the Source node, and the stalled peers, are played by the test
	addr := fl.peers["Sink"]

	quiet := dialRaw(t, addr)
	defer quiet.Close()
	quiet.Write([]byte("HYD\x01\x05Quiet"))
	half := dialRaw(t, addr)
	defer half.Close()
	half.Write([]byte("HYD\x01\x04Half\x00\x00\x00\x10\x01")) // 16 bytes announced, 1 sent

	c := tcp.Dial(t.Context(), addr, "Source", transport.DefaultLimits, nil, tcp.WithIdleTimeout(fl.idle))
	codec, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		b, err := transport.AppendBatch(codec, nil, []int{i})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Send(transport.Frame{Channel: uint32(ch.ID), Payload: b}); err != nil {
			t.Fatal(err)
		}
	}
	if g := got.wait(t, 3, 10*time.Second); !slices.Equal(g, []msg[int]{{0, 0}, {0, 1}, {0, 2}}) {
		t.Errorf("the node got %v; want 0, 1, 2", g)
	}
	// While the node drops the others, the real peer is quiet: its
	// keepalives keep its connection open.
	link := fl.links["Sink"]
	deadline := time.Now().Add(10 * time.Second)
	for s := link.Stats(); s.Idle != 1 || s.Stalled != 1; s = link.Stats() {
		if time.Now().After(deadline) {
			t.Fatalf("LinkStats() = %+v; want one connection closed idle, one stalled", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := c.Stats(); s.Connects != 1 || s.Lost != 0 {
		t.Errorf("the real peer's Conn: Stats() = %+v; want one connection, nothing lost", s)
	}
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Close(cctx); err != nil {
		t.Errorf("Close() = %v", err)
	}
	fl.stopAll()
}
