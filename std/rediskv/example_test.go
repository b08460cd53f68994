// SPDX-License-Identifier: Apache-2.0

package rediskv_test

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/rediskv"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

func ExampleStore_Apply() {
	s := rediskv.New()
	for _, c := range [][]string{{"SET", "n", "41"}, {"INCR", "n"}, {"MGET", "n", "missing"}, {"INCR"}} {
		fmt.Println(s.Apply(resp.Command{Args: c}))
	}
	// Output:
	// OK
	// (integer) 42
	// ["42" (nil)]
	// (error) ERR wrong number of arguments for 'incr' command
}

type (
	Front    struct{}
	Client   struct{}
	Replicas struct{}
)

// A store replicated on Multi-Paxos, run in one process: the replies come
// once the log has committed the commands and a replica applied them.
func ExampleReplicate() {
	f := hydro.NewFlow()
	proposers, acceptors, replicas := hydro.NewCluster[paxos.Proposer](f), hydro.NewCluster[paxos.Acceptor](f), hydro.NewCluster[Replicas](f)
	cfg := rediskv.Config{
		Paxos:   paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2},
		Replica: replica.Config{Checkpoint: 16},
		Retry:   200 * time.Millisecond,
	}
	kv := rediskv.Replicate(hydro.NewProcess[Front](f), hydro.NewExternal[Client](f), proposers, acceptors, replicas, cfg, hydro.NonDet("any proposer may lead"))
	r := hydro.MustLocal(f, hydro.Size(proposers, 2), hydro.Size(acceptors, 3), hydro.Size(replicas, 2))

	c := kv.Port.Connect(r)
	c.Send(resp.Command{Args: []string{"SET", "greeting", "hello"}}, resp.Command{Args: []string{"GET", "greeting"}})
	for i, replies := 0, 0; replies < 2 && i < 100; i++ {
		r.Advance(cfg.Paxos.Period)
		for _, v := range c.Receive() {
			fmt.Println(v)
			replies++
		}
	}
	// Output:
	// OK
	// "hello"
}
