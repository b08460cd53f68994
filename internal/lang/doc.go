// SPDX-License-Identifier: Apache-2.0

// Package lang lets the shells of this module (package sim, package deploy)
// reach what the language keeps to itself: a flow's IR, a location's, an
// option that configures the engine under a hydro.Local, and a codec's
// framing. The root package fills these in when it is initialized, so any
// package that imports it may call them; their arguments are the
// language's own types, passed as any because this package cannot import
// the package that defines them.
package lang
