// SPDX-License-Identifier: Apache-2.0

// Package bench measures a service with closed-loop clients, after Hydro's
// bench_client: a cluster of members, each running a number of virtual
// clients that each keep exactly one request in flight, sending the next as
// soon as the answer to the last arrives. Latencies go into an HdrHistogram
// (github.com/HdrHistogram/hdrhistogram-go), completed requests are counted
// per window of the clients' clock (one second by default), and an
// aggregator prints the throughput with a 99% confidence interval and the
// latency's percentiles:
//
//	Throughput: 95012.34 - 97250.00 - 99487.66 requests/s
//	Latency p50: 0.512 | p99: 1.031 | p999: 2.047 ms (2917500 samples)
//
// # Usage
//
// The caller gives Run a function from the stream of requests to the
// stream of their answers: it sends each Request to the service under
// test, in whatever form the service wants, and returns, for each answer,
// the Request it answers. A Request names its virtual client and its
// number in that client's sequence; the answer must carry both back.
//
//	clients := hydro.NewCluster[Client](f)
//	stats := bench.Run(clients, bench.Config{Clients: 100}, func(reqs hydro.Stream[bench.Request, *hydro.Cluster[Client]]) hydro.Stream[bench.Request, *hydro.Cluster[Client]] {
//		return hydro.Demux(hydro.Gather(reqs, server), clients) // a server that echoes
//	}, nd)
//	bench.Print(bench.Aggregate(stats, aggregator, bench.Config{}, nd))
//
// Aggregate gathers the members' Stats at a process and emits a Report
// every window; Print writes each to standard output. A Report's
// throughput is the sum over members of the requests completed in each
// whole window, and its interval is over the last Config.Last windows (all
// when 0), using Student's t distribution.
//
// # Time
//
// Latencies are read from the clients' clock: by default the flow's own
// timer (SourceInterval) with period Config.Resolution, which is virtual
// under hydro.Local and the simulator, so latencies there are in virtual
// time, in steps of the resolution. A deployment wanting finer latencies
// sets Config.Clock to a real clock (WallClock), read each tick; never do
// that under the simulator, whose runs must not depend on real time.
//
// NB: a closed loop never runs out of work. Under hydro.Local, Advance
// returns only if the service waits for a timer between answers (as the
// tests' service does); against one that answers at once, use RunTicks.
//
// # Determinism
//
// Where windows end and which tick takes which answer depend on timing:
// that is what the NonDet given to Run and Aggregate says. Under
// hydro.Local with a service that answers on a timer, a run is
// deterministic: the tests rely on it. Answers that repeat or that answer
// an earlier request of the virtual client are ignored.
package bench
