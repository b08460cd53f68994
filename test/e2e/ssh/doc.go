// SPDX-License-Identifier: Apache-2.0

// Package ssh holds the end-to-end test of the SSH deployer (deploy -ssh):
// three hosts, each a network namespace on a private bridge with its own
// sshd, and the examples' fleets deployed to them from this machine, with
// mutual TLS between the nodes. It needs root and iproute2; it installs
// Debian's openssh-server if sshd is missing. Without root it is skipped,
// unless CI is set: then it fails.
package ssh
