// SPDX-License-Identifier: Apache-2.0

// Command kvpaxos is a key-value store replicated on Multi-Paxos that
// speaks the Redis protocol: a front end holds the port, two proposers
// and three acceptors order every command (reads too) in a log, and two
// replicas apply it (package std/rediskv's Replicate). It tolerates the
// loss of one acceptor and of one proposer, the leader included:
//
//	$ go run ./examples/kvpaxos -cluster Proposer=2 -cluster Acceptor=3 -cluster Replica=2
//	[deployer] port Client listening on 127.0.0.1:40123
//	...
//	$ redis-cli -p 40123 SET greeting hello
//	OK
//	$ redis-cli -p 40123 GET greeting
//	"hello"
//
// It knows the commands of examples/redis. Stop it with Ctrl-C.
package main

import (
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/rediskv"
	"github.com/hydro-go/hydro/std/replica"
)

// Front holds the port clients connect to.
type Front struct{}

// Client is whoever connects: redis-cli, redis-benchmark, a Redis library.
type Client struct{}

// Replica holds a copy of the store.
type Replica struct{}

// Config is f = 1 with two replicas: a heartbeat every 100ms, proposer 0
// runs for leader after 5 silent periods and proposer 1 after 15, and the
// front end sends a command again after 2 to 4 periods unanswered; a
// replica that missed commits fetches them from the other within a
// second.
var Config = rediskv.Config{
	Paxos:   paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 5, Stagger: 10},
	Replica: replica.Config{Checkpoint: 64, CatchUp: 500 * time.Millisecond, Replicas: 2},
	Retry:   200 * time.Millisecond,
}

// KVS is the whole flow. It returns the port, for tests to connect to.
func KVS(f *hydro.Flow) rediskv.Replicated[Front, Replica] {
	return rediskv.Replicate(hydro.NewProcess[Front](f), hydro.NewExternal[Client](f),
		hydro.NewCluster[paxos.Proposer](f), hydro.NewCluster[paxos.Acceptor](f), hydro.NewCluster[Replica](f),
		Config, hydro.NonDet("any proposer may lead; connections' commands interleave in the log as they arrive"))
}

// Build is the flow, for deploy.Main.
func Build(f *hydro.Flow) { KVS(f) }

func main() { deploy.Main(Build) }
