// SPDX-License-Identifier: Apache-2.0

// Package fleettest holds what the module's own shell tests share and
// deploy/deploytest does not offer: Output, a writer that nodes' loggers
// or a fleet's members write to while a test waits on it. Tests that run a
// fleet of processes use deploy/deploytest.
package fleettest
