// SPDX-License-Identifier: Apache-2.0

package bench_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
	"github.com/hydro-go/hydro/std/bench"
)

type (
	Client     struct{}
	Server     struct{}
	Aggregator struct{}
)

var nd = hydro.NonDet("a benchmark measures timing")

// echoEvery is a service that answers, every period of its clock, every
// request that arrived since: under Local each round trip then takes one
// period of virtual time, and the flow settles between timer firings.
func echoEvery[C, S any](clients *hydro.Cluster[C], server *hydro.Process[S], period time.Duration) func(hydro.Stream[bench.Request, *hydro.Cluster[C]]) hydro.Stream[bench.Request, *hydro.Cluster[C]] {
	return func(reqs hydro.Stream[bench.Request, *hydro.Cluster[C]]) hydro.Stream[bench.Request, *hydro.Cluster[C]] {
		type req = hydro.KV[hydro.MemberID[C], bench.Request]
		tick := hydro.NewTick(server)
		carried, held := hydro.TickCycle[req](tick, hydro.Unordered)
		all := hydro.Merge(hydro.BatchKeyed(hydro.Gather(reqs, server), tick, nd).Entries(), held)
		fired := hydro.Count(hydro.Batch(hydro.SourceInterval(server, period, nd), tick, nd))
		now := hydro.MapSingleton(fired, func(n int) bool { return n > 0 })
		carried.Complete(hydro.FilterIf(all, hydro.Not(now)))
		out := hydro.AllTicks(hydro.FilterIf(all, now))
		return hydro.Demux(hydro.IntoKeyed(out), clients)
	}
}

// flow is two client members with three virtual clients each against
// echoEvery(1ms), windows of 100ms, and an aggregator.
func flow(clock ...func() time.Duration) (*hydro.Flow, *hydro.Output[bench.Stats], *hydro.Output[bench.Report]) {
	f := hydro.NewFlow()
	clients := hydro.NewCluster[Client](f)
	server := hydro.NewProcess[Server](f)
	agg := hydro.NewProcess[Aggregator](f)
	cfg := bench.Config{Clients: 3, Window: 100 * time.Millisecond}
	if len(clock) > 0 {
		cfg.Clock = clock[0]
	}
	stats := bench.Run(clients, cfg, echoEvery(clients, server, time.Millisecond), nd)
	reports := bench.Aggregate(stats, agg, bench.Config{Window: 100 * time.Millisecond, Last: 5}, nd)
	return f, hydro.NewOutput(stats), hydro.NewOutput(reports)
}

func TestRunLocal(t *testing.T) {
	f, statsOut, reportsOut := flow()
	r := hydro.MustLocal(f, hydro.SizeOf[Client](2))
	r.RunAvailable()
	for range 1000 {
		r.Advance(time.Millisecond)
	}
	stats := statsOut.DrainMember(r, 0)
	if len(stats) < 9 {
		t.Fatalf("member 0 reported %d times in 1s of 100ms windows; want about 10", len(stats))
	}
	last := stats[len(stats)-1]
	// Each virtual client completes one request per millisecond: 300 per
	// window for three of them.
	if len(last.Windows) < 8 {
		t.Fatalf("last report has %d windows; want about 10", len(last.Windows))
	}
	for i, n := range last.Windows[1:] {
		if n != 300 {
			t.Errorf("window %d completed %d requests; want 300", i+1, n)
		}
	}
	h, err := last.Histogram()
	if err != nil {
		t.Fatal(err)
	}
	if h.TotalCount() != last.Samples || h.TotalCount() < 2900 {
		t.Errorf("histogram holds %d latencies (Samples %d); want about 3000", h.TotalCount(), last.Samples)
	}
	if lo, hi := time.Duration(h.Min()), time.Duration(h.Max()); lo < 990*time.Microsecond || hi > 1010*time.Microsecond {
		t.Errorf("latencies from %v to %v; want 1ms, the service's period", lo, hi)
	}

	reports := reportsOut.Drain(r)
	if len(reports) < 8 {
		t.Fatalf("%d reports; want about 10", len(reports))
	}
	rep := reports[len(reports)-1]
	if rep.Members != 2 || rep.Windows != 5 {
		t.Errorf("report of %d members over %d windows; want 2 and 5", rep.Members, rep.Windows)
	}
	if rep.Mean != 6000 || rep.Low != 6000 || rep.High != 6000 {
		t.Errorf("throughput %v - %v - %v; want 6000 requests/s exactly", rep.Low, rep.Mean, rep.High)
	}
	if p := rep.Percentile(0.99); p < 990*time.Microsecond || p > 1010*time.Microsecond {
		t.Errorf("p99 = %v; want 1ms", p)
	}
	// The aggregator's last report may be a window behind the members'.
	if got, want := rep.Latency.TotalCount(), 2*(h.TotalCount()-300); got < want {
		t.Errorf("merged histogram holds %d latencies; want both members', at least %d", got, want)
	}
	if s := rep.String(); !strings.HasPrefix(s, "Throughput: 6000.00 - 6000.00 - 6000.00 requests/s\nLatency p50: 1.000 | p99: 1.000 | p999: 1.000 ms (") {
		t.Errorf("report prints %q", s)
	}
}

