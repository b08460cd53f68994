// SPDX-License-Identifier: Apache-2.0

// Package netbench is what the networked benchmarks B6 (stream) and B7
// (echo) share between the bench package and the peers module
// (bench/peers), so that every implementation, ours and the peers', is
// sized, timed and checked by the same code: the record and request
// formats, the receiving ends that check them, and the benchmark loop.
package netbench
