// SPDX-License-Identifier: Apache-2.0

//go:build linux

package launch

import (
	"os/exec"
	"syscall"
)

// bindToDeployer makes the member die with the deployer: the kernel sends
// it SIGKILL when the deployer dies, however it dies (Pdeathsig), and the
// member leads a process group of its own, so that killGroup reaches what
// it started too.
//
// NB: Pdeathsig fires when the thread that started the member exits, not
// the process. The Go runtime ends a thread only when a goroutine locked to
// it returns without unlocking, which Launch's callers do not do.
func bindToDeployer(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// killGroup kills the process group the member leads, then the member.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}
