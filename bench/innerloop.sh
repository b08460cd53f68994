#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# innerloop.sh times the inner loop of simulator testing (L1 in
# bench/README.md): edit an example, rerun its simulator test, with a warm
# build cache.
#
# Before each run it makes a real edit: it changes a literal of the
# example's main.go and the value its main_test.go expects for it, together,
# so that the test still passes and both the package and its test are
# compiled again. Each run uses a value never used before: a value the build
# cache has seen (say, alternating between two variants) would be taken from
# the cache and nothing would compile. It times `go test -run TEST PKG` end to
# end, restores both files on exit, and prints the median, min and max.
#
#   counter    the read id in main() and the Example's expected answer
#              (the Example checks it; TestCounterSim runs the Counter flow
#              the same package compiles)
#   wordcount  a word of Text in main.go and its count in the test's want
#              (TestWordCountSim checks it)
#
# Before timing, it checks the edit once: with a first value, every test of
# the package must pass (go test -short, so no fleet of OS processes). That
# run also warms the cache.
#
# Environment (all optional):
#   LOOP_PKG   package, ./examples/wordcount (default) or ./examples/counter
#   LOOP_TEST  test, default TestWordCountSim (TestCounterSim for counter)
#   LOOP_RUNS  runs, default 7
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=${LOOP_PKG:-./examples/wordcount}
runs=${LOOP_RUNS:-7}
dir=${pkg#./}
dir=${dir%/}

# edit v applies the edit with the value v to the pristine files.
case "$dir" in
examples/counter)
	test=${LOOP_TEST:-TestCounterSim}
	edit() {
		sed -i "s/readIn.Push(r, 3)$/readIn.Push(r, $1)/" "$dir/main.go"
		sed -i "s|^	// read (id, count): \[(3, 3)\]$|	// read (id, count): [($1, 3)]|" "$dir/main_test.go"
		grep -q "readIn.Push(r, $1)$" "$dir/main.go" && grep -q "\[($1, 3)\]$" "$dir/main_test.go"
	}
	value() { echo "${EPOCHREALTIME/./}"; } # a new int: microseconds
	;;
examples/wordcount)
	test=${LOOP_TEST:-TestWordCountSim}
	# The word replaces "sleeps" and sorts where it did: after "runs",
	# before "the".
	edit() {
		sed -i "s/\"the dog sleeps\",$/\"the dog $1\",/" "$dir/main.go"
		sed -i "s/ sleeps=1 / $1=1 /" "$dir/main_test.go"
		grep -q "\"the dog $1\",$" "$dir/main.go" && grep -q " $1=1 " "$dir/main_test.go"
	}
	value() { echo "s${EPOCHREALTIME/./}"; } # a new word
	;;
*)
	echo "innerloop.sh: no edit known for $pkg; LOOP_PKG is ./examples/counter or ./examples/wordcount" >&2
	exit 2
	;;
esac

files=("$dir/main.go" "$dir/main_test.go")
backup=$(mktemp -d)
cp "${files[@]}" "$backup/"
restore() { for f in "${files[@]}"; do cp "$backup/$(basename "$f")" "$f"; done; }
trap 'restore; rm -rf "$backup"' EXIT
trap 'exit 130' INT TERM

fresh() {
	restore
	if ! edit "$1"; then
		echo "innerloop.sh: the edit did not apply to ${files[*]}: has the example changed?" >&2
		exit 1
	fi
}

fresh "$(value)"
go test -short -count=1 "$pkg" >/dev/null # the edit keeps every test green; warms the cache

times=()
for i in $(seq "$runs"); do
	fresh "$(value)"
	start=$(date +%s%N)
	go test -count=1 -run "^${test}\$" "$pkg" >/dev/null
	end=$(date +%s%N)
	times+=($(((end - start) / 1000000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")
echo "edit + go test -run ${test} ${pkg}: median ${median} ms, min $(echo "$sorted" | head -1) ms, max $(echo "$sorted" | tail -1) ms over ${runs} runs ($(go env GOVERSION), $(nproc) CPUs)"
