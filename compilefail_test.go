// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hydro-go/hydro"
)

// Misuse the Go type checker cannot see is recorded where it happens and
// reported by Flow.Compile. The cases below build such flows and check each
// problem's file:line, message and hint. A call a case expects a problem at is
// marked with a trailing `// line: NAME` comment; a want names that marker,
// and its message may say @NAME for "file:line of the marker NAME".
//
// Programs the Go type checker must reject live in testdata/compilefail/build
// and are run by TestCompileFailBuild.

// compileFailWant is one problem a flow must be rejected with.
type compileFailWant struct {
	at   string // marker of the call the problem is reported at
	msg  string // regexp for the message after "file:line: hydro: "; @NAME is the position of marker NAME
	hint string // regexp for the hint
}

// compileFailCase is a flow and the problems Compile must report, all of
// them and nothing else. A case without wants must compile.
type compileFailCase struct {
	name  string
	build func(f *hydro.Flow)
	want  []compileFailWant
}

func runCompileFail(t *testing.T, cases []compileFailCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := hydro.NewFlow()
			tc.build(f)
			checkCompileFail(t, f.Compile(), tc.want)
		})
	}
}

// checkCompileFail checks that err reports exactly the problems in want.
func checkCompileFail(t *testing.T, err error, want []compileFailWant) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("Compile() = %v; want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Compile() = nil; want %d problem(s):%s", len(want), compileFailFormat(t, want))
	}
	if !errors.Is(err, hydro.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false; want true", err)
	}
	var ce *hydro.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("Compile() = %T %v; want a *hydro.CompileError", err, err)
	}
	probs := make([]compileFailProblem, len(ce.Problems))
	for i, p := range ce.Problems {
		probs[i] = parseCompileFailProblem(t, p)
		if !strings.Contains(err.Error(), p.Error()) {
			t.Errorf("Compile().Error() does not list problem %d:\n%v\nwant it to contain\n%v", i, err, p)
		}
	}
	used := make([]bool, len(probs))
	for _, w := range want {
		line := compileFailLine(t, w.at)
		re := regexp.MustCompile(compileFailExpand(t, w.msg))
		found := false
		for i, p := range probs {
			if used[i] || p.file != compileFailFile(t, w.at) || p.line != line || !re.MatchString(p.msg) {
				continue
			}
			used[i], found = true, true
			if p.hint != "" && !regexp.MustCompile(w.hint).MatchString(p.hint) {
				t.Errorf("problem %q: hint = %q; want a match for %q", p.raw, p.hint, w.hint)
			}
			break
		}
		if !found {
			t.Errorf("no problem at %s:%d (%s) matching %q; got:\n%v", compileFailFile(t, w.at), line, w.at, re, err)
		}
	}
	for i, p := range probs {
		if !used[i] {
			t.Errorf("unexpected problem:\n%v", p.raw)
		}
	}
}

// compileFailProblem is one problem, taken apart.
type compileFailProblem struct {
	raw  string
	file string // base name
	line int
	msg  string // after "hydro: "
	hint string // after "hint: "; empty if there is none
}

var compileFailProblemRE = regexp.MustCompile(`(?s)^(\S+):(\d+): hydro: (.*?)(?:\n\t\thint: (.*))?$`)

// parseCompileFailProblem checks that p reads "file:line: hydro: message",
// then "\n\t\thint: ...", and takes it apart.
func parseCompileFailProblem(t *testing.T, p error) compileFailProblem {
	t.Helper()
	raw := p.Error()
	m := compileFailProblemRE.FindStringSubmatch(raw)
	if m == nil {
		t.Errorf("problem %q does not read \"file:line: hydro: message\"", raw)
		return compileFailProblem{raw: raw}
	}
	line, _ := strconv.Atoi(m[2])
	cp := compileFailProblem{raw: raw, file: m[1], line: line, msg: m[3], hint: m[4]}
	if cp.hint == "" {
		t.Errorf("problem %q has no hint: want \"file:line: hydro: message\\n\\t\\thint: ...\"", raw)
	}
	return cp
}

