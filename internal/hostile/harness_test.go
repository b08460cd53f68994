// SPDX-License-Identifier: Apache-2.0

package hostile

import (
	"context"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/node"
	"github.com/hydro-go/hydro/transport"
)

// fleet runs the nodes of one flow in the test process, as deploy.RunNode
// would, with the port limits and counters a test asks for.
type fleet struct {
	t     *testing.T
	fl    *ir.Flow
	sizes map[string]int
	peers map[string]string
	wg    sync.WaitGroup
}

// opts configure one node.
type opts struct {
	ports     map[string]string // port name to address
	lim       node.PortLimits
	sec       node.PortSecurity
	stats     *node.PortStats
	view      *node.View
	failAfter time.Duration
	logs      *fleettest.Output // nil discards
}

// newFleet gives every role an address; roles not started are dead.
func newFleet(t *testing.T, f *hydro.Flow, sizes map[string]int, roles ...string) *fleet {
	t.Helper()
	fl, err := lang.Flow(f)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := launch.FreeAddrs(len(roles), 0)
	if err != nil {
		t.Fatal(err)
	}
	fe := &fleet{t: t, fl: fl, sizes: sizes, peers: map[string]string{}}
	for i, r := range roles {
		fe.peers[r] = addrs[i]
	}
	return fe
}

func (fe *fleet) size(l *ir.Location) int {
	if n, ok := fe.sizes[l.Name]; ok {
		return n
	}
	return 1
}

// location returns the flow's location named name.
func (fe *fleet) location(name string) *ir.Location {
	for _, l := range fe.fl.Locations {
		if l.Name == name {
			return l
		}
	}
	fe.t.Fatalf("no location %s", name)
	return nil
}

// start runs role until the test ends (or stop is called).
func (fe *fleet) start(role string, o opts) (stop func()) {
	t := fe.t
	t.Helper()
	var at compile.Dest
	found := false
	for _, l := range fe.fl.Locations {
		if l.Parent != nil || l.Kind == ir.External {
			continue
		}
		for m := range fe.size(l) {
			if d := (compile.Dest{Loc: l, Member: uint32(m)}); node.NameOf(d) == role {
				at, found = d, true
			}
		}
	}
	if !found {
		t.Fatalf("no location %s", role)
	}
	if o.view == nil {
		o.view = node.NewView(fe.size)
	}
	env := compile.Env{Size: fe.size, Members: o.view.Members}
	g, err := compile.LowerOne(fe.fl, at, env)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if o.logs != nil {
		log = slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	self := node.Node{Name: role, Addr: fe.peers[role], Peers: fe.peers, Limits: transport.DefaultLimits, Logger: log,
		Ports: o.ports, View: o.view, FailAfter: o.failAfter, PortLimits: o.lim, PortStats: o.stats, PortSecurity: o.sec}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	fe.wg.Go(func() { done <- node.Run(ctx, g, self, env.Members) })
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("%s: Run = %v", role, err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	a, err := launch.FreeAddrs(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a[0]
}

// heap samples the live heap every
// millisecond, and keeps the peak.
type heap struct {
	base int64
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

// heapMetric is the heap marked live by the last collection: what the
// process holds, not the garbage it has yet to collect.
const heapMetric = "/gc/heap/live:bytes"

func heapNow() int64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// liveHeap returns the heap after a collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	return heapNow()
}

func watchHeap() *heap {
	h := &heap{base: liveHeap(), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		tk := time.NewTicker(time.Millisecond)
		defer tk.Stop()
		for {
			if n := heapNow(); n > h.peak.Load() {
				h.peak.Store(n)
			}
			select {
			case <-h.stop:
				return
			case <-tk.C:
			}
		}
	}()
	return h
}

// grown stops sampling and returns the peak above the base.
func (h *heap) grown() int64 {
	close(h.stop)
	<-h.done
	return h.peak.Load() - h.base
}

// restart returns the peak so far, and starts a new one.
func (h *heap) restart() int64 { return h.peak.Swap(0) }

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// grepLogs returns the lines of logs that contain any of words.
func grepLogs(logs string, words ...string) string {
	var b strings.Builder
	for _, l := range strings.Split(logs, "\n") {
		for _, w := range words {
			if strings.Contains(l, w) {
				b.WriteString(l + "\n")
				break
			}
		}
	}
	return b.String()
}
