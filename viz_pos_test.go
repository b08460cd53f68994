// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hydro-go/hydro"
)

// TestHTMLPositions checks that every dfir operator the viewer lists names
// the user's line it was built for: a Tee at the line of the operator whose
// output it splits, a channel's sending sink_output at the networking call,
// and what closes a forward reference at ForwardRef. Before, the first two
// named the compiler's own files.
func TestHTMLPositions(t *testing.T) {
	type Leader struct{}
	type Worker struct{}
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[Worker](f)
	words := hydro.SourceIter(leader, []string{"a", "bb"})
	src := vizLine() - 1
	lens := hydro.Map(words, func(w string) int { return len(w) })
	hydro.NewOutput(lens)
	hydro.NewOutput(words)
	spread := hydro.RoundRobin(words, workers, hydro.NonDet("any worker"))
	rr := vizLine() - 1
	fw, loop := hydro.ForwardRef[string](workers)
	ref := vizLine() - 1
	fw.Complete(spread.Filter(func(string) bool { return false }))
	back := hydro.Gather(loop, leader)
	gather := vizLine() - 1
	hydro.NewOutput(back.Values())

	m := readPage(t, f)
	if m.Problem != "" {
		t.Fatalf("HTML() problem = %q; want none", m.Problem)
	}
	op := regexp.MustCompile(`^([a-z_]+)#\d+ \((.*)\)$`)
	seen := map[string]bool{}
	for _, l := range m.Locations {
		for _, s := range l.Subgraphs {
			for _, o := range s.Operators {
				mm := op.FindStringSubmatch(o)
				if mm == nil {
					t.Errorf("%s: operator %q is not name#id (file:line)", l.Name, o)
					continue
				}
				seen[l.Name+" "+mm[1]+" "+mm[2]] = true
				if len(mm[2]) < len("viz_pos_test.go:") || mm[2][:len("viz_pos_test.go:")] != "viz_pos_test.go:" {
					t.Errorf("%s: %s is at %s; want a line of viz_pos_test.go", l.Name, o, mm[2])
				}
			}
		}
	}
	for _, w := range []string{
		fmt.Sprintf("Leader tee viz_pos_test.go:%d", src),
		fmt.Sprintf("Leader sink_output viz_pos_test.go:%d", rr),
		fmt.Sprintf("Worker sink_output viz_pos_test.go:%d", gather),
		fmt.Sprintf("Worker source_input viz_pos_test.go:%d", rr),
		fmt.Sprintf("Leader source_input viz_pos_test.go:%d", gather),
	} {
		if !seen[w] {
			t.Errorf("no operator %q; have %v", w, seen)
		}
	}
	found := false
	for k := range seen {
		if regexp.MustCompile(fmt.Sprintf(`^Worker \w+ viz_pos_test.go:%d$`, ref)).MatchString(k) {
			found = true
		}
	}
	if !found {
		t.Errorf("no Worker operator at the ForwardRef's line %d; have %v", ref, seen)
	}
}
