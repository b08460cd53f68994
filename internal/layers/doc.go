// SPDX-License-Identifier: Apache-2.0

// Package layers holds the tests that keep the module's layers as
// ARCHITECTURE.md draws them: which package may import which, and that the
// public packages' APIs name no internal type. It has no code of its own.
package layers
