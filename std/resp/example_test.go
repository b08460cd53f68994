// SPDX-License-Identifier: Apache-2.0

package resp_test

import (
	"fmt"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/resp"
)

// A port that answers PING, under Local with an in-memory client; deployed,
// redis-cli can talk to it.
func Example() {
	type Server struct{}
	type Client struct{}
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	clients := hydro.NewExternal[Client](f)
	port := hydro.BidiExternal(server, clients, resp.Requests, resp.Replies)
	port.Respond(hydro.MapValues(port.Requests(), func(c resp.Command) resp.Value {
		if c.Name() == "PING" {
			return resp.Simple("PONG")
		}
		return resp.Errorf("ERR unknown command '%s'", c.Arg(0))
	}))

	r := hydro.MustLocal(f)
	c := port.Connect(r)
	c.Send(resp.Command{Args: []string{"ping"}}, resp.Command{Args: []string{"shout"}})
	r.RunAvailable()
	for _, v := range c.Receive() {
		msg, _ := resp.AppendValue(nil, v)
		fmt.Printf("%v %q\n", v, msg)
	}
	// Output:
	// PONG "+PONG\r\n"
	// (error) ERR unknown command 'shout' "-ERR unknown command 'shout'\r\n"
}

// What redis-cli sends for `GET greeting`, split and parsed.
func ExampleParseCommand() {
	in := []byte("*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n*1\r\n$4\r\nPI")
	n, _ := resp.SplitCommand(in, false)
	c, _ := resp.ParseCommand(in[:n])
	fmt.Println(n, c.Name(), c.Arg(1))
	rest, _ := resp.SplitCommand(in[n:], false)
	fmt.Println(rest) // the second command is not whole yet
	// Output:
	// 27 GET greeting
	// 0
}
