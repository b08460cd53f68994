// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/hydro-go/hydro"
)

// Report is the aggregator's view of a run so far.
type Report struct {
	// Members is how many client members have reported.
	Members int
	// Throughput is requests per second in each whole window, summed over
	// the members that reported it.
	Throughput []float64
	// Low, Mean and High are the mean throughput over the last Config.Last
	// windows (all when 0) and its 99% confidence interval; with fewer
	// than two windows they are all the mean (or 0).
	Low, Mean, High float64
	// Windows is how many windows Low, Mean and High are over.
	Windows int
	// Latency holds every member's latencies, in nanoseconds.
	Latency *hdrhistogram.Histogram
}

// Percentile returns the latency at quantile q (0.99 for p99).
func (r Report) Percentile(q float64) time.Duration {
	if r.Latency == nil {
		return 0
	}
	return time.Duration(r.Latency.ValueAtQuantile(q * 100))
}

// String is the two lines Print writes: the throughput line only once two
// windows have ended, as an interval needs two samples.
//
//	Throughput: 95012.34 - 97250.00 - 99487.66 requests/s
//	Latency p50: 0.512 | p99: 1.031 | p999: 2.047 ms (2917500 samples)
func (r Report) String() string {
	var b strings.Builder
	if r.Windows >= 2 {
		fmt.Fprintf(&b, "Throughput: %.2f - %.2f - %.2f requests/s\n", r.Low, r.Mean, r.High)
	}
	ms := func(q float64) float64 { return float64(r.Percentile(q)) / float64(time.Millisecond) }
	var n int64
	if r.Latency != nil {
		n = r.Latency.TotalCount()
	}
	fmt.Fprintf(&b, "Latency p50: %.3f | p99: %.3f | p999: %.3f ms (%d samples)\n", ms(0.5), ms(0.99), ms(0.999), n)
	return b.String()
}

// Aggregate gathers the members' Stats at process at and emits a Report
// every cfg.Window once a member has reported. cfg.Window and cfg.Last
// apply; nd must say why the caller does not mind when reports are taken.
func Aggregate[C, A any](stats hydro.Stream[Stats, *hydro.Cluster[C]], at *hydro.Process[A], cfg Config, nd hydro.NonDet) hydro.Stream[Report, *hydro.Process[A]] {
	cfg = cfg.withDefaults()
	type member = hydro.KV[hydro.MemberID[C], Stats]
	latest := hydro.Fold(hydro.Gather(stats, at).Entries(), func() map[hydro.MemberID[C]]Stats { return map[hydro.MemberID[C]]Stats{} },
		func(m *map[hydro.MemberID[C]]Stats, s member) {
			// Each report holds everything before it: keep the newest.
			old, ok := (*m)[s.Key]
			if !ok || newer(s.Val, old) {
				(*m)[s.Key] = s.Val
			}
		}, hydro.Commutative, hydro.Idempotent)
	return hydro.FilterMap(hydro.SampleEvery(latest, cfg.Window, nd), func(m map[hydro.MemberID[C]]Stats) (Report, bool) {
		if len(m) == 0 {
			return Report{}, false
		}
		all := make([]Stats, 0, len(m))
		for _, s := range m {
			all = append(all, s)
		}
		r, err := Summarize(all, cfg)
		if err != nil {
			panic(err) // NB: Stats are made by Run, which encodes histograms that decode
		}
		return r, true
	})
}

func newer(a, b Stats) bool {
	if len(a.Windows) != len(b.Windows) {
		return len(a.Windows) > len(b.Windows)
	}
	return a.Samples > b.Samples
}

// Summarize makes the Report of the latest Stats of each member: the
// windows that every member has ended, summed, and the histograms merged.
func Summarize(members []Stats, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	r := Report{Members: len(members), Latency: newHistogram()}
	ended := -1
	for _, s := range members {
		if ended < 0 || len(s.Windows) < ended {
			ended = len(s.Windows)
		}
		h, err := s.Histogram()
		if err != nil {
			return Report{}, err
		}
		r.Latency.Merge(h)
	}
	for k := range max(ended, 0) {
		var sum int64
		for _, s := range members {
			sum += s.Windows[k]
		}
		r.Throughput = append(r.Throughput, float64(sum)/cfg.Window.Seconds())
	}
	samples := r.Throughput
	if cfg.Last > 0 && len(samples) > cfg.Last {
		samples = samples[len(samples)-cfg.Last:]
	}
	r.Windows = len(samples)
	r.Low, r.Mean, r.High = Interval99(samples)
	return r, nil
}

// Interval99 returns the mean of samples and its two-sided 99% confidence
// interval, from Student's t distribution with len(samples)-1 degrees of
// freedom. With fewer than two samples the interval is the mean alone.
func Interval99(samples []float64) (low, mean, high float64) {
	n := len(samples)
	if n == 0 {
		return 0, 0, 0
	}
	for _, x := range samples {
		mean += x
	}
	mean /= float64(n)
	if n < 2 {
		return mean, mean, mean
	}
	var ss float64
	for _, x := range samples {
		ss += (x - mean) * (x - mean)
	}
	margin := t995(n-1) * math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	return mean - margin, mean, mean + margin
}

// t995 is the 0.995 quantile of Student's t distribution with df degrees
// of freedom: exact to three decimals up to 30, then approaching the
// normal's 2.576 as 2.576 + 5.2/df, within 0.005 of the exact value.
func t995(df int) float64 {
	table := [...]float64{63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
		3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845,
		2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750}
	if df <= len(table) {
		return table[df-1]
	}
	return 2.576 + 5.2/float64(df)
}

// Print writes every report to standard output.
func Print[A any](reports hydro.Stream[Report, *hydro.Process[A]]) {
	hydro.ForEach(reports, func(r Report) { fmt.Print(r) })
}
