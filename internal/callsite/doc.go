// SPDX-License-Identifier: Apache-2.0

// Package callsite finds the user's code on the stack: the first caller
// outside a library's own sources, so that errors about a graph or a flow
// point at the line that built it.
//
// # Usage
//
// A package calls Dir once, at init, for its own directory, and Find with
// it wherever it records a position. Find names the file relative to the
// root of the main module ("examples/order/main.go"), so that the position
// opens from there in an editor or a terminal; a file of a package outside
// the main module is named by its directory and name ("order/main.go").
// Find takes the package from the frame's function name and the main
// module from the build information the linker put in the binary
// (runtime/debug.ReadBuildInfo, read once): it reads no file.
package callsite
