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
// # Replicated
//
// Replicate serves the same commands from a store replicated on a
// Multi-Paxos log (packages paxos and replica): a front end process holds
// the port, every command, reads included, goes through the log, and a
// client hears a reply only once a replica has applied its command from
// the committed log. The store is then linearizable, and keeps serving
// while a minority of acceptors and any one proposer are down:
//
//	front := hydro.NewProcess[Front](f)
//	kv := rediskv.Replicate(front, hydro.NewExternal[Client](f), proposers, acceptors, replicas, cfg, nd)
//	// kv.Port is where redis-cli connects
//
// Each connection has one batch of its commands in the log at a time, and
// the front end sends it again every Config.Retry until a replica answers,
// so commands pipelined on a connection are answered in order. Up to
// Config.MaxPending commands wait behind that batch; those past it are
// answered with an error in their turn.
//
// Before it sends any command, the front end learns an epoch from the
// log, a slot number no other run of it can learn, and names each
// connection in the log by the epoch and its hydro.ConnID: the replicas
// remember each one's last request, so a front end that restarts, and
// numbers its connections from 1 again, is not taken for its earlier run.
// The connections open when it stopped are closed, and their commands in
// flight may or may not have been applied, as with a Redis server that
// goes away.
//
// NB: the replicas remember one reply per connection ever opened; nothing
// forgets a closed connection's yet.
//
// # Determinism
//
// Apply is a pure function of the store and the command: replicas that
// apply the same commands in the same order hold the same store and give
// the same replies. Under Replicate, which connection's commands take
// which slot of the log depends on timing, which its NonDet accepts.
package rediskv