var (
	compileFailMarkersOnce sync.Once
	compileFailMarkers     map[string]compileFailMark
	compileFailMarkersErr  error
	compileFailMarkerRE    = regexp.MustCompile(`// line: ([a-z0-9-]+)\s*$`)
	compileFailRefRE       = regexp.MustCompile(`@([a-z0-9-]+)`)
)

// compileFailFiles are the files whose cases use `// line: name` markers.
var compileFailFiles = []string{"compilefail_test.go", "compilefail_ops_test.go"}

// compileFailMark is where a marker is.
type compileFailMark struct {
	file string
	line int
}

// compileFailLine returns the line of the `// line: name` marker.
func compileFailLine(t *testing.T, name string) int { return compileFailMarkOf(t, name).line }

// compileFailFile returns the file of the `// line: name` marker.
func compileFailFile(t *testing.T, name string) string { return compileFailMarkOf(t, name).file }

func compileFailMarkOf(t *testing.T, name string) compileFailMark {
	t.Helper()
	compileFailMarkersOnce.Do(func() {
		compileFailMarkers = make(map[string]compileFailMark)
		for _, file := range compileFailFiles {
			if compileFailMarkersErr = compileFailReadMarkers(file, compileFailMarkers); compileFailMarkersErr != nil {
				return
			}
		}
	})
	if compileFailMarkersErr != nil {
		t.Fatal(compileFailMarkersErr)
	}
	m, ok := compileFailMarkers[name]
	if !ok {
		t.Fatalf("no `// line: %s` marker in %v", name, compileFailFiles)
	}
	return m
}

func compileFailReadMarkers(file string, marks map[string]compileFailMark) error {
	fd, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fd.Close()
	sc := bufio.NewScanner(fd)
	for line := 1; sc.Scan(); line++ {
		m := compileFailMarkerRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if prev, dup := marks[m[1]]; dup {
			return fmt.Errorf("marker %q at %s:%d and %s:%d", m[1], prev.file, prev.line, file, line)
		}
		marks[m[1]] = compileFailMark{file: file, line: line}
	}
	return sc.Err()
}

// compileFailExpand replaces every @name in a message regexp by the position of
// the marker name.
func compileFailExpand(t *testing.T, msg string) string {
	t.Helper()
	return compileFailRefRE.ReplaceAllStringFunc(msg, func(ref string) string {
		m := compileFailMarkOf(t, ref[1:])
		return fmt.Sprintf(`%s:%d`, regexp.QuoteMeta(m.file), m.line)
	})
}

func compileFailFormat(t *testing.T, want []compileFailWant) string {
	var b strings.Builder
	for _, w := range want {
		fmt.Fprintf(&b, "\n\t%s:%d: hydro: %s (hint: %s)", compileFailFile(t, w.at), compileFailLine(t, w.at), w.msg, w.hint)
	}
	return b.String()
}

