#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The image deploy -image-tar writes, run for real: a static wordcount is
# built, its image written by our own code, imported with ctr into a
# containerd of this script's own (its own root, state and socket, so that
# a containerd of the machine is left alone), and run with runc; its
# version output is checked. Needs root and Debian's containerd and runc,
# which it installs when missing. Everything it starts is stopped by PID.
#
# Cold run on a 2-core machine, containerd not installed: about 60 s (40 s
# of apt-get, 15 s of go build); warm: about 10 s.
#
# This is the first step of the Kubernetes end-to-end test issue 16
# describes (a single-node cluster built from the module proxy); that
# cluster is not scripted yet.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

if ! command -v ctr >/dev/null || ! command -v containerd >/dev/null || ! command -v runc >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq containerd runc >/dev/null
fi

work=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -o "$work/wc" ./examples/wordcount
"$work/wc" deploy -k8s -image hydro.local/wc:e2e -image-tar "$work/wc.tar" -cluster Worker=3 -o "$work/wc.yaml"

sock="$work/containerd.sock"
containerd --root "$work/root" --state "$work/state" --address "$sock" >"$work/containerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || { cat "$work/containerd.log"; echo "containerd did not start"; exit 1; }

ctr --address "$sock" -n k8s.io images import "$work/wc.tar"
ctr --address "$sock" -n k8s.io images ls -q | grep -qx 'hydro.local/wc:e2e'
out=$(ctr --address "$sock" -n k8s.io run --rm hydro.local/wc:e2e wc-e2e /hydro version)
echo "$out"
grep -q '^github.com/hydro-go/hydro' <<<"$out"
echo "1 passed, 0 failed"
