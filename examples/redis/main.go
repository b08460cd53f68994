// SPDX-License-Identifier: Apache-2.0

// Command redis is a key-value store that speaks the Redis protocol: one
// process keeps the keys, and redis-cli, redis-benchmark or any Redis
// client talks to it at the address the deployer prints:
//
//	$ go run ./examples/redis
//	[deployer] port Client listening on 127.0.0.1:40123
//	...
//	$ redis-cli -p 40123 SET greeting hello
//	OK
//	$ redis-cli -p 40123 GET greeting
//	"hello"
//	$ redis-benchmark -p 40123 -t set,get -n 2000 -q
//
// It knows PING, ECHO, GET, SET, DEL, EXISTS, INCR, MGET, MSET, DBSIZE and
// CONFIG GET (see package std/rediskv); anything else is answered with a
// Redis error. Stop it with Ctrl-C.
package main

import (
	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/rediskv"
	"github.com/hydro-go/hydro/std/resp"
)

// Server keeps the keys.
type Server struct{}

// Client is whoever connects: redis-cli, redis-benchmark, a Redis library.
type Client struct{}

type (
	command = hydro.KV[hydro.ConnID, resp.Command]
	reply   = hydro.KV[hydro.ConnID, resp.Value]
)

// KVS is the whole flow. It returns the port, for tests to connect to.
func KVS(f *hydro.Flow) *hydro.BidiPort[resp.Command, resp.Value, Server] {
	server := hydro.NewProcess[Server](f)
	clients := hydro.NewExternal[Client](f)
	port := hydro.BidiExternal(server, clients, resp.Requests, resp.Replies)
	commands := hydro.AssumeOrdered(port.Requests().Entries(),
		hydro.NonDet("commands of different connections may run in either order, as in Redis; each connection's run in its order"))
	replies := hydro.Scan(commands, rediskv.New, func(s **rediskv.Store, c command) reply {
		return reply{Key: c.Key, Val: (*s).Apply(c.Val)}
	})
	port.Respond(hydro.IntoKeyed(replies))
	return port
}

// Build is the flow, for deploy.Main.
func Build(f *hydro.Flow) { KVS(f) }

func main() { deploy.Main(Build) }
