// SPDX-License-Identifier: Apache-2.0

package hostile

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/node"
)

// soak is how long TestSlowReceiver runs: 5 s, or HYDRO_SOAK.
func soak(t *testing.T) time.Duration {
	if s := os.Getenv("HYDRO_SOAK"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("HYDRO_SOAK=%q: %v", s, err)
		}
		return d
	}
	return 5 * time.Second
}

// TestSlowReceiver: a sender streams 1 KiB messages as fast as it can to
// a receiver that takes a millisecond over every 16th, for the soak's duration. The
// sender is held back (backpressure) rather than grow: the heap's peak in
// the second half of the run is within 25% (and 4 MiB) of the first
// half's, and the receiver sees every message once, in order. Unbounded,
// the sender's 1 KiB messages would add tens of MiB in half a run; the
// slack is for the garbage collector's timing on a loaded machine, which
// moved the peak by 5 MiB under -race.
func TestSlowReceiver(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	d := soak(t)
	feed := make(chan string)
	f := hydro.NewFlow()
	s := hydro.NewProcess[hServer](f)
	w := hydro.NewProcess[hWorker](f)
	var got atomic.Int64
	var bad atomic.Value
	hydro.ForEach(hydro.Send(hydro.SourceChan(s, feed), w), func(m string) {
		n, _, _ := strings.Cut(m, " ")
		if want := strconv.FormatInt(got.Load(), 10); n != want && bad.Load() == nil {
			bad.Store(fmt.Sprintf("received message %s; want %s (each once, in order)", n, want))
		}
		if got.Add(1)%16 == 0 {
			time.Sleep(time.Millisecond)
		}
	})
	fe := newFleet(t, f, nil, "hServer", "hWorker")
	fe.start("hWorker", opts{})
	fe.start("hServer", opts{})

	h := watchHeap()
	pad := strings.Repeat("p", 1<<10)
	stop := make(chan struct{})
	var sent atomic.Int64
	var feeder sync.WaitGroup
	feeder.Go(func() {
		for i := 0; ; i++ {
			select {
			case feed <- strconv.Itoa(i) + " " + pad:
				sent.Add(1)
			case <-stop:
				return
			}
		}
	})
	time.Sleep(d / 2)
	first := h.restart()
	time.Sleep(d / 2)
	close(stop)
	feeder.Wait()
	grown := h.grown()
	second := grown + h.base
	eventually(t, 30*time.Second, "every message received", func() bool { return got.Load() == sent.Load() })
	if b := bad.Load(); b != nil {
		t.Fatal(b)
	}
	t.Logf("%d messages in %v; heap peak %d KiB in the first half, %d KiB in the second", sent.Load(), d, first>>10, second>>10)
	if second > first+first/4+4<<20 {
		t.Errorf("the heap's peak grew from %d KiB to %d KiB; want flat within 25%% and 4 MiB", first>>10, second>>10)
	}
}

// TestDeadMember: the server deals 20,000 messages round robin to three
// workers, one of which never starts. Once the node sees it left
// (FailAfter), the live workers get everything that is not dropped for
// the dead one, the feed keeps its pace, and the heap stays bounded.
func TestDeadMember(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	feed := make(chan int)
	f := hydro.NewFlow()
	s := hydro.NewProcess[hServer](f)
	ws := hydro.NewCluster[hWorker](f)
	var got atomic.Int64
	hydro.ForEach(hydro.RoundRobin(hydro.SourceChan(s, feed), ws, hydro.NonDet("any live worker will do")), func(int) { got.Add(1) })
	sizes := map[string]int{"hWorker": 3}
	fe := newFleet(t, f, sizes, "hServer", "hWorker/0", "hWorker/1", "hWorker/2")
	fe.start("hWorker/0", opts{})
	fe.start("hWorker/1", opts{})
	view := node.NewView(fe.size)
	fe.start("hServer", opts{view: view, failAfter: 300 * time.Millisecond})

	h := watchHeap()
	const n = 20000
	start := time.Now()
	timeout := time.After(20 * time.Second)
	for i := range n {
		select {
		case feed <- i:
		case <-timeout:
			t.Fatalf("the server took only %d messages in 20 s", i)
		}
	}
	fed := time.Since(start)
	eventually(t, 10*time.Second, "the dead worker seen as left", func() bool {
		return len(view.Members(fe.location("hWorker"))) == 2
	})
	// From now on every message reaches a live worker.
	eventually(t, 10*time.Second, "the count settled", func() bool {
		before := got.Load()
		time.Sleep(50 * time.Millisecond)
		return got.Load() == before
	})
	before := got.Load()
	for i := range 1000 {
		feed <- n + i
	}
	eventually(t, 10*time.Second, "the live workers got all 1,000 messages fed after", func() bool { return got.Load() == before+1000 })
	grown := h.grown()
	t.Logf("fed %d in %v; live workers got %d, %d messages dropped for the dead one; heap grew %d KiB", n, fed, got.Load(), view.Dropped(), grown>>10)
	if fed > 5*time.Second {
		t.Errorf("feeding %d messages took %v; want the dead member not to hold the rest back", n, fed)
	}
	if got.Load() < n/2 {
		t.Errorf("live workers got %d of %d", got.Load(), n)
	}
	if grown > 64<<20 {
		t.Errorf("the heap grew by %d MiB; want under 64", grown>>20)
	}
}
