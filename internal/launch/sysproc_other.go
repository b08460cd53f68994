// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package launch

import "os/exec"

// bindToDeployer does nothing here: only Linux lets a child ask to die with
// its parent. A member started here outlives a deployer that is killed.
func bindToDeployer(cmd *exec.Cmd) {}

// killGroup kills the member.
func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
