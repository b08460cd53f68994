// SPDX-License-Identifier: Apache-2.0

package semantics

import (
	"fmt"
	"slices"
	"strings"
)

// Concat holds when the output is want, in order: an ordered stream whose
// items do not depend on where ticks start and end.
func Concat(want ...string) Check {
	return Check{
		What: "everything, in order",
		OK: func(all []string) error {
			if !slices.Equal(all, want) {
				return fmt.Errorf("emitted %v; want %v", all, want)
			}
			return nil
		},
		Done: func(all []string) bool { return len(all) >= len(want) },
	}
}

// Multiset holds when the output is want in any order.
func Multiset(want ...string) Check {
	return Check{
		What: "everything, in any order",
		OK: func(all []string) error {
			g, w := sorted(all), sorted(want)
			if !slices.Equal(g, w) {
				return fmt.Errorf("emitted %v; want in any order %v", g, w)
			}
			return nil
		},
		Done: func(all []string) bool { return len(all) >= len(want) },
	}
}

// Snapshots is the check of a value watched once per tick (each tick of
// Ticks emits at most one item): whatever the ticks, each item is the value
// of some case tick, later ones never before earlier ones, and the last is
// the value after every input. A runner may tick before the first input
// arrives: before gives the value then, if any.
func (o Out) Snapshots(before ...string) Out {
	vals := append([][]string{before}, o.Ticks...)
	final := ""
	if n := len(vals); n > 0 && len(vals[n-1]) > 0 {
		final = vals[n-1][0]
	}
	o.Every = Check{
		What: "a value of each case tick, in order, ending with the last",
		OK: func(all []string) error {
			j := 0
			for i, v := range all {
				for j < len(vals) && (len(vals[j]) == 0 || vals[j][0] != v) {
					j++
				}
				if j == len(vals) {
					return fmt.Errorf("item %d of %v is %s: not a value of case tick %d or later; the values are %s", i, all, v, j, render(vals))
				}
			}
			if final != "" && (len(all) == 0 || all[len(all)-1] != final) {
				return fmt.Errorf("emitted %v; want it to end with %s", all, final)
			}
			return nil
		},
		Done: func(all []string) bool { return final == "" || len(all) > 0 && all[len(all)-1] == final },
	}
	return o
}

// Interleaves holds when the output is xs and ys interleaved, each in its
// order: what a per-tick Chain of two inputs gives, batched in any way.
func Interleaves(xs, ys []string) Check {
	return Check{
		What: "an interleaving of two sequences, each in order",
		OK: func(all []string) error {
			if !interleaves(all, xs, ys) {
				return fmt.Errorf("emitted %v; want an interleaving of %v and %v", all, xs, ys)
			}
			return nil
		},
		Done: func(all []string) bool { return len(all) >= len(xs)+len(ys) },
	}
}

// interleaves reports whether all is a shuffle of xs and ys.
func interleaves(all, xs, ys []string) bool {
	if len(all) != len(xs)+len(ys) {
		return false
	}
	// ok[j] reports whether all[:i+j] interleaves xs[:i] and ys[:j].
	ok := make([]bool, len(ys)+1)
	for i := 0; i <= len(xs); i++ {
		for j := 0; j <= len(ys); j++ {
			switch {
			case i == 0 && j == 0:
				ok[j] = true
			default:
				fromX := i > 0 && ok[j] && xs[i-1] == all[i+j-1]
				fromY := j > 0 && ok[j-1] && ys[j-1] == all[i+j-1]
				ok[j] = fromX || fromY
			}
		}
	}
	return ok[len(ys)]
}

// Within holds when every item is one of universe, no more often than
// there: for an output whose items depend on which inputs share a tick, so
// that any batching gives some of them. A deployment checks it at the end.
func Within(universe ...string) Check {
	return Check{
		What: "some of a known multiset",
		OK: func(all []string) error {
			left := map[string]int{}
			for _, u := range universe {
				left[u]++
			}
			for _, v := range all {
				if left[v] == 0 {
					return fmt.Errorf("emitted %v; %s is not among (or more often than in) %v", all, v, universe)
				}
				left[v]--
			}
			return nil
		},
	}
}

// Prefix holds when the output is a prefix of want: for items that wait
// for a tick nothing asks for.
func Prefix(want ...string) Check {
	return Check{
		What: "a prefix of a sequence",
		OK: func(all []string) error {
			if len(all) > len(want) || !slices.Equal(all, want[:len(all)]) {
				return fmt.Errorf("emitted %v; want a prefix of %v", all, want)
			}
			return nil
		},
	}
}

// Custom is a check of the case's own, done when done says so (nil: at the
// end of the run).
func Custom(what string, ok func(all []string) error, done func(all []string) bool) Check {
	return Check{What: what, OK: ok, Done: done}
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// multisetEq reports whether a and b hold the same items.
func multisetEq(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

// fields splits a rendered pair "(a, b)" into a and b.
func fields(pair string) (string, string, bool) {
	p, ok := strings.CutPrefix(pair, "(")
	if !ok {
		return "", "", false
	}
	p, ok = strings.CutSuffix(p, ")")
	if !ok {
		return "", "", false
	}
	return strings.Cut(p, ", ")
}
