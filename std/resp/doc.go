// SPDX-License-Identifier: Apache-2.0

// Package resp speaks the Redis protocol (RESP2) on a flow's external
// ports, so that redis-cli, redis-benchmark and any Redis client library
// can talk to a flow: Requests is the codec of the commands clients send,
// Replies the codec of what the flow answers.
//
// # Usage
//
//	port := hydro.BidiExternal(server, clients, resp.Requests, resp.Replies)
//	port.Respond(hydro.MapValues(port.Requests(), func(c resp.Command) resp.Value {
//		if c.Name() == "PING" {
//			return resp.Simple("PONG")
//		}
//		return resp.Errorf("ERR unknown command '%s'", c.Arg(0))
//	}))
//
// A command arrives as an array of bulk strings, as clients send them, or
// as an inline command (a line of words separated by spaces, as typed into
// telnet); empty lines before a command are skipped. Answer every command
// with exactly one Value, in order per connection: that is how a client
// matches replies to its commands.
//
// Values are built with Simple, Errorf, Int, Bulk, Null, NullArray and
// Array. Simple strings and errors cannot hold "\r" or "\n": Encode turns
// them into spaces.
//
// # Limits
//
// Hostile input never makes a port allocate without bound: a command is
// refused (and the connection closed) when its array announces more than
// MaxArgs elements or a count below 1, a bulk string announces more than
// MaxBulk bytes, an inline line is longer than MaxInline bytes, or the
// bytes break the protocol; and a message longer than the codec's limit
// (hydro.DefaultMaxMessage unless changed with WithMaxMessage) is refused
// before more than that is buffered. Replies nest at most MaxDepth arrays
// deep.
//
// # Determinism
//
// Encoding and decoding are pure functions of their input.
package resp
