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
//
// # Orphans
//
// On Linux a member dies with its deployer, however the deployer dies (a
// SIGKILL included): the kernel sends it SIGKILL as soon as the deployer is
// gone (Pdeathsig), and each member leads a process group of its own, which
// Stop kills whole when its context ends. So a member is no longer in the
// terminal's foreground group: Ctrl-C reaches the deployer alone, which
// stops the members with SIGTERM. Elsewhere members outlive a deployer that
// is killed.
package launch
