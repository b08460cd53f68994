// SPDX-License-Identifier: Apache-2.0

package sim

// EnumerateFull is Enumerate without partial-order reduction, for the tests
// and benchmarks that compare the two.
func EnumerateFull(max int, scenario func(*Sim)) (int, *Failure, bool) {
	st, f, complete := enumerate(max, false, scenario)
	return st.ran - st.pruned, f, complete
}
