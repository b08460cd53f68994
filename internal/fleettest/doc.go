// SPDX-License-Identifier: Apache-2.0

// Package fleettest runs example programs as real fleets of OS processes
// on localhost, for tests: it builds the program, starts its deployer,
// watches the prefixed output, stops the fleet and checks that no process
// is left behind.
package fleettest
