#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Fetches the pinned @viz-js/viz (Graphviz compiled to WebAssembly, MIT; it
# contains Graphviz and Expat in object code) with `npm pack`, checks the
# package and the file it takes from it against their SHA-256, and writes
# assets/viz-global.js, which the viewer embeds.
#
# The file is committed, so that `go build` alone builds the module: run this
# only to check the committed copy (./fetch-viz.sh -check) or to move to a
# new version (change the three pins here and vizSHA256 in viewer.go, which
# TestVizAsset checks against the embedded file).
set -euo pipefail
cd "$(dirname "$0")"

version=3.31.0
tgz_sha256=7dc0189874849cca2fed7cbe88bf334cd0e6e012db16657794a812ad6f2b8c70
js_sha256=c9e0b310f9883910e01c66054b48b7ff4be3d8695141116635e72b0af152692e

check=false
case "${1:-}" in
"") ;;
-check) check=true ;;
*)
	echo "fetch-viz.sh: unknown argument $1; usage: fetch-viz.sh [-check]" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "@viz-js/viz@$version" >/dev/null)
tgz="$tmp/viz-js-viz-$version.tgz"
echo "$tgz_sha256  $tgz" | sha256sum -c --quiet - || {
	echo "fetch-viz.sh: @viz-js/viz@$version does not match its pinned SHA-256" >&2
	exit 1
}
tar -xzf "$tgz" -C "$tmp" package/dist/viz-global.js
js="$tmp/package/dist/viz-global.js"
echo "$js_sha256  $js" | sha256sum -c --quiet - || {
	echo "fetch-viz.sh: dist/viz-global.js of @viz-js/viz@$version does not match its pinned SHA-256" >&2
	exit 1
}
if $check; then
	cmp -s "$js" assets/viz-global.js || {
		echo "fetch-viz.sh: assets/viz-global.js differs from @viz-js/viz@$version" >&2
		exit 1
	}
	echo "assets/viz-global.js is @viz-js/viz@$version"
	exit 0
fi
cp "$js" assets/viz-global.js
echo "wrote assets/viz-global.js from @viz-js/viz@$version"
