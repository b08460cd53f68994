// SPDX-License-Identifier: Apache-2.0

package semantics

// Aggregations turn a stream into a singleton or an optional. At a
// location's top level they accumulate over everything the stream has ever
// carried, and the result keeps its value in ticks where nothing arrives. In
// a Tick they see the tick's batch only and start afresh every tick. The
// cases watch top-level results by snapshotting them into a tick every tick.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro"
)

func aggregateCases() []Case {
	in := [][]int{ints(), ints(3, 1), ints(), ints(5, 2)}
	flat := slices.Concat(in...)
	tests := []struct {
		op string
		// top aggregates the whole stream at the process; tick aggregates
		// each tick's batch.
		top  func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc]
		tick func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick]
		// before is the top-level value before any input, if any.
		before            []string
		wantTop, wantTick [][]string
		// every is what the in-tick aggregation emits whatever the batches.
		every Check
	}{
		{
			op: "Fold(0, +)",
			top: func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] {
				return Show(Watch(hydro.Fold(s, zero, sum)))
			},
			tick: func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] {
				return Show(hydro.Fold(s, zero, sum).IntoStream())
			},
			before:  strs("0"),
			wantTop: [][]string{strs("0"), strs("4"), strs("4"), strs("11")},
			// A tick's aggregation forgets earlier ticks.
			wantTick: [][]string{strs("0"), strs("4"), strs("0"), strs("7")},
			every:    sumsTo(11),
		},
		{
			// Reduce is empty until the first item.
			op: "Reduce(+)",
			top: func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] {
				return Show(WatchOptional(hydro.Reduce(s, sum)))
			},
			tick: func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] {
				return Show(hydro.Reduce(s, sum).IntoStream())
			},
			wantTop:  [][]string{nil, strs("4"), strs("4"), strs("11")},
			wantTick: [][]string{nil, strs("4"), nil, strs("7")},
			every:    sumsTo(11),
		},
		{
			op:       "Count",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(Watch(hydro.Count(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.Count(s).IntoStream()) },
			before:   strs("0"),
			wantTop:  [][]string{strs("0"), strs("2"), strs("2"), strs("4")},
			wantTick: [][]string{strs("0"), strs("2"), strs("0"), strs("2")},
			every:    sumsTo(4),
		},
		{
			op:       "Min",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(WatchOptional(hydro.Min(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.Min(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("1"), strs("1"), strs("1")},
			wantTick: [][]string{nil, strs("1"), nil, strs("2")},
			every:    eachIn(Strings(flat...)...),
		},
		{
			op:       "Max",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(WatchOptional(hydro.Max(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.Max(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("3"), strs("3"), strs("5")},
			wantTick: [][]string{nil, strs("3"), nil, strs("5")},
			every:    eachIn(Strings(flat...)...),
		},
		{
			op:       "First",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(WatchOptional(hydro.First(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.First(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("3"), strs("3"), strs("3")},
			wantTick: [][]string{nil, strs("3"), nil, strs("5")},
			every:    eachIn(Strings(flat...)...),
		},
		{
			op:       "Last",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(WatchOptional(hydro.Last(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.Last(s).IntoStream()) },
			wantTop:  [][]string{nil, strs("1"), strs("1"), strs("2")},
			wantTick: [][]string{nil, strs("1"), nil, strs("2")},
			every:    eachIn(Strings(flat...)...),
		},
		{
			op:       "Collect",
			top:      func(s hydro.Stream[int, Proc]) hydro.Stream[string, Proc] { return Show(Watch(hydro.Collect(s))) },
			tick:     func(s hydro.Stream[int, Tick]) hydro.Stream[string, Tick] { return Show(hydro.Collect(s).IntoStream()) },
			before:   strs("[]"),
			wantTop:  [][]string{strs("[]"), strs("[3 1]"), strs("[3 1]"), strs("[3 1 5 2]")},
			wantTick: [][]string{strs("[]"), strs("[3 1]"), strs("[]"), strs("[5 2]")},
			every:    collected(flat),
		},
	}
	var cases []Case
	for _, tt := range tests {
		cases = append(cases,
			Case{Name: tt.op + " at the top level", Build: func(e *Env) []Out {
				return []Out{Out{S: tt.top(Input(e, in...)), Ticks: tt.wantTop}.Snapshots(tt.before...)}
			}},
			Case{Name: tt.op + " in a tick", Build: func(e *Env) []Out {
				return []Out{{S: InTick(Input(e, in...), tt.tick), Ticks: tt.wantTick, Every: tt.every}}
			}},
		)
	}
	return append(cases, []Case{
		{
			// IsEmpty needs a bounded stream, so it works on a tick's
			// batch and on a finite source.
			Name: "IsEmpty in a tick", Build: func(e *Env) []Out {
				s := InTick(Input(e, ints(), ints(3), ints()), func(s hydro.Stream[int, Tick]) hydro.Stream[bool, Tick] {
					return hydro.IsEmpty(s).IntoStream()
				})
				return []Out{Ordered(s, []bool{true}, []bool{false}, []bool{true}).Holds(Custom("true or false, false at least once", func(all []string) error {
					for _, v := range all {
						if v != "true" && v != "false" {
							return fmt.Errorf("emitted %v; want booleans", all)
						}
					}
					if !slices.Contains(all, "false") {
						return fmt.Errorf("emitted %v; want false for the batch that holds 3", all)
					}
					return nil
				}, func(all []string) bool { return slices.Contains(all, "false") }))}
			},
		},
		{Name: "IsEmpty(SourceIter([]))", Build: func(e *Env) []Out {
			Input(e, ints(), ints(), ints())
			s := Watch(hydro.IsEmpty(hydro.SourceIter(e.P, ints())))
			return []Out{Ordered(s, []bool{true}, []bool{true}, []bool{true}).Snapshots()}
		}},
		{Name: "IsEmpty(SourceIter([7]))", Build: func(e *Env) []Out {
			Input(e, ints(), ints(), ints())
			s := Watch(hydro.IsEmpty(hydro.SourceIter(e.P, ints(7))))
			return []Out{Ordered(s, []bool{false}, []bool{false}, []bool{false}).Snapshots()}
		}},
		{
			Name:    "IsEmpty(unbounded input)",
			Refused: "emptiness of an unbounded stream depends on when one looks",
			Build: func(e *Env) []Out {
				Watch(hydro.IsEmpty(Input(e, ints())))
				return nil
			},
		},
		{
			// A top-level aggregation of a finite source holds the
			// aggregate of the whole source from the first tick on.
			Name: "Zip(Count, Fold(+)) of SourceIter", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				words := hydro.SourceIter(e.P, ints(4, 1, 3))
				s := Watch(hydro.Zip(hydro.Count(words), hydro.Fold(words, zero, sum)))
				p := []hydro.Pair[int, int]{Pair(3, 8)}
				return []Out{Ordered(s, p, p, p).Snapshots()}
			},
		},
		{
			// Count and Fold with hydro.Commutative accept an unordered
			// stream, and the result does not depend on the order in which
			// keys' values interleave.
			Name: "Zip(Count, Fold(+)) of Values", Build: func(e *Env) []Out {
				vals := hydro.IntoKeyed(Input(e, []kvSI{KV("a", 1), KV("b", 2)}, []kvSI{KV("a", 3)})).Values()
				s := Watch(hydro.Zip(hydro.Count(vals), hydro.Fold(vals, zero, sum, hydro.Commutative)))
				return []Out{Ordered(s, []hydro.Pair[int, int]{Pair(2, 3)}, []hydro.Pair[int, int]{Pair(3, 6)}).Snapshots("(0, 0)")}
			},
		},
		{
			// A bounded top-level singleton is one fixed value, so
			// IntoStream is a stream of exactly one item, emitted once;
			// Hydro documents Singleton::into_stream as "a Stream containing
			// a single element, the value".
			Name: "Count(SourceIter([4 1 3])).IntoStream() at the top level", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				return []Out{Ordered(hydro.Count(hydro.SourceIter(e.P, ints(4, 1, 3))).IntoStream(), ints(3), nil, nil)}
			},
		},
		{Name: "SingletonOf(7).IntoStream() at the top level", Build: func(e *Env) []Out {
			Input(e, ints(), ints(), ints())
			return []Out{Ordered(hydro.SingletonOf(e.P, 7).IntoStream(), ints(7), nil, nil)}
		}},
		{
			// What goes wrong downstream if the item repeats: a count of a
			// one-item stream that grows every tick.
			Name: "Count(SingletonOf(7).IntoStream()) at the top level", Build: func(e *Env) []Out {
				Input(e, ints(), ints(), ints())
				s := Watch(hydro.Count(hydro.SingletonOf(e.P, 7).IntoStream()))
				return []Out{Ordered(s, ints(1), ints(1), ints(1)).Snapshots()}
			},
		},
	}...)
}

// sumsTo holds when the items, ints, add up to total: per-tick sums (or
// counts) of a stream, whatever its ticks.
func sumsTo(total int) Check {
	return Custom(fmt.Sprintf("the per-tick values add up to %d", total), func(all []string) error {
		got, err := atois(all)
		if err != nil {
			return err
		}
		n := 0
		for _, v := range got {
			n += v
		}
		if n != total {
			return fmt.Errorf("emitted %v, adding up to %d; want %d", got, n, total)
		}
		return nil
	}, nil)
}

// collected holds when the items, rendered slices, concatenate to in:
// per-tick Collect, whatever the ticks.
func collected(in []int) Check {
	want := fmt.Sprint(in)
	return Custom("the per-tick slices concatenate to the input", func(all []string) error {
		var parts []string
		for _, v := range all {
			if v = strings.Trim(v, "[]"); v != "" {
				parts = append(parts, v)
			}
		}
		if got := "[" + strings.Join(parts, " ") + "]"; got != want {
			return fmt.Errorf("emitted %v, concatenating to %s; want %s", all, got, want)
		}
		return nil
	}, nil)
}
