// SPDX-License-Identifier: Apache-2.0

// Package deploytest runs a flow as a real fleet of OS processes on
// localhost, inside a test: it starts the fleet's deployer, reads each
// member's prefixed output, finds and dials the external ports, and stops
// the fleet, failing the test if a process is left running.
//
// # Usage
//
// A test of a main package builds it and runs it as the deployer:
//
//	func TestFleet(t *testing.T) {
//		f := deploytest.Start(t, ".", "-cluster", "Worker=3")
//		f.WaitLine("Leader", "counts:", 30*time.Second)
//		c := deploytest.Dial(f, "Client", hydro.Lines, hydro.Lines)
//		...
//		f.Stop()
//	}
//
// A test of any other package re-executes its own test binary as the
// deployer and as every node. Its TestMain hands the flow to Main, which
// runs the tests, or, in a binary started by StartTest or launched by its
// deployer, the deployer or the node:
//
//	func TestMain(m *testing.M) { deploytest.Main(m, Build) }
//
//	func TestFleet(t *testing.T) {
//		f := deploytest.StartTest(t)
//		...
//	}
//
// Every process a fleet starts carries a mark of that fleet in its
// environment. Stop, which the test's cleanup also calls, interrupts the
// deployer as Ctrl-C would, waits for it and its output, and fails the
// test if a process with the mark is still running (and kills it). The
// deployer's own lines start with "[deployer] " and each member's with
// its role: "[Leader] ", "[Worker/2] ".
//
// Starting a fleet is skipped under go test -short.
//
// # Concurrency
//
// A Fleet's methods are called from the test's goroutine. The output is
// read by a goroutine of the Fleet, which ends when the deployer exits and
// its output ends; Stop waits for it, so a test that checks goroutine
// leaks after Stop finds none of the Fleet's.
package deploytest
