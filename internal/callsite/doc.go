// SPDX-License-Identifier: Apache-2.0

// Package callsite finds the user's code on the stack: the first caller
// outside a library's own sources, so that errors about a graph or a flow
// point at the line that built it.
package callsite
