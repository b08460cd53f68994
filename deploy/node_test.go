// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type nodeSender struct{}

type nodeReceiver struct{}

// TestRunNode runs two nodes of one flow in this process over loopback TCP:
// a sender's items reach the receiver in order, and stopping the nodes
// leaves no goroutine behind.
func TestRunNode(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	r := hydro.NewProcess[nodeReceiver](f)
	items := []int{1, 2, 3, 4, 5}
	got := make(chan int, len(items))
	hydro.ForEach(hydro.Send(hydro.SourceIter(s, items), r), func(v int) { got <- v })
	f.MustCompile()

	stop := runPair(t, f)
	var out []int
	timeout := time.After(10 * time.Second)
	for len(out) < len(items) {
		select {
		case v := <-got:
			out = append(out, v)
		case <-timeout:
			t.Errorf("received %v after 10 s; want %v", out, items)
			goto done
		}
	}
	if !slices.Equal(out, items) {
		t.Errorf("received %v; want %v", out, items)
	}
done:
	stop()
}

func TestRunNodeUnknownRole(t *testing.T) {
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	hydro.ForEach(hydro.SourceIter(s, []int{1}), func(int) {})
	err := deploy.RunNode(context.Background(), f, deploy.NodeConfig{Role: "Nobody", Peers: map[string]string{"Nobody": "127.0.0.1:0"}})
	if err == nil || !strings.Contains(err.Error(), `"Nobody" names no location`) {
		t.Errorf("RunNode(role Nobody) = %v; want an error naming the role", err)
	}
}

// TestRunNodeSourceChanWakes: a node whose only input is Go channels runs a
// tick for each value as it arrives, with no timer to wake it; a closed
// channel stops waking it and the other still does.
func TestRunNodeSourceChanWakes(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	r := hydro.NewProcess[nodeReceiver](f)
	odd, even := make(chan int), make(chan int)
	got := make(chan int)
	hydro.ForEach(hydro.Send(hydro.SourceChan(s, odd), r), func(v int) { got <- v })
	hydro.ForEach(hydro.Send(hydro.SourceChan(s, even), r), func(v int) { got <- v })
	f.MustCompile()

	stop := runPair(t, f)
	timeout := time.After(10 * time.Second)
	for _, v := range []int{0, 1, 2, 3, 4, 6} {
		ch := even
		if v%2 == 1 {
			ch = odd
		}
		if v == 4 {
			close(odd) // from here on only even wakes the sender
		}
		select {
		case ch <- v: // unbuffered: taken by the node's wait or its feeder
		case <-timeout:
			t.Fatalf("the sender did not take %d within 10 s", v)
		}
		select {
		case w := <-got:
			if w != v {
				t.Errorf("received %d; want %d", w, v)
			}
		case <-timeout:
			t.Fatalf("%d not received within 10 s", v)
		}
	}
	stop()
}

type fanWorker struct{}

