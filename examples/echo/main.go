// SPDX-License-Identifier: Apache-2.0

// Command echo is an echo server: every line a client sends comes back to
// it. Start the fleet, then talk to it with nc at the address the deployer
// prints:
//
//	$ go run ./examples/echo
//	[deployer] port Client listening on 127.0.0.1:40123
//	...
//	$ nc 127.0.0.1 40123
//	hello
//	hello
//
// Stop it with Ctrl-C.
package main

import (
	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

// Server answers the clients.
type Server struct{}

// Client is whoever connects: nc, or a program using deploy.Dial.
type Client struct{}

// Echo is the whole flow. It returns the port, for tests to connect to.
func Echo(f *hydro.Flow) *hydro.BidiPort[string, string, Server] {
	server := hydro.NewProcess[Server](f)
	clients := hydro.NewExternal[Client](f)
	echo := hydro.BidiExternal(server, clients, hydro.Lines, hydro.Lines)
	echo.Respond(echo.Requests())
	return echo
}

// Build is the flow, for deploy.Main.
func Build(f *hydro.Flow) { Echo(f) }

func main() { deploy.Main(Build) }
