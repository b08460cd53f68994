// SPDX-License-Identifier: Apache-2.0

// Package launch starts and stops a fleet of OS processes on this machine:
// the deployer's side of package deploy.
//
// # Usage
//
// Launch starts one OS process per node, each the same binary with its role
// in the environment (EnvRole, EnvPeers, EnvSizes, EnvPorts), prefixes every
// line they print with "[name]", and reports each exit (Exits). Stop asks
// them all to stop (SIGTERM) and waits, killing those still running when
// its context ends. FreeAddrs picks the addresses.
package launch
