// SPDX-License-Identifier: Apache-2.0

// Package docs holds the project's guides, as Markdown pages beside this
// file, and the test that keeps them true: every Go block a page takes from
// the code (a function, a type, a whole file) must read as it does there,
// and every output a page shows must be what the example's test checks. A
// page that drifts from the code fails `go test ./docs`.
//
// # Usage
//
// Before a Go block, a page names where the block comes from:
//
//	<!-- code: examples/counter/main.go Counter -->
//
// (a function or a type, by name; or the whole file, without its license
// header, when no name follows), and before a text block the example whose
// `// Output:` it shows:
//
//	<!-- output: examples/counter/main_test.go Example -->
package docs