// TestCompileFailOrder: operators whose result depends on order or on
// duplicates refuse streams without those guarantees.
func TestCompileFailOrder(t *testing.T) {
	type Leader struct{}
	// merged is an unordered (bounded, exactly-once) stream at p.
	merged := func(p *hydro.Process[Leader]) hydro.Stream[int, *hydro.Process[Leader]] {
		return hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})) // line: merged
	}
	runCompileFail(t, []compileFailCase{{
		name: "ForEach/unordered",
		build: func(f *hydro.Flow) {
			hydro.ForEach(merged(hydro.NewProcess[Leader](f)), func(int) {}) // line: foreach-unordered
		},
		want: []compileFailWant{{at: "foreach-unordered", msg: `^ForEach needs a totally ordered stream, but merge \(@merged\) is unordered$`, hint: "sort a bounded stream first"}},
	}, {
		name: "ForEach/at-least-once",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p, hydro.AtLeastOnce) // line: foreach-retried-ref
			fw.Complete(hydro.SourceIter(p, []int{1}))
			hydro.ForEach(s, func(int) {}) // line: foreach-retried
		},
		want: []compileFailWant{{at: "foreach-retried", msg: `^ForEach needs an exactly-once stream, but forward_ref \(@foreach-retried-ref\) may deliver an item more than once$`, hint: "Unique"}},
	}, {
		name: "ForEach/sorted first",
		build: func(f *hydro.Flow) {
			hydro.ForEach(hydro.Sort(merged(hydro.NewProcess[Leader](f))), func(int) {})
		},
	}, {
		name: "Fold/unordered without Commutative",
		build: func(f *hydro.Flow) {
			hydro.Fold(merged(hydro.NewProcess[Leader](f)), func() int { return 0 }, func(acc *int, x int) { *acc += x }) // line: fold-unordered
		},
		want: []compileFailWant{{at: "fold-unordered", msg: `^Fold of an unordered stream \(merge at @merged\) needs a commutative function$`, hint: `hydro\.Commutative`}},
	}, {
		name: "Fold/unordered with Commutative",
		build: func(f *hydro.Flow) {
			hydro.Fold(merged(hydro.NewProcess[Leader](f)), func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Commutative)
		},
	}, {
		name: "Reduce/unordered without Commutative",
		build: func(f *hydro.Flow) {
			hydro.Reduce(merged(hydro.NewProcess[Leader](f)), func(acc *int, x int) { *acc += x }) // line: reduce-unordered
		},
		want: []compileFailWant{{at: "reduce-unordered", msg: `^Reduce of an unordered stream \(merge at @merged\) needs a commutative function$`, hint: `hydro\.Commutative`}},
	}, {
		name: "Enumerate/unordered",
		build: func(f *hydro.Flow) {
			hydro.Enumerate(merged(hydro.NewProcess[Leader](f))) // line: enumerate-unordered
		},
		want: []compileFailWant{{at: "enumerate-unordered", msg: `^Enumerate needs a totally ordered stream, but merge \(@merged\) is unordered$`, hint: "sort a bounded stream first"}},
	}, {
		name: "First/unordered",
		build: func(f *hydro.Flow) {
			hydro.First(merged(hydro.NewProcess[Leader](f))) // line: first-unordered
		},
		// NB: the message names the operator "first" where the others say
		// "ForEach", "Enumerate": either spelling is accepted here.
		want: []compileFailWant{{at: "first-unordered", msg: `^(First|first) needs a totally ordered stream, but merge \(@merged\) is unordered$`, hint: "Min or Max"}},
	}, {
		name: "Collect/unordered",
		build: func(f *hydro.Flow) {
			hydro.Collect(merged(hydro.NewProcess[Leader](f))) // line: collect-unordered
		},
		want: []compileFailWant{{at: "collect-unordered", msg: `^Collect needs a totally ordered stream, but merge \(@merged\) is unordered$`, hint: "sort"}},
	}, {
		name: "ForEach/join result",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			a := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 1, Val: 2}}))
			b := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 1, Val: 3}}))
			j := hydro.Join(a, b).Entries()                                // line: join-entries
			hydro.ForEach(j, func(hydro.KV[int, hydro.Pair[int, int]]) {}) // line: foreach-join
		},
		want: []compileFailWant{{at: "foreach-join", msg: `^ForEach needs a totally ordered stream, but entries \(@join-entries\) is unordered$`, hint: "sort"}},
	}, {
		name: "Scan/unordered",
		build: func(f *hydro.Flow) {
			hydro.Scan(merged(hydro.NewProcess[Leader](f)), func() int { return 0 }, func(acc *int, x int) int { *acc += x; return *acc }) // line: scan-unordered
		},
		want: []compileFailWant{{at: "scan-unordered", msg: `^Scan needs a totally ordered stream, but merge \(@merged\) is unordered$`, hint: "sort"}},
	}, {
		name: "FirstKeyed/join result",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			a := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[int, int]{{Key: 1, Val: 2}}))
			j := hydro.Join(a, a) // line: firstkeyed-join
			hydro.FirstKeyed(j)   // line: firstkeyed-unordered
		},
		want: []compileFailWant{{at: "firstkeyed-unordered", msg: `^FirstKeyed needs a stream ordered per key, but join \(@firstkeyed-join\) is unordered$`, hint: `ReduceKeyed with hydro\.Commutative`}},
	}, {
		name: "Count/at-least-once",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p, hydro.AtLeastOnce) // line: count-retried-ref
			fw.Complete(hydro.SourceIter(p, []int{1}))
			hydro.Count(s) // line: count-retried
		},
		// NB: Count takes no Algebra, so only the "deduplicate with Unique"
		// half of the hint applies.
		want: []compileFailWant{{at: "count-retried", msg: `^Count needs an exactly-once stream, but forward_ref \(@count-retried-ref\) may deliver an item more than once$`, hint: "Unique"}},
	}})
}

