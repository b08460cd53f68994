// SPDX-License-Identifier: Apache-2.0

package twopc

// BreakQuorum makes the coordinator commit on k yes votes: the protocol
// bug the simulator tests must catch when k is less than every member.
func BreakQuorum[P, T any](cfg *Config[P, T], k int) { cfg.commitQuorum = k }
