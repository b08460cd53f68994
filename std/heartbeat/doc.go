// SPDX-License-Identifier: Apache-2.0

// Package heartbeat detects failed members of a cluster: every member sends
// a heartbeat on its own clock, and a watching process suspects a member
// that stays silent for several of its own periods, as a component a flow
// calls like a function.
//
// # Usage
//
//	events := heartbeat.Monitor(workers, leader, 100*time.Millisecond, 3, hydro.NonDet("a slow member may be suspected"))
//
// events holds, per member, Up when it is first heard from (or heard from
// again after being suspected) and Down when the watcher's timer has fired
// misses times in a row without a heartbeat from it. A member the cluster's
// membership reports but that never sends is suspected too.
//
// # Timing
//
// Both clocks are the shell's: real in a deployment, virtual under Local and
// the simulator, where Advance moves them. A member is suspected between
// misses and misses+1 periods after its last heartbeat was taken in; a
// heartbeat late by more than that is a false suspicion, which Up then
// retracts. The NonDet says why the program tolerates that.
package heartbeat
