// SPDX-License-Identifier: Apache-2.0

package latticetest

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/lattice"
)

// maxFailures is how many failures CheckLaws reports before it gives up: a broken lattice
// fails on most pairs, and the first few failures say enough.
const maxFailures = 20

// CheckLaws checks the lattice laws on every pair and triple of samples:
//
//   - Merge is idempotent, commutative and associative;
//   - the changed result of a.Merge(b) is true if and only if the result does not equal a;
//   - a and b are LessEq a.Merge(b), an upper bound;
//   - a.LessEq(b) if and only if a.Merge(b) equals b;
//   - LessEq is reflexive and transitive, and values that are LessEq each other merge to
//     themselves;
//   - Clone equals the original and shares no storage with it;
//   - Merge does not mutate its argument, and the result shares no storage with it.
//
// Equality is [lattice.Equal]. Samples are cloned before every merge, because Merge may reuse
// its receiver's storage; the samples themselves are never merged into, and CheckLaws reports
// if one of them changes anyway. Failures are reported with t.Errorf, in the form
// "Merge(a, b) = got; want w (law)", at most 20 of them. CheckLaws calls no other method of t
// than Helper and Errorf.
//
// All pairs of samples must be mergeable: for [lattice.Point], that means equal.
func CheckLaws[L lattice.Lattice[L]](t testing.TB, samples []L) {
	t.Helper()
	c := &checker[L]{t: t, samples: samples, prints: make([]string, len(samples))}
	for i, s := range samples {
		c.prints[i] = fmt.Sprint(s)
	}
	for i := range samples {
		c.checkOne(i)
	}
	for i := range samples {
		for j := range samples {
			c.checkPair(i, j)
		}
	}
	for i := range samples {
		for j := range samples {
			for k := range samples {
				c.checkTriple(i, j, k)
			}
		}
	}
}

type checker[L lattice.Lattice[L]] struct {
	t       testing.TB
	samples []L
	prints  []string // samples formatted with %v before any merge
	fails   int
}

// errorf reports a failure unless there have been too many already.
func (c *checker[L]) errorf(format string, args ...any) {
	c.t.Helper()
	c.fails++
	switch {
	case c.fails < maxFailures:
		c.t.Errorf(format, args...)
	case c.fails == maxFailures:
		c.t.Errorf(format+"\n(too many failures; CheckLaws reports no more)", args...)
	}
}

// sample returns a fresh clone of samples[i], checking first that samples[i] is unchanged.
func (c *checker[L]) sample(i int) L {
	c.t.Helper()
	s := c.samples[i]
	if p := fmt.Sprint(s); p != c.prints[i] {
		c.errorf("sample %d changed from %s to %s: a Clone or a Merge shares storage with it", i, c.prints[i], p)
		c.prints[i] = p
	}
	return s.Clone()
}

// mergeAll merges clones of all samples into x, to make it grow as much as the samples can.
func (c *checker[L]) mergeAll(x L) L {
	c.t.Helper()
	for i := range c.samples {
		x, _ = x.Merge(c.sample(i))
	}
	return x
}

func (c *checker[L]) checkOne(i int) {
	c.t.Helper()
	a := c.samples[i]
	if cl := a.Clone(); !lattice.Equal(cl, a) {
		c.errorf("%v.Clone() = %v; want an equal value", a, cl)
	}
	// Grow a clone as far as the samples go; sample reports if a grew with it.
	c.mergeAll(c.sample(i))
	c.sample(i)
	if !a.LessEq(a) {
		c.errorf("%v.LessEq(%v) = false; want true (reflexivity)", a, a)
	}
	got, changed := c.sample(i).Merge(c.sample(i))
	if changed || !lattice.Equal(got, a) {
		c.errorf("Merge(%v, %v) = %v, changed %t; want %v, changed false (idempotence)", a, a, got, changed, a)
	}
}

func (c *checker[L]) checkPair(i, j int) {
	c.t.Helper()
	if c.fails >= maxFailures {
		return
	}
	a, b := c.samples[i], c.samples[j]
	arg := c.sample(j)
	got, changed := c.sample(i).Merge(arg)
	if p := fmt.Sprint(arg); p != c.prints[j] || !lattice.Equal(arg, b) {
		c.errorf("Merge(%v, %v) changed its argument to %s", a, b, p)
	}
	if want := !lattice.Equal(got, a); changed != want {
		c.errorf("Merge(%v, %v) = %v, changed %t; want changed %t", a, b, got, changed, want)
	}
	if rev, _ := c.sample(j).Merge(c.sample(i)); !lattice.Equal(got, rev) {
		c.errorf("Merge(%v, %v) = %v; want %v = Merge(%v, %v) (commutativity)", a, b, got, rev, b, a)
	}
	for _, x := range []L{a, b} {
		if !x.LessEq(got) {
			c.errorf("Merge(%v, %v) = %v; want an upper bound, but %v.LessEq(%v) = false (upper bound)", a, b, got, x, got)
			break
		}
	}
	if le, want := a.LessEq(b), lattice.Equal(got, b); le != want {
		c.errorf("%v.LessEq(%v) = %t; want %t, since Merge(%v, %v) = %v", a, b, le, want, a, b, got)
	}
	if lattice.Equal(a, b) && !lattice.Equal(got, a) {
		c.errorf("Merge(%v, %v) = %v; want %v, since the two are LessEq each other (antisymmetry)", a, b, got, a)
	}
	c.checkShared(i, j)
}

// checkShared checks that the result of a merge and its argument do not share storage: growing
// either afterwards must leave the other as it was.
func (c *checker[L]) checkShared(i, j int) {
	c.t.Helper()
	a, b := c.samples[i], c.samples[j]
	arg := c.sample(j)
	got, _ := c.sample(i).Merge(arg)
	gotPrint := fmt.Sprint(got)
	if p := fmt.Sprint(c.mergeAll(arg)); fmt.Sprint(got) != gotPrint {
		c.errorf("Merge(%v, %v) = %s shares storage with its argument: merging into the argument, which became %s, changed the result to %v",
			a, b, gotPrint, p, got)
	}
	arg = c.sample(j)
	got, _ = c.sample(i).Merge(arg)
	argPrint := fmt.Sprint(arg) // checkPair reports if the Merge itself changed arg
	if p := fmt.Sprint(c.mergeAll(got)); fmt.Sprint(arg) != argPrint {
		c.errorf("Merge(%v, %v) shares storage with its argument: merging into the result, which became %s, changed the argument from %s to %v",
			a, b, p, argPrint, arg)
	}
}

func (c *checker[L]) checkTriple(i, j, k int) {
	c.t.Helper()
	if c.fails >= maxFailures {
		return
	}
	a, b, x := c.samples[i], c.samples[j], c.samples[k]
	ab, _ := c.sample(i).Merge(c.sample(j))
	left, _ := ab.Merge(c.sample(k))
	bx, _ := c.sample(j).Merge(c.sample(k))
	right, _ := c.sample(i).Merge(bx)
	if !lattice.Equal(left, right) {
		c.errorf("Merge(Merge(%v, %v), %v) = %v; want %v = Merge(%v, Merge(%v, %v)) (associativity)",
			a, b, x, left, right, a, b, x)
	}
	if a.LessEq(b) && b.LessEq(x) && !a.LessEq(x) {
		c.errorf("%v.LessEq(%v) = false; want true, since %v.LessEq(%v) and %v.LessEq(%v) (transitivity)",
			a, x, a, b, b, x)
	}
}
