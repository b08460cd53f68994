#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# ratios.sh runs the bench suite and prints, per workload, dfir's cost over
# each baseline's (and how many times faster dfir is than each pipeline);
# for the networked workloads B6 and B7, hydro's cost over the baseline's
# and how many times faster hydro is than each peer (NATS), in time and in
# p50 latency: the median and the min–max of the per-round ratios, then the
# median cost of every implementation.
#
# Every round runs the bench package, then the peers module (bench/peers,
# a module of its own so that the library's go.mod lists no peer); the two
# name their benchmarks alike, so the ratios pair their runs round by round.
#
# The suite runs BENCH_COUNT rounds of `go test -count 1`, not one
# `go test -count N`: with -count N a benchmark runs N times in a row before
# the next starts, so a ratio would pair runs minutes apart on a machine
# whose speed drifts by up to 1.7×. Within a round the implementations of a
# workload run back to back, and the i-th ratio pairs runs of round i.
#
# Environment (all optional):
#   BENCH_COUNT   rounds, default 6
#   BENCH_FILTER  -bench pattern, default . (e.g. 'B1|B4' or 'B4/op=join')
#   BENCH_TIME    -benchtime, default 1s (1x: one iteration, a smoke run)
#   BENCH_ARGS    more go test flags, e.g. '-cpu 1'
#   BENCH_PEERS   0 skips the peers module
#   BENCH_OUT     file that receives the raw output (benchstat reads it);
#                 default a temporary file, removed at exit
#   BENCH_RAW     skip running: compute the tables from this raw output
#   BENCHSTAT=1   also print benchstat's summary of the raw output
set -euo pipefail
cd "$(dirname "$0")/.."

count=${BENCH_COUNT:-6}
filter=${BENCH_FILTER:-.}
benchtime=${BENCH_TIME:-1s}

if [[ -n ${BENCH_RAW:-} ]]; then
	raw=$BENCH_RAW
else
	if [[ -n ${BENCH_OUT:-} ]]; then
		raw=$BENCH_OUT
		: >"$raw"
	else
		raw=$(mktemp)
		trap 'rm -f "$raw"' EXIT
	fi
	for ((i = 1; i <= count; i++)); do
		echo "ratios.sh: round $i of $count" >&2
		# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
		go test -run '^$' -bench "$filter" -benchtime "$benchtime" -count 1 ${BENCH_ARGS:-} ./bench/ | tee -a "$raw" >&2
		if [[ ${BENCH_PEERS:-1} != 0 ]]; then
			# shellcheck disable=SC2086
			(cd bench/peers && go test -run '^$' -bench "$filter" -benchtime "$benchtime" -count 1 ${BENCH_ARGS:-} ./...) | tee -a "$raw" >&2
		fi
	done
fi

go run ./bench/internal/ratios <"$raw"

if [[ ${BENCHSTAT:-} == 1 ]]; then
	echo
	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$raw"
fi
