// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/sim"
)

// want is the report for np producers and nc consumers: every consumer has
// Values from Producer/p scaled by p+1.
func want(np, nc int) []string {
	sum := 0
	for _, v := range Values {
		sum += v
	}
	var lines []string
	for c := range nc {
		var from []string
		total := 0
		for p := range np {
			from = append(from, fmt.Sprintf("from Producer/%d n=%d sum=%d", p, len(Values), sum*(p+1)))
			total += sum * (p + 1)
		}
		lines = append(lines, fmt.Sprintf("Consumer/%d: %s; total=%d", c, strings.Join(from, ", "), total))
	}
	return append(lines, fmt.Sprintf("broadcast: producers=%d consumers=%d values=%d: every consumer got every value", np, nc, np*len(Values)))
}

// checkReport checks what the reporter reported, however the flow ran (in
// one process, under the simulator, as a fleet): the report for np
// producers and nc consumers, once.
func checkReport(got []string, np, nc int) error {
	if w := want(np, nc); !slices.Equal(got, w) {
		return fmt.Errorf("%d producers, %d consumers: report =\n\t%s\nwant\n\t%s", np, nc, strings.Join(got, "\n\t"), strings.Join(w, "\n\t"))
	}
	return nil
}

// The same flow in one process, for several sizes of both clusters: the
// report comes once, when the last value is in.
func TestBroadcastLocal(t *testing.T) {
	for _, tc := range []struct{ np, nc int }{{1, 1}, {1, 4}, {3, 1}, {2, 3}, {5, 4}} {
		f := hydro.NewFlow()
		var got []string
		BuildWith(f, func(l string) { got = append(got, l) })
		r := hydro.MustLocal(f, hydro.SizeOf[Producer](tc.np), hydro.SizeOf[Consumer](tc.nc))
		r.RunAvailable()
		r.RunTicks(3) // nothing more to say
		if err := checkReport(got, tc.np, tc.nc); err != nil {
			t.Error(err)
		}
	}
}

// The real thing: two producers, three consumers and the reporter as OS
// processes over TCP.
func TestBroadcastFleet(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Producer=2", "-cluster", "Consumer=3")
	w := want(2, 3)
	f.WaitFor("the report", 30*time.Second, func(l string) bool { return l == "[Reporter] "+w[len(w)-1] })
	f.Stop()
	out := f.Output()
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if r, ok := strings.CutPrefix(l, "[Reporter] "); ok && !strings.Contains(r, "msg=") {
			got = append(got, r)
		}
	}
	if err := checkReport(got, 2, 3); err != nil {
		t.Errorf("the reporter printed: %v", err)
	}
	for _, m := range []string{"Reporter", "Producer/0", "Producer/1", "Consumer/0", "Consumer/1", "Consumer/2"} {
		if !strings.Contains(out, `msg="node stopped" node=`+m) {
			t.Errorf("%s did not start and stop cleanly; output:\n%s", m, out)
		}
	}
}

// The same flow under the simulator, for several sizes of both clusters:
// whatever the schedule and the batches, the reporter reports what the
// real fleet prints, once.
func TestBroadcastSim(t *testing.T) {
	for _, tc := range []struct{ np, nc int }{{1, 1}, {1, 3}, {3, 1}, {2, 3}} {
		t.Run(fmt.Sprintf("producers=%d,consumers=%d", tc.np, tc.nc), func(t *testing.T) {
			sim.Random(t, sim.Config{Runs: 40}, func(s *sim.Sim) {
				f := hydro.NewFlow()
				var got []string
				BuildWith(f, func(l string) { got = append(got, l) })
				r := s.Local(f, hydro.SizeOf[Producer](tc.np), hydro.SizeOf[Consumer](tc.nc))
				s.RunAvailable(r)
				r.RunTicks(3) // nothing more to say
				s.RunAvailable(r)
				if err := checkReport(got, tc.np, tc.nc); err != nil {
					s.Fatalf("%v", err)
				}
			})
		})
	}
}
