// SPDX-License-Identifier: Apache-2.0

package main

import (
	"math"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkB1Chain/op=chain,n=10/impl=dfir-2     	 40	 30.0 ns/op	 3.0 ns/elem	 0 B/op	 0 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=baseline-2 	 40	 20.0 ns/op	 2.0 ns/elem	 0 B/op	 0 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=pipeline-2 	 40	 600 ns/op	 60 ns/elem	 9 B/op	 1 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=dfir-2     	 40	 40.0 ns/op	 4.0 ns/elem	 0 B/op	 0 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=baseline-2 	 40	 20.0 ns/op	 2.0 ns/elem	 0 B/op	 0 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=pipeline-2 	 40	 1200 ns/op	 120 ns/elem	 9 B/op	 1 allocs/op
BenchmarkB1Chain/op=chain,n=10/impl=baseline-2 	 40	 10.0 ns/op	 1.0 ns/elem	 0 B/op	 0 allocs/op
BenchmarkB5Ticks/op=empty_tick,graph=chain/impl=dfir 	 9	 100 ns/op	 100 ns/tick
PASS
pkg: github.com/hydro-go/hydro/bench
BenchmarkB7Echo/op=echo,outstanding=1,n=10/impl=baseline-2 	 1	 100 ns/op	 10 ns/rt	 15000 p50-ns	 30000 p99-ns	 0 B/op	 0 allocs/op
BenchmarkB7Echo/op=echo,outstanding=1,n=10/impl=hydro-2    	 1	 200 ns/op	 20 ns/rt	 21000 p50-ns	 60000 p99-ns	 5 B/op	 1 allocs/op
PASS
pkg: github.com/hydro-go/hydro/bench/peers
BenchmarkB7Echo/op=echo,outstanding=1,n=10/impl=nats-2     	 1	 600 ns/op	 60 ns/rt	 42000 p50-ns	 90000 p99-ns	 9 B/op	 2 allocs/op
PASS
`

func TestRatios(t *testing.T) {
	s, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.workloads, " "), "BenchmarkB1Chain/op=chain,n=10 BenchmarkB5Ticks/op=empty_tick,graph=chain BenchmarkB7Echo/op=echo,outstanding=1,n=10"; got != want {
		t.Fatalf("workloads = %q; want %q", got, want)
	}
	checkRatios(t, s, "BenchmarkB1Chain/op=chain,n=10", []ratio{
		// The third baseline run has no dfir run to pair with.
		{label: "dfir/baseline", median: 1.75, low: 1.5, high: 2, pairs: 2},
		{label: "pipeline/dfir", median: 25, low: 20, high: 30, pairs: 2},
	})
	// Without dfir, hydro is the subject; nats, from the peers module, is
	// a peer; the p50 latencies have ratios of their own.
	checkRatios(t, s, "BenchmarkB7Echo/op=echo,outstanding=1,n=10", []ratio{
		{label: "hydro/baseline", median: 2, low: 2, high: 2, pairs: 1},
		{label: "hydro/baseline p50", median: 1.4, low: 1.4, high: 1.4, pairs: 1},
		{label: "nats/hydro", median: 3, low: 3, high: 3, pairs: 1},
		{label: "nats/hydro p50", median: 2, low: 2, high: 2, pairs: 1},
	})
	if r := s.workloadRatios("BenchmarkB5Ticks/op=empty_tick,graph=chain"); len(r) != 0 {
		t.Errorf("a workload without a baseline has ratios %+v", r)
	}
	var b strings.Builder
	s.print(&b)
	for _, line := range []string{
		"| BenchmarkB1Chain/op=chain,n=10 | dfir/baseline | 1.75 | 1.50–2.00 | 2 |",
		"| BenchmarkB5Ticks/op=empty_tick,graph=chain | dfir | 100 | 100 ns/tick |  | 0 | 0 | 1 |",
		"| BenchmarkB7Echo/op=echo,outstanding=1,n=10 | hydro/baseline p50 | 1.40 | 1.40–1.40 | 1 |",
		"| BenchmarkB7Echo/op=echo,outstanding=1,n=10 | nats | 600 | 60 ns/rt | 42k / 90k ns | 9 | 2 | 1 |",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("table lacks %q:\n%s", line, b.String())
		}
	}
}

func checkRatios(t *testing.T, s *suite, workload string, want []ratio) {
	t.Helper()
	got := s.workloadRatios(workload)
	if len(got) != len(want) {
		t.Fatalf("%s: ratios = %+v; want %+v", workload, got, want)
	}
	for i := range want {
		g := got[i]
		if g.label != want[i].label || g.pairs != want[i].pairs ||
			!near(g.median, want[i].median) || !near(g.low, want[i].low) || !near(g.high, want[i].high) {
			t.Errorf("%s: ratio %d = %+v; want %+v", workload, i, g, want[i])
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
