// SPDX-License-Identifier: Apache-2.0

package main

import (
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
`

func TestRatios(t *testing.T) {
	s, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.workloads, " "), "BenchmarkB1Chain/op=chain,n=10 BenchmarkB5Ticks/op=empty_tick,graph=chain"; got != want {
		t.Fatalf("workloads = %q; want %q", got, want)
	}
	got := s.workloadRatios("BenchmarkB1Chain/op=chain,n=10")
	want := []ratio{
		// The third baseline run has no dfir run to pair with.
		{label: "dfir/baseline", median: 1.75, low: 1.5, high: 2, pairs: 2},
		{label: "pipeline/dfir", median: 25, low: 20, high: 30, pairs: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("ratios = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ratio %d = %+v; want %+v", i, got[i], want[i])
		}
	}
	if r := s.workloadRatios("BenchmarkB5Ticks/op=empty_tick,graph=chain"); len(r) != 0 {
		t.Errorf("a workload without a baseline has ratios %+v", r)
	}
	var b strings.Builder
	s.print(&b)
	for _, line := range []string{
		"| BenchmarkB1Chain/op=chain,n=10 | dfir/baseline | 1.75 | 1.50–2.00 | 2 |",
		"| BenchmarkB5Ticks/op=empty_tick,graph=chain | dfir | 100 | 100 ns/tick | 0 | 0 | 1 |",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("table lacks %q:\n%s", line, b.String())
		}
	}
}
