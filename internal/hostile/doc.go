// SPDX-License-Identifier: Apache-2.0

// Package hostile is the hostile-peer and fault suite of deployed nodes:
// tests, and no code of its own, that run real nodes (internal/node) over
// loopback inside the test process and hold them to their bounds.
//
// # Usage
//
// Run it as any package: go test ./internal/hostile/. Each case is bounded
// in time (a few seconds) and in memory, measured in the test process
// through runtime/metrics, and checks for goroutine leaks (goleak). The
// slow-receiver soak runs for 5 s; set HYDRO_SOAK to a duration ("60s")
// to run it longer.
//
// The cases, each a test:
//
//   - churn on a broadcasting port: thousands of clients connect and close
//     while a few stay; the port's memory stays bounded and the clients that
//     stay receive every message, in order (TestChurnBroadcast);
//   - idle clients that each sent one large line hold no more than their
//     small buffers (TestIdleLargeLines);
//   - a message stalled halfway is closed after FrameTimeout, a silent
//     client after IdleTimeout, and the port serves on (TestStalledFrame,
//     TestIdleClient);
//   - a port at MaxClients takes in the next client once one leaves
//     (TestMaxClients);
//   - a client whose dial returned receives the flow's next output
//     (TestSinkAfterDial), and one that half-closes receives every answer
//     through a two-node relay (TestRelayHalfClose);
//   - a receiver that reads slowly: the sender's memory stays flat, and
//     nothing is lost or repeated on the ordered channel (TestSlowReceiver);
//   - a dead member does not choke the throughput to the live ones
//     (TestDeadMember).
//
// Impostors and plaintext peers belong to the nodes' TLS and are tested
// with it, in transport/tcp.
package hostile
