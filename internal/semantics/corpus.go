// SPDX-License-Identifier: Apache-2.0

package semantics

// Cases returns the corpus, family by family: stream, tick, aggregate,
// keyed, combine, ops, quickstart. Each call builds fresh cases.
func Cases() []Case {
	var all []Case
	for _, family := range []func() []Case{streamCases, tickCases, aggregateCases, keyedCases, combineCases, opsCases, quickstartCases} {
		all = append(all, family()...)
	}
	return all
}
