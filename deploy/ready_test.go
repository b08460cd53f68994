// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"testing"

	"github.com/hydro-go/hydro/internal/fleettest"
	"github.com/hydro-go/hydro/internal/launch"
)

// A port is announced only once the member serving it reports that it
// listens, and never before the fleet's start; the ready lines themselves
// stay out of the fleet's output.
func TestReadyWatchAnnounces(t *testing.T) {
	var out, next fleettest.Output
	ports := []launch.Member{{Name: "Client", Addr: "127.0.0.1:1"}, {Name: "Admin", Addr: "127.0.0.1:2"}}
	w := newReadyWatch(&next, &out, ports, []string{"Leader", "Worker/1"})
	write := func(line string) {
		if _, err := w.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	write("[Worker/1] " + readyMark) // before the start: held
	write("[Leader] hello")
	if got := out.String(); got != "" {
		t.Errorf("before the start, the deployer wrote %q; want nothing", got)
	}
	w.started([]launch.Member{{Name: "Leader", Addr: "a"}, {Name: "Worker/1", Addr: "b"}}, nil)
	write("[Leader] " + readyMark)
	write("[Leader] " + readyMark) // said twice: announced once
	want := "[deployer] started 2 members: Leader=a,Worker/1=b\n" +
		"[deployer] port Admin listening on 127.0.0.1:2\n" +
		"[deployer] port Client listening on 127.0.0.1:1\n"
	if got := out.String(); got != want {
		t.Errorf("the deployer wrote\n%s; want\n%s", got, want)
	}
	if got := next.String(); got != "[Leader] hello\n" {
		t.Errorf("passed on %q; want only the node's own line", got)
	}
	if _, ok := readyLine([]byte("[Leader] said " + readyMark + "\n")); ok {
		t.Error("a line with the mark inside passed for a ready line")
	}
}
