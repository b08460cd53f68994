// SPDX-License-Identifier: Apache-2.0

package sim

// EnumerateFull is Enumerate without partial-order reduction, for the tests
// and benchmarks that compare the two.
func EnumerateFull(max int, scenario func(*Sim)) (int, *Failure, bool) {
	st, f, complete := enumerate(max, false, scenario)
	return st.ran - st.pruned, f, complete
}

// Explored is what an exhaustive search did: executions started, those
// that ran to their end, those stopped at a state explored before.
type Explored struct{ Ran, Finished, Revisits int }

// Explore runs an exhaustive search with partial-order reduction, and
// with state hashing if states is set, and reports what it did.
func Explore(max int, states bool, scenario func(*Sim)) (Explored, *Failure, bool) {
	st, f, complete := explore(max, reduction{por: true, states: states}, scenario)
	return Explored{Ran: st.ran, Finished: st.ran - st.pruned, Revisits: st.revisits}, f, complete
}

// CompareExhaustive is Equivalent without a test to fail: it returns the
// first failure, of the original flow (original set) or of the rewritten
// one, and whether the original's outcomes were all found.
func CompareExhaustive(max int, scenario func(*Sim, bool)) (f *Failure, original, complete bool) {
	orig, _, f, complete := originals(Config{MaxExecutions: max}.withDefaults(), scenario)
	if f != nil || !complete {
		return f, true, complete
	}
	_, f, complete = explore(max, reduction{por: true, states: true}, func(s *Sim) {
		scenario(s, true)
		orig.check(s)
	})
	return f, false, complete
}