// TestCompileFailBounded: operators that must see all of their input refuse
// unbounded streams.
func TestCompileFailBounded(t *testing.T) {
	type Leader struct{}
	runCompileFail(t, []compileFailCase{{
		name: "Sort/unbounded",
		build: func(f *hydro.Flow) {
			_, in := hydro.NewInput[int](hydro.NewProcess[Leader](f)) // line: sort-input
			hydro.Sort(in)                                            // line: sort-unbounded
		},
		want: []compileFailWant{{at: "sort-unbounded", msg: `^Sort needs a bounded collection, but input \(@sort-input\) is unbounded$`, hint: `hydro\.Batch`}},
	}, {
		name: "Sort/batch",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			hydro.Sort(hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("any batch will do")))
		},
	}, {
		name: "Chain/unbounded first",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)                // line: chain-input
			hydro.Chain(in, hydro.SourceIter(p, []int{1})) // line: chain-unbounded
		},
		want: []compileFailWant{{at: "chain-unbounded", msg: `^Chain's first input needs a bounded collection, but input \(@chain-input\) is unbounded$`, hint: `hydro\.Batch`}},
	}, {
		name: "Chain/unbounded second",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			hydro.Chain(hydro.SourceIter(p, []int{1}), in)
		},
	}, {
		name: "IsEmpty/unbounded",
		build: func(f *hydro.Flow) {
			_, in := hydro.NewInput[int](hydro.NewProcess[Leader](f)) // line: isempty-input
			hydro.IsEmpty(in)                                         // line: isempty-unbounded
		},
		want: []compileFailWant{{at: "isempty-unbounded", msg: `^IsEmpty needs a bounded collection, but input \(@isempty-input\) is unbounded$`, hint: `hydro\.Batch`}},
	}})
}

// TestCompileFailNonDet: every non-deterministic operator needs a reason.
func TestCompileFailNonDet(t *testing.T) {
	type Leader struct{}
	runCompileFail(t, []compileFailCase{{
		name: "Batch/empty NonDet",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("")) // line: batch-nondet
		},
		want: []compileFailWant{{at: "batch-nondet", msg: `^batch is non-deterministic and needs a NonDet reason$`, hint: `hydro\.NonDet\("\.\.\."\)`}},
	}, {
		name: "Batch/untyped empty string",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			hydro.Batch(in, hydro.NewTick(p), "") // line: batch-nondet-untyped
		},
		want: []compileFailWant{{at: "batch-nondet-untyped", msg: `^batch is non-deterministic and needs a NonDet reason$`, hint: `hydro\.NonDet\("\.\.\."\)`}},
	}, {
		name: "Snapshot/empty NonDet",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			hydro.Snapshot(hydro.SingletonOf(p, 1), hydro.NewTick(p), "") // line: snapshot-nondet
		},
		want: []compileFailWant{{at: "snapshot-nondet", msg: `^snapshot is non-deterministic and needs a NonDet reason$`, hint: `hydro\.NonDet\("\.\.\."\)`}},
	}})
}

