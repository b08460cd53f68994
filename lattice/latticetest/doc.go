// SPDX-License-Identifier: Apache-2.0

// Package latticetest checks that a type obeys the lattice laws that package lattice and its
// users rely on.
//
// # Usage
//
// Call [CheckLaws] from a test with a handful of sample values that cover the interesting
// cases: bottom, values that are ordered, values that are incomparable, nested values that
// share keys:
//
//	func TestVersionLaws(t *testing.T) {
//		latticetest.CheckLaws(t, []Version{{}, {N: 1}, {N: 2, Node: "a"}, {N: 2, Node: "b"}})
//	}
//
// CheckLaws tries every pair and triple of samples, so its cost grows with the cube of the
// number of samples: a dozen samples is plenty, and random ones can come from a property-test
// generator, a few at a time.
//
// # Determinism
//
// CheckLaws visits the samples in order and reports failures in that order. It detects shared
// storage by comparing values printed with %v before and after merges, so the samples must
// print deterministically: their String methods, if any, must not depend on map order.
package latticetest
