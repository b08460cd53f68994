// SPDX-License-Identifier: Apache-2.0

//go:build !race

package compose_test

const raceEnabled = false