// TestCompileFailForward: a forward reference is completed exactly once, at
// its own location, with a stream as strong as it was declared.
func TestCompileFailForward(t *testing.T) {
	type Leader struct{}
	runCompileFail(t, []compileFailCase{{
		name: "ForwardRef/never completed",
		build: func(f *hydro.Flow) {
			_, s := hydro.ForwardRef[int](hydro.NewProcess[Leader](f)) // line: ref-dangling
			hydro.NewOutput(s)
		},
		want: []compileFailWant{{at: "ref-dangling", msg: `^forward_ref is never completed\b`, hint: "Complete"}},
	}, {
		name: "TickCycle/never completed",
		build: func(f *hydro.Flow) {
			_, s := hydro.TickCycle[int](hydro.NewTick(hydro.NewProcess[Leader](f))) // line: cycle-dangling
			hydro.NewOutput(hydro.AllTicks(s))
		},
		want: []compileFailWant{{at: "cycle-dangling", msg: `^tick_cycle is never completed\b`, hint: "Complete"}},
	}, {
		name: "ForwardRef/completed twice",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p) // line: ref-twice
			fw.Complete(hydro.SourceIter(p, []int{1}))
			fw.Complete(hydro.SourceIter(p, []int{2})) // line: complete-twice
			hydro.NewOutput(s)
		},
		want: []compileFailWant{{at: "complete-twice", msg: `^forward_ref \(@ref-twice\) completed twice$`, hint: "once"}},
	}, {
		name: "ForwardRef/completed once",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p)
			fw.Complete(hydro.SourceIter(p, []int{1}))
			hydro.NewOutput(s)
		},
	}, {
		name: "ForwardRef/ordered completed unordered",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p)                                              // line: ref-ordered
			m := hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})) // line: ref-merge
			fw.Complete(m)                                                                 // line: complete-unordered
			hydro.NewOutput(s)
		},
		want: []compileFailWant{{at: "complete-unordered", msg: `^forward_ref \(@ref-ordered\) is declared ordered but completed with an unordered stream \(merge at @ref-merge\)$`, hint: `hydro\.Unordered`}},
	}, {
		// A forward reference at a tick is a fixpoint within the tick: an
		// aggregation on the cycle would need all of its input before its
		// output, which feeds that input. Carry state across ticks with
		// TickCycle instead.
		name: "ForwardRef/aggregation on a same-tick cycle",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			tick := hydro.NewTick(p)
			_, in := hydro.NewInput[int](p)
			fw, s := hydro.ForwardRef[int](tick)
			n := hydro.Count(s) // line: cycle-count
			fw.Complete(hydro.Chain(hydro.Batch(in, tick, hydro.NonDet("any batch")), n.IntoStream()))
			hydro.NewOutput(hydro.AllTicks(s))
		},
		want: []compileFailWant{{at: "cycle-count", msg: `cycle`, hint: `TickCycle|DeferTick`}},
	}, {
		name: "TickCycleWithInitial/never completed",
		build: func(f *hydro.Flow) {
			_, x := hydro.TickCycleWithInitial(hydro.NewTick(hydro.NewProcess[Leader](f)), 0) // line: initial-dangling
			hydro.NewOutput(hydro.AllTicks(x.IntoStream()))
		},
		want: []compileFailWant{{at: "initial-dangling", msg: `^tick_cycle_with_initial is never completed\b`, hint: "Complete"}},
	}, {
		name: "TickCycleWithInitial/completed with MapSingleton",
		build: func(f *hydro.Flow) {
			c, x := hydro.TickCycleWithInitial(hydro.NewTick(hydro.NewProcess[Leader](f)), 0)
			c.Complete(hydro.MapSingleton(x, func(v int) int { return v + 1 }))
		},
	}, {
		// Order and retries mean nothing for a singleton: any singleton at
		// the tick may complete the cycle.
		name: "TickCycleWithInitial/completed with Zip",
		build: func(f *hydro.Flow) {
			tick := hydro.NewTick(hydro.NewProcess[Leader](f))
			c, x := hydro.TickCycleWithInitial(tick, 0)
			sum := hydro.MapSingleton(hydro.Zip(x, hydro.SingletonOf(tick, 1)), func(p hydro.Pair[int, int]) int { return p.Left + p.Right })
			c.Complete(sum)
		},
	}, {
		name: "TickCycleWithInitial/completed with SingletonOf",
		build: func(f *hydro.Flow) {
			tick := hydro.NewTick(hydro.NewProcess[Leader](f))
			c, _ := hydro.TickCycleWithInitial(tick, 0)
			c.Complete(hydro.SingletonOf(tick, 1))
		},
	}, {
		name: "ForwardRef/unordered completed unordered",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p, hydro.Unordered)
			fw.Complete(hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})))
			hydro.NewOutput(s)
		},
	}})
}

