// SPDX-License-Identifier: Apache-2.0

// Package peers runs the networked workloads of the bench suite on the
// systems a user would pick instead of Hydro: an embedded NATS server (B6
// stream: publish → subscribe; B7 echo: request → reply), and etcd raft (B8
// paxos: three RawNodes in one process, impl=raft and impl=raft_wire; and
// beside rediskv.Replicate, B10r, BenchmarkReplicate: a Redis store with
// every command through a consensus log). It is a module of its own so
// that the library's go.mod never lists a peer.
//
// Its benchmarks are named as the bench package's, with impl=nats or
// impl=raft, and are
// sized, timed and checked by the same code (bench/internal/netbench), so
// that bench/ratios.sh, which runs both modules in every round, pairs
// their runs:
//
//	bench/ratios.sh                          # every round runs both modules
//	cd bench/peers && go test -bench . -benchtime 1x ./...   # a smoke run
//
// The package holds nothing but its tests.
package peers
