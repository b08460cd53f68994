// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/hydro-go/hydro"
)

// Request is one request of a virtual client: the client's number, unique
// in the cluster (member × Clients + index), and the request's number in
// that client's sequence, from 0.
type Request struct {
	Client uint32
	Seq    uint64
}

// Config configures Run and Aggregate. Zero fields take their defaults.
type Config struct {
	// Clients is the number of virtual clients on each member (Run).
	// Default 1.
	Clients int
	// Window is how often throughput is counted and stats are reported.
	// Default one second.
	Window time.Duration
	// Resolution is the period of the timer latencies are read from when
	// Clock is nil. Default one millisecond.
	Resolution time.Duration
	// Clock, when set, is read each tick for the time, instead of the
	// timer: for a deployment that wants finer latencies (WallClock).
	Clock func() time.Duration
	// Last is how many of the latest windows a Report's interval is over
	// (Aggregate); 0 means all of them.
	Last int
}

func (c Config) withDefaults() Config {
	if c.Clients <= 0 {
		c.Clients = 1
	}
	if c.Window <= 0 {
		c.Window = time.Second
	}
	if c.Resolution <= 0 {
		c.Resolution = time.Millisecond
	}
	return c
}

// WallClock returns a clock for Config.Clock: the real time elapsed since
// its first reading, monotonic. Not for the simulator.
func WallClock() func() time.Duration {
	var once sync.Once
	var start time.Time
	return func() time.Duration {
		once.Do(func() { start = time.Now() })
		return time.Since(start)
	}
}

// Stats is what a member reports every window: the requests completed in
// each whole window since it started, and its latencies so far, in
// nanoseconds, as an HdrHistogram in its compressed encoding.
type Stats struct {
	Windows []int64
	Latency []byte
	Samples int64 // requests in Latency
}

// Histogram decodes the latencies.
func (s Stats) Histogram() (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode(s.Latency)
	if err != nil {
		return nil, fmt.Errorf("bench: decoding a latency histogram: %w", err)
	}
	return h, nil
}

// Latencies are recorded from 1 ns to a minute, to 3 significant digits.
const (
	lowest  = 1
	highest = int64(time.Minute)
	digits  = 3
)

func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(lowest, highest, digits) }

// pending is a virtual client's request in flight, and when it was sent.
type pending struct {
	Seq  uint64
	Sent time.Duration
}

// windows counts completed requests per window.
type windows struct {
	cur  int64
	done []int64
}

// Run runs cfg.Clients closed-loop virtual clients on every member of
// clients, against the service serve reaches, and returns each member's
// Stats every cfg.Window. serve gets every request and returns their
// answers (see Request). nd must say why the caller does not mind where
// ticks and windows end.
func Run[C any](clients *hydro.Cluster[C], cfg Config, serve func(hydro.Stream[Request, *hydro.Cluster[C]]) hydro.Stream[Request, *hydro.Cluster[C]], nd hydro.NonDet) hydro.Stream[Stats, *hydro.Cluster[C]] {
	cfg = cfg.withDefaults()
	v := uint32(cfg.Clients)
	index := make([]uint32, v)
	for i := range index {
		index[i] = uint32(i)
	}
	type (
		started = hydro.KV[uint32, pending]
		answer  = hydro.KV[uint32, Request]
		matched = hydro.KV[uint32, hydro.Pair[pending, Request]]
	)

	first := hydro.Map(hydro.CrossSingleton(hydro.SourceIter(clients, index), clients.SelfID()), func(p hydro.Pair[uint32, hydro.MemberID[C]]) Request {
		return Request{Client: uint32(p.Right)*v + p.Left}
	})
	next, requests := hydro.ForwardRef[Request](clients, hydro.Unordered)
	answers := serve(requests)

	tick := hydro.NewTick(clients)
	var now hydro.Singleton[time.Duration, *hydro.Tick[*hydro.Cluster[C]]]
	if cfg.Clock != nil {
		clock := cfg.Clock
		now = hydro.MapSingleton(hydro.Count(hydro.Batch(first, tick, nd)), func(int) time.Duration { return clock() })
	} else {
		latest := hydro.Fold(hydro.SourceInterval(clients, cfg.Resolution, nd), func() time.Duration { return 0 }, func(acc *time.Duration, t time.Duration) {
			*acc = max(*acc, t)
		}, hydro.Commutative, hydro.Idempotent)
		now = hydro.Snapshot(latest, tick, nd)
	}

	carried, inFlight := hydro.TickCycle[started](tick, hydro.Unordered)
	pend := hydro.IntoKeyed(inFlight)
	got := hydro.IntoKeyed(hydro.Map(hydro.Batch(answers, tick, nd), func(r Request) answer { return answer{Key: r.Client, Val: r} }))
	// An answer counts when it answers the client's request in flight.
	done := hydro.Join(pend, got).Entries().Filter(func(m matched) bool { return m.Val.Left.Seq == m.Val.Right.Seq })
	latencies := hydro.Map(hydro.CrossSingleton(hydro.Unique(hydro.Map(done, func(m matched) started {
		return started{Key: m.Key, Val: m.Val.Left}
	})), now), func(p hydro.Pair[started, time.Duration]) time.Duration { return p.Right - p.Left.Val.Sent })
	following := hydro.Unique(hydro.Map(done, func(m matched) Request { return Request{Client: m.Key, Seq: m.Val.Left.Seq + 1} }))
	fresh := hydro.Merge(hydro.Batch(first, tick, nd), following)
	sent := hydro.Map(hydro.CrossSingleton(fresh, now), func(p hydro.Pair[Request, time.Duration]) started {
		return started{Key: p.Left.Client, Val: pending{Seq: p.Left.Seq, Sent: p.Right}}
	})
	answered := hydro.Map(following, func(r Request) uint32 { return r.Client })
	carried.Complete(hydro.Merge(hydro.AntiJoin(pend, answered).Entries(), sent))
	next.Complete(hydro.AllTicks(fresh))

	hist := hydro.Fold(hydro.AllTicks(latencies), newHistogram, func(h **hdrhistogram.Histogram, d time.Duration) {
		_ = (*h).RecordValue(min(max(int64(d), lowest), highest))
	}, hydro.Commutative)

	// Each tick adds its completed requests to the current window, after
	// closing the windows whose timer fired since the last tick.
	fired := hydro.Count(hydro.Batch(hydro.SourceInterval(clients, cfg.Window, nd), tick, nd))
	perTick := hydro.Zip(hydro.Count(following), fired).IntoStream()
	counts := hydro.Fold(hydro.AllTicks(perTick), func() windows { return windows{} }, func(w *windows, p hydro.Pair[int, int]) {
		for range p.Right {
			w.done = append(w.done, w.cur)
			w.cur = 0
		}
		w.cur += int64(p.Left)
	})

	return hydro.FilterMap(hydro.SampleEvery(hydro.Zip(hist, counts), cfg.Window, nd), func(p hydro.Pair[*hdrhistogram.Histogram, windows]) (Stats, bool) {
		enc, err := p.Left.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			panic(fmt.Sprintf("bench: encoding a latency histogram in memory: %v", err))
		}
		return Stats{Windows: append([]int64(nil), p.Right.done...), Latency: enc, Samples: p.Left.TotalCount()}, true
	})
}