// TestCompileFailLocation: two locations of the same Go type (two processes
// of one tag, two ticks of one process) are still different locations; the
// type checker cannot tell them apart, so Compile does.
func TestCompileFailLocation(t *testing.T) {
	type Leader struct{}
	runCompileFail(t, []compileFailCase{{
		name: "Merge/two processes of one tag",
		build: func(f *hydro.Flow) {
			p1, p2 := hydro.NewProcess[Leader](f), hydro.NewProcess[Leader](f)
			m := hydro.Map(hydro.SourceIter(p1, []int{1}), func(x int) int { return 2 * x })
			other := hydro.SourceIter(p2, []int{2}) // line: p2-source
			hydro.Merge(m, other)                   // line: merge-processes
		},
		want: []compileFailWant{{at: "merge-processes", msg: `^merge combines a collection at Process\[Leader\] \(from @p2-source\) with one at Process\[Leader\]$`, hint: "networking operator"}},
	}, {
		name: "Join/two processes of one tag",
		build: func(f *hydro.Flow) {
			p1, p2 := hydro.NewProcess[Leader](f), hydro.NewProcess[Leader](f)
			a := hydro.IntoKeyed(hydro.SourceIter(p1, []hydro.KV[string, int]{{Key: "a", Val: 1}}))
			b := hydro.IntoKeyed(hydro.SourceIter(p2, []hydro.KV[string, int]{{Key: "a", Val: 2}})) // line: p2-keyed
			hydro.Join(a, b)                                                                        // line: join-processes
		},
		want: []compileFailWant{{at: "join-processes", msg: `^join combines a collection at Process\[Leader\] \(from @p2-keyed\) with one at Process\[Leader\]$`, hint: "networking operator"}},
	}, {
		name: "Batch/into a tick of another process of one tag",
		build: func(f *hydro.Flow) {
			p1, p2 := hydro.NewProcess[Leader](f), hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p1)                              // line: batch-p1-input
			hydro.Batch(in, hydro.NewTick(p2), hydro.NonDet("any batch")) // line: batch-p2-tick
		},
		want: []compileFailWant{{at: "batch-p2-tick", msg: `^batch into Tick\[Process\[Leader\]\] made at @batch-p2-tick of a collection at Process\[Leader\] \(@batch-p1-input\)$`, hint: `hydro\.NewTick`}},
	}, {
		name: "ForwardRef/completed at another process of one tag",
		build: func(f *hydro.Flow) {
			p1, p2 := hydro.NewProcess[Leader](f), hydro.NewProcess[Leader](f)
			fw, s := hydro.ForwardRef[int](p1)          // line: ref-p1
			fw.Complete(hydro.SourceIter(p2, []int{1})) // line: complete-p2
			hydro.NewOutput(s)
		},
		want: []compileFailWant{{at: "complete-p2", msg: `^forward_ref \(@ref-p1\) at Process\[Leader\] completed with a collection at Process\[Leader\]$`, hint: "its own location"}},
	}, {
		name: "Merge/two ticks of one process",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			a := hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("any batch")) // line: tick-a-batch
			b := hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("any batch")) // line: tick-b-batch
			hydro.Merge(a, b)                                                 // line: merge-ticks
		},
		want: []compileFailWant{{at: "merge-ticks", msg: `^merge combines a collection at Tick\[Process\[Leader\]\] made at @tick-b-batch \(from @tick-b-batch\) with one at Tick\[Process\[Leader\]\] made at @tick-a-batch$`, hint: "Batch"}},
	}, {
		name: "CrossSingleton/snapshot into another tick",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			a := hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("any batch"))                        // line: tick-a-cross
			x := hydro.Snapshot(hydro.SingletonOf(p, 1), hydro.NewTick(p), hydro.NonDet("constant")) // line: tick-b-snapshot
			hydro.CrossSingleton(a, x)                                                               // line: cross-ticks
		},
		want: []compileFailWant{{at: "cross-ticks", msg: `^cross_singleton combines a collection at Tick\[Process\[Leader\]\] made at @tick-b-snapshot \(from @tick-b-snapshot\) with one at Tick\[Process\[Leader\]\] made at @tick-a-cross$`, hint: "Batch"}},
	}, {
		name: "TickCycle/completed from another tick",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			_, in := hydro.NewInput[int](p)
			fw, s := hydro.TickCycle[int](hydro.NewTick(p))                           // line: cycle-tick-a
			fw.Complete(hydro.Batch(in, hydro.NewTick(p), hydro.NonDet("any batch"))) // line: complete-tick-b
			hydro.NewOutput(hydro.AllTicks(s))
		},
		want: []compileFailWant{{at: "complete-tick-b", msg: `^tick_cycle \(@cycle-tick-a\) at Tick\[Process\[Leader\]\] completed with a collection at Tick\[Process\[Leader\]\]$`, hint: "its own location"}},
	}, {
		name: "NewTick/inside a tick",
		build: func(f *hydro.Flow) {
			hydro.NewTick(hydro.NewTick(hydro.NewProcess[Leader](f))) // line: nested-tick
		},
		want: []compileFailWant{{at: "nested-tick", msg: `^NewTick inside a tick: ticks do not nest$`, hint: "process or cluster"}},
	}, {
		name: "Batch/same tick twice",
		build: func(f *hydro.Flow) {
			p := hydro.NewProcess[Leader](f)
			tick := hydro.NewTick(p)
			_, in := hydro.NewInput[int](p)
			a := hydro.Batch(in, tick, hydro.NonDet("any batch"))
			b := hydro.Batch(hydro.SourceIter(p, []int{1}), tick, hydro.NonDet("any batch"))
			hydro.NewOutput(hydro.AllTicks(hydro.Merge(a, b)))
		},
	}})
}

