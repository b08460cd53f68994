// SPDX-License-Identifier: Apache-2.0

// Package rediskv gives Redis commands their meaning over a map of strings:
// the state machine of a key-value store that redis-cli and redis-benchmark
// can use, for a single process or for the replicas of a replicated log.
//
// # Usage
//
// Keep a Store in a flow's state (for example Scan's accumulator) and
// apply each command to it in order; every command gets exactly one reply:
//
//	answers := hydro.Scan(commands, rediskv.New, func(s *rediskv.Store, c hydro.KV[hydro.ConnID, resp.Command]) hydro.KV[hydro.ConnID, resp.Value] {
//		return hydro.KV[hydro.ConnID, resp.Value]{Key: c.Key, Val: s.Apply(c.Val)}
//	})
//
// The commands are PING, ECHO, GET, SET (without options), DEL, EXISTS,
// INCR, MGET, MSET, DBSIZE, and CONFIG GET, which reports that nothing is
// saved to disk ("save" and "appendonly", which redis-benchmark asks for
// first) and knows no other parameter. Any other
// command, a wrong number of arguments, or INCR of a value that is not a
// 64-bit integer gets an error reply, as Redis words it, and changes
// nothing.
//
// # Determinism
//
// Apply is a pure function of the store and the command: replicas that
// apply the same commands in the same order hold the same store and give
// the same replies.
package rediskv
