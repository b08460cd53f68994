// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/deploytest"
	"github.com/hydro-go/hydro/std/paxos"
)

func sizes() []hydro.LocalOption {
	return []hydro.LocalOption{hydro.SizeOf[paxos.Proposer](2), hydro.SizeOf[paxos.ProxyLeader](Config.Proxies),
		hydro.SizeOf[paxos.Acceptor](Config.Grid.Size()), hydro.SizeOf[Replica](2)}
}

// exchange is lines a client sends at once, and the answers it wants, in
// order.
type exchange struct {
	say, want []string
}

// before is what the fleet test says before it kills a proxy leader and
// an acceptor, after the rest.
var before = []exchange{
	{[]string{"put a 1", "put b 2"}, []string{"ok", "ok"}},
	{[]string{"get a", "bogus", "get nothing"}, []string{`"1"`, `error: unknown command "bogus"; want put or get`, `""`}},
}

func after() []exchange {
	var puts, gets, oks, vals []string
	for i := range 10 {
		puts = append(puts, fmt.Sprintf("put k%d value %d", i, i))
		gets = append(gets, fmt.Sprintf("get k%d", i))
		oks = append(oks, "ok")
		vals = append(vals, fmt.Sprintf("%q", fmt.Sprintf("value %d", i)))
	}
	return []exchange{
		{[]string{"put a 3", "get a", "get b"}, []string{"ok", `"3"`, `"2"`}},
		{puts, oks},
		{gets, vals},
	}
}

// The store in one process, one client in memory: every answer in order,
// once a leader is elected.
func TestCPaxosLocal(t *testing.T) {
	f := hydro.NewFlow()
	port := KVS(f)
	r := hydro.MustLocal(f, sizes()...)
	c := port.Connect(r)
	for _, x := range append(before, after()...) {
		c.Send(x.say...)
		var got []string
		for i := 0; i < 200 && len(got) < len(x.want); i++ {
			r.Advance(Config.Period)
			got = append(got, c.Receive()...)
		}
		if !slices.Equal(got, x.want) {
			t.Fatalf("said %q, heard %q; want %q", x.say, got, x.want)
		}
	}
}

// The real thing: eleven OS processes over TCP (the front, two proposers,
// two proxy leaders, four acceptors, two replicas). Midway a proxy leader
// and an acceptor are killed: the store answers on, and what was written
// before reads back.
func TestCPaxosFleet(t *testing.T) {
	f := deploytest.Start(t, ".", "-stop-on-failure=false", "-cluster", "Proposer=2", "-cluster", "ProxyLeader=2", "-cluster", "Acceptor=4", "-cluster", "Replica=2")
	c := deploytest.Dial(f, "Client", hydro.Lines, hydro.Lines)
	talk := func(x exchange) {
		t.Helper()
		if err := c.Send(x.say...); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var got []string
		for range x.want {
			l, err := c.Receive(ctx)
			if err != nil {
				t.Fatalf("said %q, heard %q, then: %v; output:\n%s", x.say, got, err, f.Output())
			}
			got = append(got, l)
		}
		if !slices.Equal(got, x.want) {
			t.Fatalf("said %q, heard %q; want %q", x.say, got, x.want)
		}
	}
	for _, x := range before {
		talk(x)
	}
	f.Kill("ProxyLeader/0")
	f.Kill("Acceptor/1")
	for _, m := range []string{"ProxyLeader/0", "Acceptor/1"} {
		f.WaitLine(deploytest.Deployer, m+" exited: signal: killed", 30*time.Second)
	}
	for _, x := range after() {
		talk(x)
	}
	f.Stop()
}