// TestCompileFailMany: Compile reports every problem of a flow at once.
func TestCompileFailMany(t *testing.T) {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	_, in := hydro.NewInput[int](p)                                                // line: many-input
	m := hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})) // line: many-merge
	hydro.ForEach(m, func(int) {})                                                 // line: many-foreach
	hydro.Sort(in)                                                                 // line: many-sort
	hydro.Batch(in, hydro.NewTick(p), "")                                          // line: many-batch
	_, dangling := hydro.ForwardRef[int](p)                                        // line: many-ref
	hydro.NewOutput(dangling)
	err := f.Compile()
	checkCompileFail(t, err, []compileFailWant{
		{at: "many-foreach", msg: `^ForEach needs a totally ordered stream, but merge \(@many-merge\) is unordered$`, hint: "sort"},
		{at: "many-sort", msg: `^Sort needs a bounded collection, but input \(@many-input\) is unbounded$`, hint: `hydro\.Batch`},
		{at: "many-batch", msg: `^batch is non-deterministic and needs a NonDet reason$`, hint: `hydro\.NonDet`},
		{at: "many-ref", msg: `^forward_ref is never completed\b`, hint: "Complete"},
	})
	if err == nil {
		return
	}
	if got, want := err.Error(), "hydro: invalid flow (4 problems):\n\t"; !strings.HasPrefix(got, want) {
		t.Errorf("Compile().Error() = %q; want prefix %q", got, want)
	}
	if u, ok := err.(interface{ Unwrap() []error }); !ok || len(u.Unwrap()) != 4 {
		t.Errorf("Compile() = %T; want an error that unwraps to the 4 problems", err)
	}
	if again := f.Compile(); again != err {
		t.Errorf("second Compile() = %v; want the same error %v", again, err)
	}
}

