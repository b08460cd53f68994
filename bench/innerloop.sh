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
# end, restores both files on exit, and prints the median, min and max of
# the wall time and of the CPU time.
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

# Wall time is what the goal is about; CPU time (user + sys of go test and
# everything it runs) says how much of it was work when the machine is
# shared with other jobs.
log=$backup/go-test.log
TIMEFORMAT='%R %U %S'
wall=() cpu=()
for i in $(seq "$runs"); do
	fresh "$(value)"
	if ! t=$({ time go test -count=1 -run "^${test}\$" "$pkg" >"$log" 2>&1; } 2>&1); then
		cat "$log" >&2
		exit 1
	fi
	read -r real user sys <<<"$t"
	wall+=("$(awk -v r="$real" 'BEGIN { printf "%d", r * 1000 }')")
	cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
# stats prints the median, min and max of its arguments.
stats() {
	local sorted
	sorted=$(printf '%s\n' "$@" | sort -n)
	echo "median $(echo "$sorted" | sed -n "$((($# + 1) / 2))p") ms, min $(echo "$sorted" | head -1) ms, max $(echo "$sorted" | tail -1) ms"
}
echo "edit + go test -run ${test} ${pkg}, ${runs} runs ($(go env GOVERSION), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  wall: $(stats "${wall[@]}")"
echo "  cpu:  $(stats "${cpu[@]}") (user + sys)"
