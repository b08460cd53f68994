// SPDX-License-Identifier: Apache-2.0

// Command ratios reads `go test -bench` output of the bench suite and prints,
// for every workload, the ratio of each implementation to the project's
// with its median and spread, then the median cost of every implementation.
//
// Benchmarks are named Benchmark…/<workload>/impl=<impl>. Within a workload
// the i-th run of one implementation is paired with the i-th run of
// another; ratios.sh makes the i-th runs neighbours in time by running the
// whole suite once per round (the bench package, then the peers module).
// The project's implementation of a workload, its subject, is dfir where
// there is one, else hydro (the networked workloads B6 and B7). The ratios
// are:
//
//	dfir/baseline*   dfir's cost over a baseline's: 1.20 is 20% slower
//	dfir_*/baseline  a dfir variant's cost over the baseline's
//	pipeline*/dfir   how many times faster dfir is than a pipeline
//	hydro/dfir       the language's cost over hand-built dfir: 1.10 is 10% more
//	hydro/baseline*  where hydro is the subject: its cost over a baseline's
//	<peer>/hydro     how many times faster hydro is than a peer (nats, …):
//	                 any implementation not named above is a peer
//
// Costs are ns/op. Where both runs also report a latency percentile
// (p50-ns), the same ratio of the percentiles follows, labelled "p50":
// hydro/baseline p50 of 1.40 means a median round trip 40% longer.
//
// Usage: go run ./bench/internal/ratios < bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// run is one result line: the value of every unit it reports.
type run map[string]float64

// suite holds the runs of every workload and implementation, in the order
// they first appear.
type suite struct {
	workloads []string
	impls     map[string][]string         // workload → implementations
	runs      map[string]map[string][]run // workload → implementation → runs
}

var lineRE = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) (*suite, error) {
	s := &suite{impls: map[string][]string{}, runs: map[string]map[string][]run{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name, rest := m[1], m[2]
		i := strings.LastIndex(name, "/impl=")
		if i < 0 {
			continue
		}
		w, impl := name[:i], name[i+len("/impl="):]
		fields := strings.Fields(rest)
		rn := run{}
		for j := 0; j+1 < len(fields); j += 2 {
			v, err := strconv.ParseFloat(fields[j], 64)
			if err != nil {
				return nil, fmt.Errorf("ratios: %s: bad value %q", name, fields[j])
			}
			rn[fields[j+1]] = v
		}
		if _, ok := rn["ns/op"]; !ok {
			continue
		}
		if s.runs[w] == nil {
			s.workloads = append(s.workloads, w)
			s.runs[w] = map[string][]run{}
		}
		if s.runs[w][impl] == nil {
			s.impls[w] = append(s.impls[w], impl)
		}
		s.runs[w][impl] = append(s.runs[w][impl], rn)
	}
	return s, sc.Err()
}

// ratio is one line of the ratio table.
type ratio struct {
	label             string
	median, low, high float64
	pairs             int
}

// ratios pairs the runs of num and den by index and summarises num/den of
// unit, over the pairs where both report it.
func ratios(label, unit string, num, den []run) (ratio, bool) {
	var rs []float64
	for i := range min(len(num), len(den)) {
		a, ok1 := num[i][unit]
		b, ok2 := den[i][unit]
		if ok1 && ok2 && b != 0 {
			rs = append(rs, a/b)
		}
	}
	if len(rs) == 0 {
		return ratio{}, false
	}
	slices.Sort(rs)
	return ratio{label: label, median: median(rs), low: rs[0], high: rs[len(rs)-1], pairs: len(rs)}, true
}

// latencyUnits are the percentiles whose ratios are reported beside the
// costs', each labelled with its name.
var latencyUnits = []struct{ unit, name string }{{"p50-ns", "p50"}}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// workloadRatios returns the ratios of one workload, as the package comment
// defines them.
func (s *suite) workloadRatios(w string) []ratio {
	rs := s.runs[w]
	subject := "hydro"
	if _, ok := rs["dfir"]; ok {
		subject = "dfir"
	}
	var out []ratio
	// add appends num/den in ns/op, then in every latency percentile both
	// report.
	add := func(num, den string) {
		label := num + "/" + den
		if r, ok := ratios(label, "ns/op", rs[num], rs[den]); ok {
			out = append(out, r)
		}
		for _, l := range latencyUnits {
			if r, ok := ratios(label+" "+l.name, l.unit, rs[num], rs[den]); ok {
				out = append(out, r)
			}
		}
	}
	for _, impl := range s.impls[w] {
		switch {
		case impl == subject:
		case strings.HasPrefix(impl, "baseline"):
			add(subject, impl)
		case strings.HasPrefix(impl, "dfir_"):
			add(impl, "baseline")
		case impl == "hydro": // subject is dfir
			add("hydro", "dfir")
		default: // a pipeline or a peer
			add(impl, subject)
		}
	}
	return out
}

// medianOf returns the median of a unit over runs, and whether any run
// reports it.
func medianOf(runs []run, unit string) (float64, bool) {
	var vs []float64
	for _, r := range runs {
		if v, ok := r[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	return median(vs), true
}

func (s *suite) print(w io.Writer) {
	fmt.Fprintln(w, "| workload | ratio | median | min–max | pairs |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	for _, wl := range s.workloads {
		for _, r := range s.workloadRatios(wl) {
			fmt.Fprintf(w, "| %s | %s | %.2f | %.2f–%.2f | %d |\n", wl, r.label, r.median, r.low, r.high, r.pairs)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | impl | ns/op | per unit | p50 / p99 | B/op | allocs/op | runs |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
	for _, wl := range s.workloads {
		for _, impl := range s.impls[wl] {
			runs := s.runs[wl][impl]
			ns, _ := medianOf(runs, "ns/op")
			per := ""
			if unit := perUnit(runs); unit != "" {
				v, _ := medianOf(runs, unit)
				per = fmt.Sprintf("%s %s", short(v), unit)
			}
			lat := ""
			if p50, ok := medianOf(runs, "p50-ns"); ok {
				p99, _ := medianOf(runs, "p99-ns")
				lat = fmt.Sprintf("%s / %s ns", short(p50), short(p99))
			}
			bop, _ := medianOf(runs, "B/op")
			aop, _ := medianOf(runs, "allocs/op")
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %d |\n", wl, impl, short(ns), per, lat, short(bop), short(aop), len(runs))
		}
	}
}

// perUnit returns the per-unit time the runs report, or "": ns/tick, else
// ns/elem, else the first other ns/… but ns/op (ns/rec, ns/rt).
func perUnit(runs []run) string {
	var units []string
	for _, r := range runs {
		for u := range r {
			if strings.HasPrefix(u, "ns/") && u != "ns/op" {
				units = append(units, u)
			}
		}
	}
	for _, u := range []string{"ns/tick", "ns/elem"} {
		if slices.Contains(units, u) {
			return u
		}
	}
	if len(units) == 0 {
		return ""
	}
	slices.Sort(units)
	return units[0]
}

// short formats a value with three significant digits.
func short(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3gG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func main() {
	s, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(s.workloads) == 0 {
		fmt.Fprintln(os.Stderr, "ratios: no benchmark results on standard input")
		os.Exit(1)
	}
	s.print(os.Stdout)
}
