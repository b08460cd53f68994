// SPDX-License-Identifier: Apache-2.0

package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro/deploy/deploytest"
)

// want is what the desk and every shop print, sorted.
var want = []string{
	"[Desk] order 1 committed", "[Desk] order 2 aborted", "[Desk] order 3 committed",
	"[Shop/0] order 1 (book) committed", "[Shop/0] order 2 (bike) aborted", "[Shop/0] order 3 (lamp) committed",
	"[Shop/1] order 1 (book) committed", "[Shop/1] order 2 (bike) aborted", "[Shop/1] order 3 (lamp) committed",
	"[Shop/2] order 1 (book) committed", "[Shop/2] order 2 (bike) aborted", "[Shop/2] order 3 (lamp) committed",
}

// The real thing: the desk and three shops as OS processes over TCP.
func TestTwoPCFleet(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Shop=3")
	for _, l := range want {
		f.WaitFor(l, 60*time.Second, func(line string) bool { return line == l })
	}
	f.Stop()
	var got []string
	for _, l := range strings.Split(f.Output(), "\n") {
		if strings.Contains(l, "] order ") {
			got = append(got, l)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("printed\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
