#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# innerloop.sh times the inner loop of simulator testing: edit an example,
# rerun its simulator test, with a warm build cache. It appends a comment to
# the example's source before each run (so the package really rebuilds),
# times `go test -run TEST PKG` end to end, restores the file, and prints
# the median and range over the runs.
#
# Environment (all optional):
#   LOOP_PKG   package, default ./examples/wordcount
#   LOOP_TEST  test, default TestWordCountSim
#   LOOP_FILE  file to edit, default examples/wordcount/main.go
#   LOOP_RUNS  runs, default 7
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=${LOOP_PKG:-./examples/wordcount}
test=${LOOP_TEST:-TestWordCountSim}
file=${LOOP_FILE:-examples/wordcount/main.go}
runs=${LOOP_RUNS:-7}

backup=$(mktemp)
cp "$file" "$backup"
trap 'cp "$backup" "$file"; rm -f "$backup"' EXIT

go test -count=1 -run "^${test}\$" "$pkg" >/dev/null # warm the cache
times=()
for i in $(seq "$runs"); do
	cp "$backup" "$file"
	echo "// edit $i $RANDOM" >>"$file"
	start=$(date +%s%N)
	go test -count=1 -run "^${test}\$" "$pkg" >/dev/null
	end=$(date +%s%N)
	times+=($(((end - start) / 1000000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")
echo "edit + go test -run ${test} ${pkg}: median ${median} ms, min $(echo "$sorted" | head -1) ms, max $(echo "$sorted" | tail -1) ms over ${runs} runs"
