// SPDX-License-Identifier: Apache-2.0

package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/std/paxos"
)

// want is what the client prints, whoever leads.
var want = []string{
	`put a=1: ok`, `put b=2: ok`, `get a: "1"`, `put a=3: ok`, `get a: "3"`, `get b: "2"`, `get c: ""`, `done`,
}

func sizes() []hydro.LocalOption {
	return []hydro.LocalOption{hydro.SizeOf[paxos.Proposer](2), hydro.SizeOf[paxos.Acceptor](3), hydro.SizeOf[Replica](2)}
}

// The store in one process: the client's answers, in order, once a leader
// is elected.
func TestPaxosLocal(t *testing.T) {
	f := hydro.NewFlow()
	var got []string
	BuildWith(f, func(l string) { got = append(got, l) })
	r := hydro.MustLocal(f, sizes()...)
	for i := 0; i < 100 && !slices.Contains(got, "done"); i++ {
		r.Advance(Config.Period)
	}
	if !slices.Equal(got, want) {
		t.Errorf("client printed %q; want %q", got, want)
	}
}

// The real thing: eight OS processes (a client and f = 1: two proposers, three acceptors, two replicas) over TCP.
func TestPaxosFleet(t *testing.T) {
	f := deploytest.Start(t, ".", "-cluster", "Proposer=2", "-cluster", "Acceptor=3", "-cluster", "Replica=2")
	f.WaitFor("the client's last answer", 60*time.Second, func(l string) bool { return l == "[Client] done" })
	f.Stop()
	var got []string
	for _, l := range strings.Split(f.Output(), "\n") {
		if s, ok := strings.CutPrefix(l, "[Client] "); ok && !strings.Contains(s, "msg=") {
			got = append(got, s)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("client printed %q; want %q; output:\n%s", got, want, f.Output())
	}
}