// TestCompileFailMustCompile: MustCompile panics with the error Compile
// returns, and does not panic on a valid flow.
func TestCompileFailMustCompile(t *testing.T) {
	type Leader struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Leader](f)
	hydro.ForEach(hydro.Merge(hydro.SourceIter(p, []int{1}), hydro.SourceIter(p, []int{2})), func(int) {})
	got := func() (r any) {
		defer func() { r = recover() }()
		f.MustCompile()
		return nil
	}()
	if got == nil {
		t.Fatal("MustCompile() did not panic on an invalid flow")
	}
	err, ok := got.(error)
	if !ok {
		t.Fatalf("MustCompile() panicked with %T %v; want an error", got, got)
	}
	if !errors.Is(err, hydro.ErrInvalid) {
		t.Errorf("MustCompile() panicked with %v; want an error matching ErrInvalid", err)
	}
	if want := f.Compile(); err != want {
		t.Errorf("MustCompile() panicked with %v; want Compile's error %v", err, want)
	}

	ok2 := hydro.NewFlow()
	q := hydro.NewProcess[Leader](ok2)
	hydro.ForEach(hydro.Map(hydro.SourceIter(q, []int{1}), func(x int) int { return 2 * x }), func(int) {})
	ok2.MustCompile()
}

// TestCompileFailBuild builds every program under
// testdata/compilefail/build and checks that the Go type checker rejects it
// at the line after its `// want: REGEXP` comment, with a message matching
// REGEXP, and nowhere else.
func TestCompileFailBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool := compileFailGo(t)
	dirs, err := filepath.Glob(filepath.Join("testdata", "compilefail", "build", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no programs in testdata/compilefail/build (%v)", err)
	}
	// Build what every program imports once, so that the parallel builds
	// below share it through the build cache instead of each compiling it.
	if out, err := exec.Command(goTool, "build", ".").CombinedOutput(); err != nil {
		t.Fatalf("go build .: %v\n%s", err, out)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			checkCompileFailBuild(t, goTool, dir)
		})
	}
}

var compileFailBuildErrRE = regexp.MustCompile(`^\./main\.go:(\d+):\d+: (.*)$`)

func checkCompileFailBuild(t *testing.T, goTool, dir string) {
	src, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	var want *regexp.Regexp
	wantLine := 0
	for i, l := range strings.Split(string(src), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "// want: ")
		if !ok {
			continue
		}
		if want != nil {
			t.Fatalf("%s/main.go: more than one // want: comment", dir)
		}
		want, wantLine = regexp.MustCompile(rest), i+2 // the line after the comment, 1-based
	}
	if want == nil {
		t.Fatalf("%s/main.go: no // want: comment", dir)
	}

	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go build succeeded; want a type error at main.go:%d matching %q", wantLine, want)
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("go build: %v", err)
	}

	// Collect each error with its continuation lines (indented by a tab).
	type buildErr struct {
		line int
		msg  string
	}
	var errs []buildErr
	for l := range strings.SplitSeq(string(out), "\n") {
		if m := compileFailBuildErrRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			errs = append(errs, buildErr{n, m[2]})
		} else if strings.HasPrefix(l, "\t") && len(errs) > 0 {
			errs[len(errs)-1].msg += "\n" + l
		}
	}
	if len(errs) == 0 {
		t.Fatalf("go build failed without a type error in main.go:\n%s", out)
	}
	matched := false
	for _, e := range errs {
		switch {
		case e.line != wantLine:
			t.Errorf("main.go:%d: unexpected error %q; want errors only at line %d", e.line, e.msg, wantLine)
		case want.MatchString(e.msg):
			matched = true
		}
	}
	if !matched {
		t.Errorf("no error at main.go:%d matches %q; go build said:\n%s", wantLine, want, out)
	}
}

// compileFailGo returns the go command of the toolchain running the test, or the
// one on PATH.
func compileFailGo(t *testing.T) string {
	t.Helper()
	// NB: runtime.GOROOT is deprecated, but it names the toolchain that built
	// this test, which is the one whose type checker the wants are written for.
	if p, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go")); err == nil {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	return p
}
