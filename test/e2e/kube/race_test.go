// SPDX-License-Identifier: Apache-2.0

//go:build race

package kube_test

const raceEnabled = true
