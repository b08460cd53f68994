// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

// B3 forkjoin: n ints through 20 levels, each a Partition by one bit
// followed by a Union of its two outputs; and a diamond over a word list:
// lines split into words, a Tee into two branches (hashes of the long words;
// lengths of all words), a Union of the branches into one sink.

const forkLevels = 20

func BenchmarkB3ForkJoin(b *testing.B) { runCases(b, forkJoinCases(100_000, 20_000)) }

func forkJoinCases(n, lines int) []bcase {
	return []bcase{forkJoinCase(n), diamondCase(lines)}
}

// bits returns the k predicates "bit i is set", func values every
// implementation shares.
func bits(k int) []func(int) bool {
	ps := make([]func(int) bool, k)
	for i := range ps {
		ps[i] = func(x int) bool { return x>>i&1 == 1 }
	}
	return ps
}

func forkJoinCase(n int) bcase {
	preds := bits(forkLevels)
	data := lazy(func() []int { return randInts(n, 1<<forkLevels, 300) })
	// The levels reorder the items (differently in each implementation),
	// so the result is checked as a multiset.
	want := lazy(func() digest { return digestOf(data()) })
	return bcase{
		name:  fmt.Sprintf("op=forkjoin,levels=%d,n=%d", forkLevels, n),
		elems: n,
		impls: []impl{
			{"dfir", func() iteration {
				d, w := data(), want()
				g := dfir.New()
				in, p := dfir.SourceInput[int](g)
				for _, pred := range preds {
					yes, no := dfir.Partition(p, pred)
					p = dfir.Union(yes, no)
				}
				out := dfir.SinkOutput(p)
				mustCompile(g)
				res := make([]int, 0, n)
				return iteration{run: func() error {
					in.PushAll(d)
					g.RunTick()
					res = out.Drain(res[:0])
					return checkDigest(digestOf(res), w)
				}}
			}},
			{"baseline", func() iteration {
				d, w := data(), want()
				var s forkScratch
				return iteration{run: func() error {
					return checkDigest(digestOf(s.run(d, preds)), w)
				}}
			}},
		},
	}
}

// forkScratch holds the slices of the baseline, reused across iterations.
type forkScratch struct{ cur, yes, no []int }

// run partitions the whole slice by each predicate in turn and
// concatenates the two parts: the slice loops a Go programmer writes.
//
//go:noinline
func (s *forkScratch) run(data []int, preds []func(int) bool) []int {
	s.cur = append(s.cur[:0], data...)
	for _, pred := range preds {
		s.yes, s.no = s.yes[:0], s.no[:0]
		for _, x := range s.cur {
			if pred(x) {
				s.yes = append(s.yes, x)
			} else {
				s.no = append(s.no, x)
			}
		}
		s.cur = append(append(s.cur[:0], s.yes...), s.no...)
	}
	return s.cur
}

// wordFuncs are the user functions of the diamond, shared by every
// implementation.
type wordFuncs struct {
	split  func(string) []string // reuses its result slice
	isLong func(string) bool
	hash   func(string) int
	length func(string) int
}

func newWordFuncs() wordFuncs {
	var buf []string
	return wordFuncs{
		split: func(line string) []string {
			buf = buf[:0]
			for len(line) > 0 {
				i := strings.IndexByte(line, ' ')
				if i < 0 {
					buf = append(buf, line)
					break
				}
				if i > 0 {
					buf = append(buf, line[:i])
				}
				line = line[i+1:]
			}
			return buf
		},
		isLong: func(w string) bool { return len(w) > 4 },
		hash: func(w string) int {
			h := uint32(2166136261)
			for i := 0; i < len(w); i++ {
				h = (h ^ uint32(w[i])) * 16777619
			}
			return int(h)
		},
		length: func(w string) int { return len(w) },
	}
}

// wordLines returns n lines of 8 words drawn from a vocabulary of 2,000
// lowercase words of 2 to 10 letters.
func wordLines(n int) []string {
	r := newRand(400)
	vocab := make([]string, 2000)
	for i := range vocab {
		b := make([]byte, 2+r.IntN(9))
		for j := range b {
			b[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(b)
	}
	lines := make([]string, n)
	var sb strings.Builder
	for i := range lines {
		sb.Reset()
		for j := range 8 {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(vocab[r.IntN(len(vocab))])
		}
		lines[i] = sb.String()
	}
	return lines
}

func diamondCase(nLines int) bcase {
	lines := lazy(func() []string { return wordLines(nLines) })
	want := lazy(func() digest {
		var d digest
		wf := newWordFuncs()
		for _, l := range lines() {
			for _, w := range wf.split(l) {
				if wf.isLong(w) {
					d.add(wf.hash(w))
				}
				d.add(wf.length(w))
			}
		}
		return d
	})
	return bcase{
		name:  fmt.Sprintf("op=diamond,lines=%d,words=%d", nLines, 8*nLines),
		elems: 8 * nLines,
		impls: []impl{
			{"dfir", func() iteration {
				ls, w := lines(), want()
				wf := newWordFuncs()
				var d digest
				g := dfir.New()
				in, p := dfir.SourceInput[string](g)
				t := dfir.Tee(dfir.FlatMap(p, wf.split), 2)
				long := dfir.Map(dfir.Filter(t[0], wf.isLong), wf.hash)
				lens := dfir.Map(t[1], wf.length)
				dfir.ForEach(dfir.Union(long, lens), d.add)
				mustCompile(g)
				return iteration{run: func() error {
					in.PushAll(ls)
					d = digest{}
					g.RunTick()
					return checkDigest(d, w)
				}}
			}},
			{"baseline", func() iteration {
				ls, w := lines(), want()
				wf := newWordFuncs()
				var d digest
				return iteration{run: func() error {
					d = digest{}
					diamondLoop(ls, wf, d.add)
					return checkDigest(d, w)
				}}
			}},
		},
	}
}

//go:noinline
func diamondLoop(lines []string, wf wordFuncs, sink func(int)) {
	for _, l := range lines {
		for _, w := range wf.split(l) {
			if wf.isLong(w) {
				sink(wf.hash(w))
			}
			sink(wf.length(w))
		}
	}
}
