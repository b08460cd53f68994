// SPDX-License-Identifier: Apache-2.0

// Package compose holds the end-to-end test of the Compose file deploy
// -compose writes: a Docker engine started on this machine by engine.sh
// (Debian's docker.io; Docker Compose built from the Go module proxy), the
// example's image, written by the program itself (-image-tar), loaded
// into it, the file checked by docker compose config and brought up, a
// member killed and brought back by the engine, and everything torn down.
//
// CI runs it: .ci/run installs and builds the engine's parts first
// (engine.sh build), and go test ./... runs the test with the others. It
// needs root; it is skipped without root or when the parts are missing,
// unless CI is set: then it fails. Under -race it is skipped, since its
// own code only runs commands. By hand, as root:
//
//	test/e2e/compose/engine.sh build   # once: apt-get, and Compose's build
//	go test ./test/e2e/compose/
package compose