// Under the simulator, whatever the order of steps: every report's counts
// and histogram agree, latencies stay within two periods of the service
// (a request may wait for the next firing, and the clock's reading may lag
// by one), and the clients keep making progress.
func TestRunAnySchedule(t *testing.T) {
	sim.Random(t, sim.Config{Runs: 10}, func(s *sim.Sim) {
		f, statsOut, _ := flow()
		r := s.Local(f, hydro.SizeOf[Client](2))
		for range 300 {
			r.Advance(time.Millisecond)
		}
		for m := range 2 {
			stats := statsOut.DrainMember(r, m)
			s.Assert(len(stats) > 0, "member %d never reported", m)
			last := stats[len(stats)-1]
			h, err := last.Histogram()
			s.Assert(err == nil, "decoding: %v", err)
			var done int64
			for _, n := range last.Windows {
				done += n
			}
			s.Assert(h.TotalCount() == last.Samples && done <= last.Samples, "member %d: %d samples, %d in histogram, %d in windows", m, last.Samples, h.TotalCount(), done)
			s.Assert(last.Samples > 30, "member %d completed only %d requests in 300ms", m, last.Samples)
			s.Assert(time.Duration(h.Max()) <= 2*time.Millisecond+time.Millisecond/100, "member %d: latency up to %v", m, time.Duration(h.Max()))
		}
	})
}

func TestInterval99(t *testing.T) {
	for _, tt := range []struct {
		in              []float64
		low, mean, high float64
	}{
		{nil, 0, 0, 0},
		{[]float64{5}, 5, 5, 5},
		{[]float64{4, 4, 4}, 4, 4, 4},
		// mean 2, sd 1, n 3: margin 9.925 / sqrt(3)
		{[]float64{1, 2, 3}, 2 - 9.925/math.Sqrt(3), 2, 2 + 9.925/math.Sqrt(3)},
	} {
		low, mean, high := bench.Interval99(tt.in)
		if math.Abs(low-tt.low) > 1e-9 || mean != tt.mean || math.Abs(high-tt.high) > 1e-9 {
			t.Errorf("Interval99(%v) = %v, %v, %v; want %v, %v, %v", tt.in, low, mean, high, tt.low, tt.mean, tt.high)
		}
	}
}

func stats(t *testing.T, windows []int64, latencies ...time.Duration) bench.Stats {
	h := hdrhistogram.New(1, int64(time.Minute), 3)
	for _, d := range latencies {
		if err := h.RecordValue(int64(d)); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return bench.Stats{Windows: windows, Latency: enc, Samples: h.TotalCount()}
}

// The aggregator's text, from members' stats: windows that every member
// ended are summed, the others wait.
func TestSummarizeText(t *testing.T) {
	var lat []time.Duration
	for i := range 1000 {
		lat = append(lat, time.Duration(i+1)*time.Microsecond)
	}
	a := stats(t, []int64{100, 110, 90, 100}, lat[:500]...)
	b := stats(t, []int64{100, 90, 110}, lat[500:]...)
	r, err := bench.Summarize([]bench.Stats{a, b}, bench.Config{Window: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{400, 400, 400}; !slices.Equal(r.Throughput, want) {
		t.Errorf("Throughput = %v; want %v", r.Throughput, want)
	}
	want := "Throughput: 400.00 - 400.00 - 400.00 requests/s\nLatency p50: 0.500 | p99: 0.990 | p999: 0.999 ms (1000 samples)\n"
	if got := r.String(); got != want {
		t.Errorf("String() =\n%s; want\n%s", got, want)
	}
	r, _ = bench.Summarize([]bench.Stats{stats(t, []int64{1, 3, 5}, time.Millisecond)}, bench.Config{Last: 2})
	if r.Windows != 2 || r.Mean != 4 || r.Low >= 4 || r.High <= 4 {
		t.Errorf("Last 2 of [1 3 5]: %d windows, %v - %v - %v; want 2 windows around 4", r.Windows, r.Low, r.Mean, r.High)
	}
	r, _ = bench.Summarize([]bench.Stats{stats(t, []int64{7}, 2*time.Millisecond)}, bench.Config{})
	// To 3 digits, 2ms reads back as the top of its bucket.
	if got, want := r.String(), "Latency p50: 2.001 | p99: 2.001 | p999: 2.001 ms (1 samples)\n"; got != want {
		t.Errorf("one window: String() = %q; want %q", got, want)
	}
	if _, err := bench.Summarize([]bench.Stats{{Latency: []byte("junk")}}, bench.Config{}); err == nil {
		t.Error("Summarize of a junk histogram succeeded; want an error")
	}
}

// With a Clock, latencies are read from it each tick rather than from the
// timer: here the Local's own virtual clock, exact.
func TestRunClock(t *testing.T) {
	var r *hydro.Local
	f, statsOut, _ := flow(func() time.Duration { return r.Now() })
	r = hydro.MustLocal(f, hydro.SizeOf[Client](2))
	for range 300 {
		r.Advance(time.Millisecond)
	}
	stats := statsOut.DrainMember(r, 1)
	if len(stats) == 0 {
		t.Fatal("member 1 never reported")
	}
	h, err := stats[len(stats)-1].Histogram()
	if err != nil {
		t.Fatal(err)
	}
	if h.TotalCount() < 600 || time.Duration(h.Min()) < 999*time.Microsecond || time.Duration(h.Max()) > 1001*time.Microsecond {
		t.Errorf("%d latencies from %v to %v; want about 900, all 1ms (to 3 digits)", h.TotalCount(), time.Duration(h.Min()), time.Duration(h.Max()))
	}
}
