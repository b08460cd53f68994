// SPDX-License-Identifier: Apache-2.0

// Command chat is a chat room: every line a client sends goes to every
// other connected client, prefixed with the sender's number, and everyone
// is told who joins and leaves. Start the fleet, then connect a few
// terminals with nc to the address the deployer prints:
//
//	$ go run ./examples/chat
//	[deployer] port Client listening on 127.0.0.1:40123
//	...
//	$ nc 127.0.0.1 40123
//	* welcome, you are client 1
//	* client 2 joined
//	hello
//	2: hi, 1
//
// Stop it with Ctrl-C.
package main

import (
	"fmt"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
)

// Server runs the room.
type Server struct{}

// Client is a member of the room, connected with nc or deploy.Dial.
type Client struct{}

// Line is one line for one client.
type Line = hydro.KV[hydro.ConnID, string]

// Chat is the whole flow. It returns the port, for tests to connect to.
func Chat(f *hydro.Flow) *hydro.BidiPort[string, string, Server] {
	server := hydro.NewProcess[Server](f)
	clients := hydro.NewExternal[Client](f)
	room := hydro.BidiExternal(server, clients, hydro.Lines, hydro.Lines)
	tick := hydro.NewTick(server)

	// Who is here: the connections whose latest event is Connected, as of
	// each tick.
	latest := hydro.ReduceKeyed(room.Events(), func(acc *hydro.ConnEvent, e hydro.ConnEvent) { *acc = e })
	here := hydro.SnapshotKeyed(latest, tick, hydro.NonDet("a line reaches whoever is connected when its tick runs"))
	present := here.Entries().Filter(func(kv hydro.KV[hydro.ConnID, hydro.ConnEvent]) bool { return kv.Val == hydro.Connected })
	online := hydro.Map(present, func(kv hydro.KV[hydro.ConnID, hydro.ConnEvent]) hydro.ConnID { return kv.Key })

	// What the tick has to say, each line keyed by who said it (or who
	// came or went).
	said := hydro.Map(hydro.BatchKeyed(room.Requests(), tick, hydro.NonDet("lines are relayed in the tick they arrive")).Entries(),
		func(kv Line) Line { return Line{Key: kv.Key, Val: fmt.Sprintf("%d: %s", kv.Key, kv.Val)} })
	events := hydro.BatchKeyed(room.Events(), tick, hydro.NonDet("arrivals are announced in the tick they happen")).Entries()
	news := hydro.Map(events, func(kv hydro.KV[hydro.ConnID, hydro.ConnEvent]) Line {
		if kv.Val == hydro.Connected {
			return Line{Key: kv.Key, Val: fmt.Sprintf("* client %d joined", kv.Key)}
		}
		return Line{Key: kv.Key, Val: fmt.Sprintf("* client %d left", kv.Key)}
	})

	// Everyone here hears it, except whoever said it; a newcomer is
	// welcomed.
	relayed := hydro.FilterMap(hydro.CrossProduct(hydro.Merge(said, news), online), func(p hydro.Pair[Line, hydro.ConnID]) (Line, bool) {
		return Line{Key: p.Right, Val: p.Left.Val}, p.Left.Key != p.Right
	})
	welcome := hydro.FilterMap(events, func(kv hydro.KV[hydro.ConnID, hydro.ConnEvent]) (Line, bool) {
		return Line{Key: kv.Key, Val: fmt.Sprintf("* welcome, you are client %d", kv.Key)}, kv.Val == hydro.Connected
	})
	room.Respond(hydro.IntoKeyed(hydro.AllTicks(hydro.Merge(welcome, relayed))))
	return room
}

// Build is the flow, for deploy.Main.
func Build(f *hydro.Flow) { Chat(f) }

func main() { deploy.Main(Build) }