// TestRunNodeFanIn: six cluster members stream to one process at once,
// a tick per value, so frames from several peers arrive while another
// peer's tick runs. Every value arrives once, and each member's in the
// order it sent them.
func TestRunNodeFanIn(t *testing.T) {
	defer goleak.VerifyNone(t)
	const workers, n = 6, 6000
	f := hydro.NewFlow()
	w := hydro.NewCluster[fanWorker](f)
	r := hydro.NewProcess[nodeReceiver](f)
	values := make(chan int) // shared by the members: each takes some, in order
	type got struct {
		from uint32
		v    int
	}
	out := make(chan got, n)
	gathered := hydro.AssumeOrdered(hydro.Gather(hydro.SourceChan(w, values), r).Entries(),
		"members interleave; the test checks the order of each member's values only")
	hydro.ForEach(gathered, func(kv hydro.KV[hydro.MemberID[fanWorker], int]) {
		out <- got{uint32(kv.Key), kv.Val}
	})
	f.MustCompile()

	roles := []string{"nodeReceiver"}
	for m := range workers {
		roles = append(roles, fmt.Sprintf("fanWorker/%d", m))
	}
	addrs, err := freeAddrs(len(roles))
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{}
	for i, role := range roles {
		peers[role] = addrs[i]
	}
	certs := issue(t, peers)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, len(roles))
	for _, role := range roles {
		go func() {
			errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, Sizes: map[string]int{"fanWorker": workers}, TLS: certs[role]})
		}()
	}
	go func() {
		for i := range n {
			select {
			case values <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	last := map[uint32]int{}
	seen := make([]bool, n)
	timeout := time.After(20 * time.Second)
	for range n {
		select {
		case g := <-out:
			if prev, ok := last[g.from]; ok && g.v <= prev {
				t.Fatalf("from member %d: %d after %d", g.from, g.v, prev)
			}
			if seen[g.v] {
				t.Fatalf("%d received twice", g.v)
			}
			last[g.from], seen[g.v] = g.v, true
		case <-timeout:
			t.Fatalf("values missing after 20 s")
		}
	}
	cancel()
	for range roles {
		if err := <-errs; err != nil {
			t.Errorf("RunNode: %v", err)
		}
	}
}

// runPair runs the nodeSender and nodeReceiver nodes of f over loopback TCP
// and returns the function that stops them and checks their ends.
func runPair(t *testing.T, f *hydro.Flow) (stop func()) {
	t.Helper()
	addrs, err := freeAddrs(2)
	if err != nil {
		t.Fatal(err)
	}
	peers := map[string]string{"nodeSender": addrs[0], "nodeReceiver": addrs[1]}
	certs := issue(t, peers)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for role := range peers {
		go func() { errs <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, TLS: certs[role]}) }()
	}
	return func() {
		cancel()
		for range 2 {
			if err := <-errs; err != nil {
				t.Errorf("RunNode: %v", err)
			}
		}
	}
}

// TestRunNodeOversizedMessage: a message larger than any frame may be is
// dropped (and logged); the messages after it still go out.
func TestRunNodeOversizedMessage(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	r := hydro.NewProcess[nodeReceiver](f)
	in := make(chan string)
	got := make(chan string, 10)
	hydro.ForEach(hydro.Send(hydro.SourceChan(s, in), r), func(v string) { got <- v })
	f.MustCompile()
	stop := runPair(t, f)
	defer stop()
	receive := func(want string, wait time.Duration) bool {
		select {
		case v := <-got:
			if v != want {
				t.Errorf("received %.10q (%d bytes); want %q", v, len(v), want)
			}
			return true
		case <-time.After(wait):
			return false
		}
	}
	in <- "first"
	if !receive("first", 10*time.Second) {
		t.Fatal("first message not received within 10 s")
	}
	in <- strings.Repeat("x", 17<<20)
	// A message that joins the large one's tick shares its frame, and its
	// fate: the later ones go out.
	for range 5 {
		in <- "after"
		if receive("after", time.Second) {
			return
		}
	}
	t.Errorf("no message after the oversized one was received")
}

// TestRunNodeHeldMessagesRetried: a message its connection refuses while
// the receiver lags is sent once the receiver catches up, with no other
// input to run a tick.
func TestRunNodeHeldMessagesRetried(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := hydro.NewFlow()
	s := hydro.NewProcess[nodeSender](f)
	r := hydro.NewProcess[nodeReceiver](f)
	in := make(chan string)
	got := make(chan int, 10)
	release := make(chan struct{})
	first := true
	hydro.ForEach(hydro.Send(hydro.SourceChan(s, in), r), func(v string) {
		if first { // the receiver's tick waits: it reads nothing more
			first = false
			<-release
		}
		got <- len(v)
	})
	f.MustCompile()
	stop := runPair(t, f)
	defer stop()
	sizes := []int{5, 15 << 20, 9 << 20, 1} // the sockets fill, the queue fills, the last is refused
	for _, n := range sizes {
		in <- strings.Repeat("a", n)
		time.Sleep(200 * time.Millisecond)
	}
	close(release)
	for _, want := range sizes {
		select {
		case n := <-got:
			if n != want {
				t.Errorf("received %d bytes; want %d", n, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the message of %d bytes not received within 10 s of the receiver catching up", want)
		}
	}
}
