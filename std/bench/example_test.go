// SPDX-License-Identifier: Apache-2.0

package bench_test

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/bench"
)

// Two members with three virtual clients each, against a service that
// answers every millisecond, for half a second of virtual time; the
// aggregator prints its last report, over the last three windows.
func Example() {
	f := hydro.NewFlow()
	clients := hydro.NewCluster[Client](f)
	server := hydro.NewProcess[Server](f)
	agg := hydro.NewProcess[Aggregator](f)
	cfg := bench.Config{Clients: 3, Window: 100 * time.Millisecond, Last: 3}
	stats := bench.Run(clients, cfg, echoEvery(clients, server, time.Millisecond), nd)
	reports := hydro.NewOutput(bench.Aggregate(stats, agg, cfg, nd))

	r := hydro.MustLocal(f, hydro.SizeOf[Client](2))
	for range 500 {
		r.Advance(time.Millisecond)
	}
	all := reports.Drain(r)
	last := all[len(all)-1]
	fmt.Print(last.Throughput[1:], "\n", last)
	// Output:
	// [6000 6000 6000]
	// Throughput: 6000.00 - 6000.00 - 6000.00 requests/s
	// Latency p50: 1.000 | p99: 1.000 | p999: 1.000 ms (2388 samples)
}
